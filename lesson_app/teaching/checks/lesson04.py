"""Checkers for notebook 04, routes and methods: which function runs, 404 against 405, route order, and a
route with a path parameter of the learner's own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import all_placeholders, first_wrong, not_a_response, same_keys

# Notebook 04 imports every checker of its lesson from here; the route check lives in a module of its own.
from lesson_app.teaching.checks.next_video_route import check_next_video as check_next_video
from lesson_app.teaching.restart import make_needs

# The names this lesson's cells make, and the heading of the section whose code cell makes each: after a
# kernel restart, `needs(...)` in an exercise cell names that section instead of a bare NameError.
MADE_IN = {
    "db_url": "Start the real parts",
    "app": "Start the real parts",
    "server": "Start the real parts",
    "client": "Start the real parts",
}
needs = make_needs(MADE_IN)

# The three requests of the first exercise, the function FastAPI calls for each, and the usual wrong picks.
FUNCTIONS = {
    "GET /videos/5": "read_video",
    "PATCH /videos/5": "update_video",
    "GET /videos": "list_videos",
}
_WRONG_FUNCTION = {
    ("GET /videos/5", "list_videos"): "the path /videos/5 has an id segment, so /videos (without one) does not "
    "match it; look for the route /videos/{video_id} with the method GET.",
    ("GET /videos/5", "create_video"): "create_video answers POST /videos; this request is a GET, with an id.",
    ("PATCH /videos/5", "read_video"): "read_video has the right path, /videos/{video_id}, but it only answers "
    "GET. FastAPI matches the path and the method: find the PATCH route for that path.",
    ("PATCH /videos/5", "replace_video"): "replace_video answers PUT (replace every field). PATCH is a "
    "different method (change some fields), with its own function.",
    ("GET /videos", "read_video"): "read_video needs an id after /videos/; this path has none. Which GET route "
    "is exactly /videos?",
    ("GET /videos", "create_video"): "create_video has the right path, /videos, but it answers POST; this "
    "request is a GET.",
}


def _name(answer: Any) -> str | None:
    """Accept 'read_video', 'read_video()' or the function object itself."""
    if callable(answer) and hasattr(answer, "__name__"):
        return answer.__name__
    if isinstance(answer, str):
        return answer.strip().removesuffix("()").strip()
    return None


def _judge_function(request: str, expected: str, given: Any) -> Feedback | None:
    """Refuse a name that is not the function FastAPI calls for `request`, with the usual mistake's hint."""
    name = _name(given)
    if name is None:
        return hint(f'for {request!r}, write the function\'s name as text, e.g. "read_home".')
    if name == expected:
        return None
    specific = _WRONG_FUNCTION.get((request, name))
    if specific:
        return hint(f"{request}: {specific}")
    return hint(
        f"{request}: {name!r} is not it. Find the row of the route table whose method and path "
        "both fit this request; the function is in the last column."
    )


def check_functions(answers: Any) -> Feedback:
    """Check the names of the functions FastAPI calls for the three requests in `FUNCTIONS`."""
    if all_placeholders(answers):
        return waiting('the name of the function each request calls, e.g. `"read_home"`')
    if not same_keys(answers, FUNCTIONS):
        return hint(f"keep the dictionary as it was given, with the keys {sorted(FUNCTIONS)}, and fill in its values.")
    if (wrong := first_wrong(answers, FUNCTIONS, _judge_function)) is not None:
        return wrong
    return correct(
        "FastAPI picks the function by the path and the method together: "
        + ", ".join(f"{request} → {name}()" for request, name in FUNCTIONS.items())
        + "."
    )


def check_method_not_allowed(response: Any) -> Feedback:
    """Check that `response` is a 405 from /admin/maintenance, whose Allow header names the method it takes."""
    if not_attempted(response):
        return waiting("one request to /admin/maintenance whose answer names, in a header, the method it accepts")
    if (refused := not_a_response(response)) is not None:
        return refused
    path, method, code = response.request.url.path, response.request.method, response.status_code
    if path != "/admin/maintenance":
        if code == 404:
            return hint(f"{path!r} answered 404: no route has that path. Ask for '/admin/maintenance' exactly.")
        return hint(f"that request went to {path!r}; this exercise is about '/admin/maintenance'.")
    if code == 405:
        return correct(
            f"405 Method Not Allowed: the path exists but not for {method}. The Allow header says "
            f"which method it takes: Allow: {response.headers.get('allow')}."
        )
    if code in (401, 403):
        return hint(
            f"{method} is the method this route accepts, so the route matched and then asked for the "
            f"admin token ({code}). A 405 comes earlier, from routing: use a method the route does not "
            "have, such as GET, and read the Allow header."
        )
    if code == 422:
        return hint(
            f"{method} with the admin token reached the route, which then wanted a body ({code}). "
            "Use a method the route does not have, such as GET."
        )
    if code == 200:
        return hint(
            f"{method} with the admin token ran the function and changed maintenance mode (make sure it "
            "is off again!). Use a method the route does not have, such as GET."
        )
    if code == 503:
        return hint(
            "503: maintenance mode is on. Switch it off with "
            '`client.put("/admin/maintenance", json={"enabled": False}, headers=...)`, then try again.'
        )
    return hint(f"the server answered {code}; a request with a method /admin/maintenance does not accept gets 405.")


ORDER_PATHS = ("/videos/latest", "/videos/{video_id}")


def order_app(order: list[str] | tuple[str, ...]) -> Any:
    """Build the small app of the route-order exercise, with its two routes added in `order`."""
    from fastapi import FastAPI

    app = FastAPI()

    def read_latest() -> dict[str, str]:
        return {"function": "read_latest"}

    def read_video(video_id: int) -> dict[str, Any]:
        return {"function": "read_video", "video_id": video_id}

    endpoints: dict[str, Callable[..., dict[str, Any]]] = {
        "/videos/latest": read_latest,
        "/videos/{video_id}": read_video,
    }
    for path in order:
        app.get(path)(endpoints[path])
    return app


def check_route_order(order: Any) -> Feedback:
    """Start the two-route app with the routes in the learner's `order` and ask for /videos/latest and /videos/7."""
    if not_attempted(order):
        return waiting(
            'a list of the two paths, "/videos/latest" and "/videos/{video_id}", in the order the app should add them'
        )
    if not isinstance(order, list | tuple):
        return hint(f"give a list holding exactly the two paths {list(ORDER_PATHS)}, in the order you want.")
    if not all(isinstance(path, str) for path in order):
        given = ", ".join(getattr(item, "__name__", type(item).__name__) for item in order)
        return hint(
            f'give the paths as text, e.g. "/videos/latest", not {given}: the route order is the order '
            "of the paths in the app."
        )
    if sorted(order) != sorted(ORDER_PATHS):
        return _other_paths(order)
    from lesson_app.runtime.server import start_server

    with (
        start_server(order_app(order), port=0, name="lesson04-check") as server,
        httpx.Client(base_url=server.url) as http,
    ):
        latest, seven = http.get("/videos/latest"), http.get("/videos/7")
    if latest.status_code == 422:
        return hint(
            "GET /videos/latest answered 422: FastAPI tried /videos/{video_id} first, it matched "
            "(a path parameter matches any one segment), and then 'latest' is not an integer. "
            "Put the fixed path first."
        )
    if latest.json().get("function") != "read_latest" or seven.json().get("function") != "read_video":
        return hint(
            f"/videos/latest called {latest.json().get('function')} and /videos/7 called "
            f"{seven.json().get('function')}; each should call its own function."
        )
    return correct(
        "the fixed path comes first, so /videos/latest calls read_latest() and /videos/7 still "
        "reaches read_video(video_id=7)."
    )


def _other_paths(order: list | tuple) -> Feedback:
    """Paths other than the app's two: the `:int` converter (the other way out) or a renamed parameter."""
    if any(":int}" in path for path in order):
        return hint(
            "`{video_id:int}` is the other way out (the route then never matches 'latest', in any order), but "
            f"this exercise is about the order: give the app's two paths as they are, {list(ORDER_PATHS)}, in "
            "the order that works."
        )
    return hint(
        f"give a list holding exactly the two paths {list(ORDER_PATHS)}, as the app writes them (a renamed "
        "parameter makes another route), in the order you want."
    )
