"""The rows about creating and reading: create, a duplicate url, a missing id, an invalid body."""

from __future__ import annotations

from typing import Any

import httpx

from lesson_app.teaching.project_check.probe import Probe, answered, json_or_none

NEW = {"title": "Checked video", "url": "https://www.youtube.com/watch?v=check-0001", "channel": "Checker"}
MISSING_ID = 2_000_000_000  # fits PostgreSQL's integer, and a fresh database never gets that far
PAGE_MAX = 100  # a list without a limit parameter must stop at this many rows or fewer


def video(number: int) -> dict[str, Any]:
    """Return a valid new video whose url no other video of the check has."""
    return {**NEW, "title": f"Checked video {number}", "url": f"https://www.youtube.com/watch?v=check-{number:04d}"}


def _create_hint(response: httpx.Response, body: Any) -> str:
    status = response.status_code
    if status == 200:
        return "POST /videos answered 200: a create answers 201 Created (status_code=201 on the route)."
    if status >= 500:  # the route ran and raised: a status_code hint would send the learner the wrong way
        return "POST /videos crashed (500): the server log below shows the exception; fix that line in the route."
    if status != 201:
        return f"{answered('POST', '/videos', response)} (expected 201): add @app.post('/videos', status_code=201)."
    if not isinstance(body, dict) or not isinstance(body.get("id"), int) or "created_at" not in body:
        return "POST /videos answered without an integer id and a created_at: return the row after commit."
    wrong = [key for key, value in {**NEW, "views": 0, "is_published": True}.items() if body.get(key) != value]
    if wrong:
        return f"the created row has the wrong {', '.join(wrong)}: views defaults to 0 and is_published to true."
    location = response.headers.get("location", "")
    if not location.endswith(f"/videos/{body['id']}"):
        return (
            f"201 needs a Location header with the new row's address: response.headers['Location'] = "
            f"f'/videos/{{video.id}}' (got {location or 'none'!r})."
        )
    return ""


def check_create(probe: Probe) -> dict[str, Any] | None:
    """POST a video: 201, a Location header, the row with id, created_at and the defaults; return the row."""
    response = probe.send("POST", "/videos", json=NEW)
    if response is None:
        probe.failed("create: 201 + Location", answered("POST", "/videos", None))
        return None
    body = json_or_none(response)
    hint = _create_hint(response, body)
    if hint:
        probe.failed("create: 201 + Location", hint, response)
    else:
        probe.passed("create: 201 + Location")
    return body if isinstance(body, dict) and isinstance(body.get("id"), int) else None


def check_duplicate(probe: Probe) -> None:
    """POST the same url again: 409, never 500."""
    name, response = "duplicate url: 409", probe.send("POST", "/videos", json=NEW)
    if response is not None and response.status_code == 409:
        probe.passed(name)
    elif response is not None and response.status_code in (200, 201):
        probe.failed(
            name, "a second video with the same url was stored: make url unique (unique=True) and migrate.", log=False
        )
    elif response is not None and response.status_code >= 500:
        probe.failed(
            name,
            "a duplicate url raised an error (500): catch IntegrityError, db.rollback(), and raise HTTPException(409).",
            response,
        )
    else:
        probe.failed(
            name, f"{answered('POST', '/videos', response)} for a duplicate url: answer 409 Conflict.", response
        )


def check_missing(probe: Probe) -> None:
    """GET an id no row has: 404."""
    name, response = "missing id: 404", probe.send("GET", f"/videos/{MISSING_ID}")
    if response is not None and response.status_code == 404:
        probe.passed(name)
    else:
        probe.failed(
            name,
            f"{answered('GET', f'/videos/{MISSING_ID}', response)}: when db.get(...) finds "
            "nothing, raise HTTPException(status_code=404).",
            response,
        )


def check_invalid(probe: Probe) -> None:
    """POST a body without url and channel, then one with negative views: 422 both times."""
    name = "invalid body: 422"
    response = probe.send("POST", "/videos", json={"title": "No url, no channel"})
    if response is None or response.status_code != 422:
        probe.failed(
            name,
            f"{answered('POST', '/videos', response)} to a body without url and channel: "
            "declare the body as a Pydantic model whose title, url and channel are required.",
            response,
        )
        return
    response = probe.send("POST", "/videos", json={**video(900), "views": -1})
    if response is None or response.status_code != 422:
        probe.failed(
            name,
            f"{answered('POST', '/videos', response)} to views = -1: declare views as "
            "int = Field(default=0, ge=0) in the schema.",
            response,
        )
        return
    probe.passed(name)
