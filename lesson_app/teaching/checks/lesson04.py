"""Checkers for notebook 04, routes and methods: which function runs, 404 against 405, route order, and a
route with a path parameter of the learner's own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from lesson_app.teaching.checks import Feedback, correct, exception_text, get_and_error, hint, not_attempted, waiting

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


def check_functions(answers: Any) -> Feedback:
    """Check the names of the functions FastAPI calls for the three requests in `FUNCTIONS`."""
    if not_attempted(answers) or (isinstance(answers, dict) and all(not_attempted(v) for v in answers.values())):
        return waiting('the name of the function each request calls, e.g. `"read_home"`')
    if not isinstance(answers, dict) or set(answers) != set(FUNCTIONS):
        return hint(f"keep the dictionary as it was given, with the keys {sorted(FUNCTIONS)}, and fill in its values.")
    for right, (request, expected) in enumerate(FUNCTIONS.items()):
        given = answers[request]
        if not_attempted(given):
            return hint(f"{right} right so far; {request!r} is still `...`.")
        name = _name(given)
        if name is None:
            return hint(f'for {request!r}, write the function\'s name as text, e.g. "read_home".')
        if name != expected:
            specific = _WRONG_FUNCTION.get((request, name))
            if specific:
                return hint(f"{request}: {specific}")
            return hint(
                f"{request}: {name!r} is not it. Find the row of the route table whose method and path "
                "both fit this request; the function is in the last column."
            )
    return correct(
        "FastAPI picks the function by the path and the method together: "
        + ", ".join(f"{request} → {name}()" for request, name in FUNCTIONS.items())
        + "."
    )


def check_method_not_allowed(response: Any) -> Feedback:
    """Check that `response` is a 405 from /admin/maintenance, whose Allow header names the method it takes."""
    if not_attempted(response):
        return waiting("one request to /admin/maintenance whose answer names, in a header, the method it accepts")
    if not isinstance(response, httpx.Response):
        return hint(
            f"expected the response object a request returns (`client.get(...)`), got a {type(response).__name__}."
        )
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
        return hint(f"give a list holding exactly the two paths {list(ORDER_PATHS)}, in the order you want.")
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


# The routes FastAPI adds to every app by itself: the documentation pages.
_DOC_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
# A plain FastAPI app whose function raises answers 500 and then closes the connection; a fresh connection
# for each request keeps the next request from landing on the closed one.
_ONE_REQUEST_PER_CONNECTION = {"Connection": "close"}


def _own_routes(app: Any) -> list[str]:
    """The routes the learner added to `app`, as "METHODS path" lines."""
    return [
        f"{', '.join(sorted(getattr(route, 'methods', None) or ['?']))} {route.path}"
        for route in app.routes
        if getattr(route, "path", None) not in _DOC_PATHS
    ]


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def check_next_video(app: Any) -> Feedback:
    """Start the learner's `app` on a real port and check GET /videos/{video_id}/next answers {"next": video_id + 1}.

    Sends /videos/7/next (wants {"next": 8}) and /videos/seven/next (wants 422: the parameter declared an int).
    """
    from starlette.applications import Starlette

    if not_attempted(app):
        return waiting("a FastAPI app, e.g. `my_app = FastAPI()`, with your route on it")
    if not isinstance(app, Starlette):
        return hint(
            f"expected the app itself (`my_app = FastAPI()`, with your route added by `@my_app.get(...)`), "
            f"got a {type(app).__name__}."
        )
    routes = _own_routes(app)
    if not routes:
        return waiting("a route on `my_app`: a function with `@my_app.get(...)` above it")
    from lesson_app.runtime.server import start_server

    try:
        with (
            start_server(app, port=0, name="lesson04-check-next") as server,
            httpx.Client(base_url=server.url, timeout=5, headers=_ONE_REQUEST_PER_CONNECTION) as http,
        ):
            seven, seven_error = get_and_error(server, http, "/videos/7/next")
            word, word_error = get_and_error(server, http, "/videos/seven/next")
    except Exception as exc:  # noqa: BLE001 - the learner's app may fail in any way; say how, never raise
        return hint(f"the app could not be started and asked: {type(exc).__name__}: {exc}")
    if seven.status_code == 500:
        return _crashed(seven_error)
    if seven.status_code == 404:
        if any("video_id" in route and "{video_id}" not in route for route in routes):
            return hint(
                f"GET /videos/7/next answered 404. Your routes: {routes}. A path parameter is written in "
                "braces, `{video_id}`; without them the path only matches those exact letters."
            )
        return hint(
            f"GET /videos/7/next answered 404: no route's path matched it. Your routes: {routes}. The path "
            "should be /videos/{video_id}/next."
        )
    if seven.status_code == 405:
        return hint(
            f"GET /videos/7/next answered 405: the path matched, but not for GET (Allow: "
            f"{seven.headers.get('allow')}). Add the route with `@my_app.get(...)`."
        )
    if seven.status_code == 422:
        body = _json(seven)
        details = body.get("detail") if isinstance(body, dict) else None
        wanted = [item.get("loc") for item in details if isinstance(item, dict)] if isinstance(details, list) else []
        return hint(
            f"GET /videos/7/next answered 422, about {wanted}: FastAPI wanted a value it did not find. "
            "The function's parameter must have the same name as the braces in the path, `video_id`; a "
            "parameter of another name is taken as a query parameter."
        )
    body = _json(seven)
    if seven.status_code != 200 or body != {"next": 8}:
        return hint(
            f"GET /videos/7/next answered {seven.status_code} {body!r}; it should answer 200 "
            "{'next': 8}: return {\"next\": video_id + 1}."
        )
    if word.status_code != 422:
        got = (
            f"500 because your function raised {exception_text(word_error)}"
            if word_error
            else f"{word.status_code} {_json(word)!r}"
        )
        return hint(
            f"/videos/7/next works. But GET /videos/seven/next answered {got}; declare `video_id: int`, "
            "and FastAPI refuses text before your function runs (422)."
        )
    return correct(
        "GET /videos/7/next → {'next': 8}: FastAPI matched the path, passed the segment \"7\" to "
        "video_id as the integer 7, and your function added 1. /videos/seven/next got 422 without "
        "your function running."
    )


def _crashed(error: BaseException | None) -> Feedback:
    """Explain a 500 from GET /videos/7/next with the exception the function really raised."""
    if error is None:
        return hint(
            "GET /videos/7/next answered 500: your function raised an error; call the function yourself in "
            "a cell, e.g. `read_next_video(7)`, to see it."
        )
    raised = f"GET /videos/7/next answered 500 because your function raised {exception_text(error)}"
    if isinstance(error, TypeError) and "str" in str(error):  # "7" + 1: the segment arrived as text
        return hint(
            f'{raised}: without a type (or with `str`), `video_id` arrives as the text "7", and '
            '"7" + 1 fails, so declare `video_id: int`.'
        )
    return hint(f"{raised}; fix that line of your route, run its cell again, then run this check again.")
