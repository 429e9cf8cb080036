"""Notebook 04's last exercise: the learner's own GET /videos/{video_id}/next route, served and judged."""

from __future__ import annotations

from typing import Any

import httpx

from lesson_app.teaching.checks import Feedback, correct, exception_text, get_and_error, hint, waiting
from lesson_app.teaching.checks.learner_app import DOC_PATHS, exchange, json_or_text, not_an_app, routes_of


def _own_routes(app: Any) -> list[str]:
    """The routes the learner added to `app`, as "METHODS path" lines."""
    return [
        f"{', '.join(sorted(getattr(route, 'methods', None) or ['?']))} {route.path}"
        for route in routes_of(app)
        if getattr(route, "path", None) not in DOC_PATHS
    ]


def check_next_video(app: Any) -> Feedback:
    """Start the learner's `app` on a real port and check GET /videos/{video_id}/next answers {"next": video_id + 1}.

    Sends /videos/7/next (wants {"next": 8}), /videos/41/next (wants {"next": 42}: computed, not fixed) and
    /videos/seven/next (wants 422: the parameter declared an int).
    """
    if (refused := not_an_app(app)) is not None:
        return refused
    routes = _own_routes(app)
    if not routes:
        return waiting("a route on `my_app`: a function with `@my_app.get(...)` above it")

    def requests(server: Any, http: httpx.Client) -> Any:
        paths = ("/videos/7/next", "/videos/seven/next", "/videos/41/next")
        return [get_and_error(server, http, path) for path in paths]

    answered = exchange(app, "lesson04-check-next", requests)
    if isinstance(answered, Feedback):
        return answered
    (seven, seven_error), (word, word_error), (other, _) = answered
    if seven.status_code == 500:
        return _crashed(seven_error)
    if seven.status_code != 200 or json_or_text(seven) != {"next": 8}:
        return _wrong_seven(routes, seven)
    if json_or_text(other) != {"next": 42}:  # a function that returns a fixed {"next": 8} gets this far
        return hint(
            f"/videos/7/next answered {{'next': 8}}, but /videos/41/next answered {json_or_text(other)!r}: "
            "compute the answer from the path's `video_id` (video_id + 1), not a fixed number."
        )
    return _judge_text_segment(word, word_error, routes)


def _judge_text_segment(word: httpx.Response, word_error: BaseException | None, routes: list[str]) -> Feedback:
    """Judge GET /videos/seven/next, once /videos/7/next works: FastAPI's validation should refuse it (422)."""
    if word.status_code == 404 and any(":int}" in route for route in routes):
        return hint(
            "/videos/7/next works, and `{video_id:int}` is a fine path, but it answers text with 404: the "
            'converter makes the route not match "seven" at all, so no function is chosen. This exercise '
            "wants FastAPI's own refusal: write `{video_id}` in the path and keep `video_id: int`, and "
            "/videos/seven/next gets 422, naming the parameter."
        )
    if word.status_code != 422:
        got = (
            f"500 because your function raised {exception_text(word_error)}"
            if word_error
            else f"{word.status_code} {json_or_text(word)!r}"
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


def _wrong_seven(routes: list[str], seven: httpx.Response) -> Feedback:
    """Explain why GET /videos/7/next did not answer 200 {"next": 8}: no path, another method, or another name."""
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
    body = json_or_text(seven)
    if seven.status_code == 422:
        details = body.get("detail") if isinstance(body, dict) else None
        wanted = [item.get("loc") for item in details if isinstance(item, dict)] if isinstance(details, list) else []
        return hint(
            f"GET /videos/7/next answered 422, about {wanted}: FastAPI wanted a value it did not find. "
            "The function's parameter must have the same name as the braces in the path, `video_id`; a "
            "parameter of another name is taken as a query parameter."
        )
    return hint(
        f"GET /videos/7/next answered {seven.status_code} {body!r}; it should answer 200 "
        "{'next': 8}: return {\"next\": video_id + 1}."
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
