"""Serve a FastAPI app the learner wrote on a real port, send it requests, and read what came back.

Notebooks 04 and 05 end with a route of the learner's own; their checkers share this, so that both refuse a
non-app, skip the documentation routes and survive an app that cannot start in the same words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from lesson_app.teaching.checks import Feedback, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import a_type

T = TypeVar("T")

# The routes FastAPI adds to every app by itself: the documentation pages.
DOC_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
# A plain FastAPI app whose function raises answers 500 and then closes the connection; a fresh connection
# for each request keeps the next request from landing on the closed one.
ONE_REQUEST_PER_CONNECTION = {"Connection": "close"}


def not_an_app(app: Any) -> Feedback | None:
    """Refuse the placeholder and anything that is not an ASGI app built with FastAPI (or Starlette)."""
    from starlette.applications import Starlette

    if not_attempted(app):
        return waiting("a FastAPI app, e.g. `my_app = FastAPI()`, with your route on it")
    if not isinstance(app, Starlette):
        return hint(
            f"expected the app itself (`my_app = FastAPI()`, with your route added by `@my_app.get(...)`), "
            f"got {a_type(app)}."
        )
    return None


def json_or_text(response: httpx.Response) -> Any:
    """Return the response's JSON body, or its text when the body is not JSON."""
    try:
        return response.json()
    except ValueError:
        return response.text


def exchange(app: Any, name: str, requests: Callable[[Any, httpx.Client], T]) -> T | Feedback:
    """Start `app` on a free port, run `requests(server, http)` against it and return what it returned.

    A hint instead when the app cannot start or the exchange fails.
    """
    from lesson_app.runtime.server import start_server

    try:
        with (
            start_server(app, port=0, name=name) as server,
            httpx.Client(base_url=server.url, timeout=5, headers=ONE_REQUEST_PER_CONNECTION) as http,
        ):
            return requests(server, http)
    except Exception as exc:  # noqa: BLE001 - the learner's app may fail in any way; say how, never raise
        return hint(f"the app could not be started and asked: {type(exc).__name__}: {exc}")


def routes_of(app: Any) -> list[Any]:
    """Every route of a learner's app with its full path, routers added with `include_router` opened: FastAPI keeps an
    included router as one entry of `app.routes` (without a `path`), and `iter_route_contexts` opens it, as lesson
    04's route table does."""
    from fastapi.routing import iter_route_contexts

    try:
        return list(iter_route_contexts(app.routes))
    except Exception:  # a Starlette app, or routes FastAPI cannot open: what `app.routes` itself says
        return list(getattr(app, "routes", []))
