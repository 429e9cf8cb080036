"""The request sequence of `check_crud` (notebook 13): each step returns what is wrong, or None.

Every video it creates has a url starting with `prefix(tag)`, so `delete_checker_rows` removes them all
afterwards, whichever step failed.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from lesson_app.config.settings import normalize_url
from lesson_app.runtime.server import LessonServer

PAGE_MAX = 100  # as check_project: without a limit parameter, a list must stop at this many rows or fewer


def prefix(tag: str) -> str:
    """Return the start of the url of every video the check creates with this tag."""
    return f"https://videos.example/check-{tag}"


def video(tag: str, number: int = 0) -> dict[str, Any]:
    return {"title": "Checker video", "url": f"{prefix(tag)}-{number}", "channel": "Checker"}


def delete_checker_rows(database_url: str, tag: str) -> None:
    """Delete the check's own videos, so the learner's rows are left as they were."""
    engine = create_engine(normalize_url(database_url))
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM youtube WHERE url LIKE :u"), {"u": prefix(tag) + "-%"})
    finally:
        engine.dispose()


class CrudSteps:
    """One client on the learner's app served in this kernel; a 500 is reported with the route's exception."""

    def __init__(self, server: LessonServer, client: httpx.Client, tag: str) -> None:
        self.server, self.client, self.tag = server, client, tag
        self._seen = len(server.errors())  # exceptions logged before this check: not the learner's route's

    def crashed(self, response: httpx.Response, request: str) -> str | None:
        """Return the hint for a 500 (the exception the route raised), or None for any other status."""
        if response.status_code < 500:
            return None
        # Uvicorn logs the route's exception just after it sends the 500: wait for it (up to two seconds).
        deadline = time.monotonic() + 2
        errors = self.server.errors()
        while len(errors) <= self._seen and time.monotonic() < deadline:
            time.sleep(0.01)
            errors = self.server.errors()
        fresh = len(errors) > self._seen
        self._seen = len(errors)
        last = errors[-1] if fresh else None
        raised = f"{type(last).__name__}: {str(last).splitlines()[0][:200]}" if last else "an exception"
        return f"{request} crashed (500) with {raised}: fix that line in your route and write the file again."

    def create(self) -> tuple[str | None, dict[str, Any]]:
        """POST a video: 201, Location, the stored fields, then 409 for the same url."""
        body = video(self.tag)
        response = self.client.post("/videos", json=body)
        if problem := self.crashed(response, "POST /videos"):
            return problem, {}
        if response.status_code != 201:
            return f"POST /videos answered {response.status_code}; a stored video answers 201: `status_code=201`.", {}
        stored = response.json()
        if response.headers.get("location") != f"/videos/{stored.get('id')}":
            return 'POST /videos answered 201 without `Location: /videos/<id>`: set response.headers["Location"].', {}
        missing = [name for name in ("id", "created_at", "views", "is_published") if name not in stored]
        if missing:
            return f"the answer lacks {', '.join(missing)}: add them to the response model.", stored
        again = self.client.post("/videos", json=body)
        if again.status_code != 409:
            return (
                f"a second POST with the same url answered {again.status_code}, not 409: catch IntegrityError at "
                "commit, db.rollback(), then raise HTTPException(status_code=409)."
            ), stored
        return None, stored

    def read(self, video_id: int) -> str | None:
        """GET a stored id (200) and a missing one (404); POST views -1 (422)."""
        found, missing = self.client.get(f"/videos/{video_id}"), self.client.get(f"/videos/{video_id + 10**6}")
        if problem := self.crashed(found, "GET /videos/{id}") or self.crashed(missing, "GET /videos/{id}"):
            return problem
        if found.status_code != 200 or missing.status_code != 404:
            return "GET /videos/{id} must answer 200 for a stored video and 404 for a missing one (HTTPException 404)."
        if self.client.post("/videos", json={**video(self.tag, 1), "views": -1}).status_code != 422:
            return "a video with views -1 was accepted: `views: int = Field(default=0, ge=0)` makes it a 422."
        return None

    def patch(self, stored: dict[str, Any]) -> str | None:
        """PATCH views 7 (200, nothing else changed), then views -5 (422, as lesson 13's table says)."""
        path = f"/videos/{stored['id']}"
        changed = self.client.patch(path, json={"views": 7})
        if changed.status_code in (409, 500):  # NOT NULL or unique broke: fields not sent were written too
            answer = f"PATCH {{'views': 7}} answered {changed.status_code}"
            crash = self.crashed(changed, "PATCH {'views': 7}") or answer
            return (
                f"{crash.split(': fix that line')[0]}; fields not sent were probably written as None or defaults: "
                "apply only changes.model_dump(exclude_unset=True) to the row."
            )
        if changed.status_code != 200 or changed.json().get("views") != 7:
            return f"PATCH {{'views': 7}} answered {changed.status_code}; it should change views and answer 200."
        if changed.json().get("title") != stored["title"]:
            return "PATCH changed fields it was not sent: use model_dump(exclude_unset=True)."
        negative = self.client.patch(path, json={"views": -5})
        if negative.status_code != 422:
            return (
                f"PATCH {{'views': -5}} answered {negative.status_code}: the update schema needs the same rule as "
                "the create one, `views: int | None = Field(default=None, ge=0)`, so it answers 422."
            )
        return self.patch_null(path)

    def patch_null(self, path: str) -> str | None:
        """PATCH title null: 422 from the schema, not a NOT NULL IntegrityError answered as 409 (or a 500)."""
        nulled = self.client.patch(path, json={"title": None})
        if nulled.status_code == 422:
            return None
        claim = (
            " (and your 409 says the url exists: answer 409 only when isinstance(exc.orig, UniqueViolation))"
            if nulled.status_code == 409
            else ""
        )
        return (
            f"PATCH {{'title': null}} answered {nulled.status_code}, not 422: title is NOT NULL, so VideoUpdate "
            f"must refuse null with a validator that raises ValueError for None{claim}."
        )

    def delete(self, video_id: int) -> str | None:
        """DELETE: 204 with an empty body, then GET answers 404."""
        path = f"/videos/{video_id}"
        deleted = self.client.delete(path)
        if problem := self.crashed(deleted, "DELETE /videos/{id}"):
            return problem
        if deleted.status_code != 204 or deleted.content:
            return f"DELETE answered {deleted.status_code} with {len(deleted.content)} bytes; 204 means an empty body."
        if self.client.get(path).status_code != 404:
            return "after DELETE, GET still finds the video: did the route commit?"
        return None

    def bounded_list(self) -> str | None:
        """GET /videos?limit=2 answers at most 2; a route without `limit` must stop at PAGE_MAX rows."""
        for number in (2, 3, 4):
            self.client.post("/videos", json=video(self.tag, number))
        response = self.client.get("/videos", params={"limit": 2})
        if problem := self.crashed(response, "GET /videos"):
            return problem
        if response.status_code != 200 or not isinstance(response.json(), list):
            return f"GET /videos?limit=2 answered {response.status_code}; it should answer 200 with a list of videos."
        if len(response.json()) <= 2:
            return None
        for number in range(10, 10 + PAGE_MAX + 1):  # the limit was ignored: is there a fixed page size?
            self.client.post("/videos", json=video(self.tag, number))
        if len(self.client.get("/videos").json()) <= PAGE_MAX:
            return None
        return (
            f"GET /videos answered every row and ignored ?limit=2: the list must be bounded, "
            f"`limit: int = Query(20, ge=1, le={PAGE_MAX})` and `.limit(limit)`."
        )

    def problems(self) -> str | None:
        """Run every step in order; return the first thing that is wrong, or None."""
        problem, stored = self.create()
        if problem:
            return problem
        return self.read(stored["id"]) or self.patch(stored) or self.delete(stored["id"]) or self.bounded_list() or None
