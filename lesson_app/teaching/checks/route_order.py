"""Notebook 04's route-order exercise: a debug-this whose app sends /videos/latest to the wrong route.

The learner fixes the app in the exercise cell (or, as before, gives the two paths in order); the checker
starts it on a real port and sends GET /videos/latest and GET /videos/7.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from starlette.applications import Starlette

from lesson_app.teaching.checks import Feedback, correct, exception_text, hint, not_attempted, waiting
from lesson_app.teaching.checks.learner_app import routes_of

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


def check_route_order(answer: Any) -> Feedback:
    """Start the learner's fixed app (or the two-route app in the learner's order) and ask for /videos/latest and
    /videos/7."""
    if not_attempted(answer):
        return waiting("the app, its routes in an order that works, as in `check_route_order(latest_app)`")
    if isinstance(answer, Starlette):  # FastAPI's app is a Starlette app
        return _judge_app(answer, converter=any(":int}" in getattr(r, "path", "") for r in routes_of(answer)))
    if not isinstance(answer, list | tuple):
        return hint(f"pass the app itself, `check_route_order(latest_app)`; got {type(answer).__name__}.")
    if not all(isinstance(path, str) for path in answer):
        given = ", ".join(getattr(item, "__name__", type(item).__name__) for item in answer)
        return hint(
            f'give the paths as text, e.g. "/videos/latest", not {given}: the route order is the order '
            "of the paths in the app."
        )
    if sorted(answer) != sorted(ORDER_PATHS):
        return _other_paths(answer)
    return _judge_app(order_app(answer), converter=False)


def _judge_app(app: Any, *, converter: bool) -> Feedback:
    """Send GET /videos/latest and GET /videos/7 to `app` on a real port, and say which function answered."""
    from lesson_app.runtime.server import start_server

    handled: dict[str, str | None] = {}

    async def tap(scope: Any, receive: Any, send: Any) -> None:
        # Routing writes the matched route's function into the request's scope: read it once the app is done,
        # so the judgement rests on which function really ran, whatever it is called or returns.
        await app(scope, receive, send)
        if scope["type"] == "http":
            handled[scope["path"]] = getattr(scope.get("endpoint"), "__name__", None)

    try:
        with (
            start_server(tap, port=0, name="lesson04-check") as server,
            httpx.Client(base_url=server.url) as http,
        ):
            latest, seven = http.get("/videos/latest"), http.get("/videos/7")
    except Exception as exc:  # an app that cannot start: show the learner what went wrong
        return hint(f"the app did not answer ({exception_text(exc)}); run the cell again after fixing that.")
    said = {
        path: handled.get(path) if response.status_code == 200 else None
        for path, response in (("/videos/latest", latest), ("/videos/7", seven))
    }
    return _judge_answers(app, latest.status_code, said, converter=converter)


def _names(app: Any) -> tuple[str, str]:
    """The functions of the app's two routes: the fixed one's and the one with the parameter."""
    names = {getattr(r, "path", ""): getattr(r, "endpoint", None) for r in routes_of(app)}
    latest = getattr(names.get("/videos/latest"), "__name__", "read_latest")
    video = next(
        (getattr(f, "__name__", "") for p, f in names.items() if p.startswith("/videos/{video_id")), "read_video"
    )
    return latest, video


def _judge_answers(app: Any, latest_status: int, said: dict[str, str | None], *, converter: bool) -> Feedback:
    """Say which function answered each request, and what to move when it was the wrong one."""
    latest, video = _names(app)
    if latest_status == 422 and not any(getattr(route, "path", "") == "/videos/latest" for route in routes_of(app)):
        return hint(
            "GET /videos/latest answered 422, and the app has no /videos/latest route any more: keep both "
            "routes, and put the fixed path first."
        )
    if latest_status == 422:
        return hint(
            "GET /videos/latest answered 422: FastAPI tried /videos/{video_id} first, it matched "
            "(a path parameter matches any one segment), and then 'latest' is not an integer. "
            "Put the fixed path first."
        )
    if said["/videos/latest"] == video:
        return hint(
            f"GET /videos/latest called {video}: /videos/{{video_id}} still comes first and matches it (the type "
            "in the function plays no part in matching); put the /videos/latest route above it."
        )
    if said != {"/videos/latest": latest, "/videos/7": video}:
        return hint(
            "; ".join(f"GET {path} {_outcome(found)}" for path, found in said.items())
            + ". Each should call its own function: move a route, don't delete one."
        )
    if converter:
        return correct(
            f"with the path converter {{video_id:int}}, /videos/{{video_id}} matches digits only, so /videos/latest "
            f"reaches {latest}() and /videos/7 still reaches {video}(video_id=7). Moving the fixed path "
            "first would also have done it."
        )
    return correct(
        f"the fixed path comes first, so /videos/latest calls {latest}() and /videos/7 still "
        f"reaches {video}(video_id=7)."
    )


def _outcome(found: str | None) -> str:
    return f"called {found}" if found else "reached no function (no route matched it)"


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
