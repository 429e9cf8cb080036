"""The rows that change or page through stored rows: PATCH, DELETE and the bounded list."""

from __future__ import annotations

from typing import Any

from lesson_app.teaching.project_check.api_rows import PAGE_MAX, video
from lesson_app.teaching.project_check.probe import Probe, answered, json_or_none, list_items

UNCHANGED = ("title", "url", "channel", "is_published")


def _patch_extra(status: int | None) -> str:
    """The end of the hint for a PATCH {'views': 7} that failed; a route that answered exists."""
    if status == 422:
        return " to {'views': 7}: make every field of the update schema optional"
    if status in (404, 405):
        return ": add @app.patch('/videos/{video_id}')"
    if status in (409, 500):  # NOT NULL or a default broke: the fields not sent were written too
        return (
            " to {'views': 7}: fields not sent were probably written as None or defaults; apply only "
            "changes.model_dump(exclude_unset=True) to the row"
        )
    return " to {'views': 7}: it should change views and answer 200 with the row"


def check_patch(probe: Probe, row: dict[str, Any]) -> None:
    """PATCH only `views`: 200, views changed, every other field as it was, and still so on a fresh GET."""
    name, path = "PATCH changes only what was sent", f"/videos/{row['id']}"
    response = probe.send("PATCH", path, json={"views": 7})
    body = json_or_none(response)
    if response is None or response.status_code != 200 or not isinstance(body, dict):
        extra = _patch_extra(response.status_code if response is not None else None)
        probe.failed(name, f"{answered('PATCH', path, response)}{extra}.", response)
        return
    changed = [key for key in UNCHANGED if body.get(key) != row.get(key)]
    if body.get("views") != 7 or changed:
        what = ", ".join(changed) or "views"
        probe.failed(
            name,
            f"PATCH {{'views': 7}} also changed {what}: apply only changes.model_dump(exclude_unset=True) to the row."
            if changed
            else f"PATCH {{'views': 7}} answered views = {body.get('views')!r}: set the fields sent.",
            log=False,
        )
        return
    stored = json_or_none(probe.send("GET", path))
    if not isinstance(stored, dict) or stored.get("views") != 7:
        probe.failed(
            name,
            "the PATCH was answered but not stored (a GET still shows the old views): db.commit() "
            "after setting the fields.",
            log=False,
        )
        return
    probe.passed(name)


def check_patch_negative(probe: Probe, row: dict[str, Any]) -> None:
    """PATCH views -5: the update schema refuses it with 422, as the create schema refuses views -1."""
    name, path = "PATCH views -5: 422", f"/videos/{row['id']}"
    response = probe.send("PATCH", path, json={"views": -5})
    if response is not None and response.status_code == 422:
        probe.passed(name)
        return
    probe.failed(
        name,
        f"{answered('PATCH', path, response)} to views = -5: give the update schema the create schema's rule, "
        "views: int | None = Field(default=None, ge=0).",
        response,
    )


NULL_HINT = (
    "a field sent as null must be refused (422), not written to a NOT NULL column: give the update schema a "
    "validator that raises ValueError for None (lesson 13's VideoUpdate)"
)


def check_patch_null(probe: Probe, row: dict[str, Any]) -> None:
    """PATCH title null: 422 from the schema, never a NOT NULL error answered as 409 or 500."""
    name, path = "PATCH title null: 422", f"/videos/{row['id']}"
    response = probe.send("PATCH", path, json={"title": None})
    if response is not None and response.status_code == 422:
        probe.passed(name)
        return
    extra = (
        "; and answer 409 only for the unique url (isinstance(exc.orig, UniqueViolation)), not for every IntegrityError"
        if response is not None and response.status_code == 409
        else ""
    )
    probe.failed(name, f"{answered('PATCH', path, response)} to title = null: {NULL_HINT}{extra}.", response)


def check_delete(probe: Probe) -> None:
    """DELETE a fresh row: 204 with an empty body, then a GET of it answers 404."""
    name = "DELETE: 204, then 404"
    created = json_or_none(probe.send("POST", "/videos", json=video(2)))
    if not isinstance(created, dict) or not isinstance(created.get("id"), int):
        probe.card.add(name, False, "skipped: POST /videos did not create a row to delete")
        return
    path = f"/videos/{created['id']}"
    response = probe.send("DELETE", path)
    if response is None or response.status_code != 204:
        probe.failed(
            name,
            f"{answered('DELETE', path, response)}: a delete answers 204 No Content (status_code=204 on the route).",
            response,
        )
    elif response.content:
        probe.failed(
            name, "DELETE answered 204 with a body: return Response(status_code=204), which has none.", log=False
        )
    else:
        after = probe.send("GET", path)
        if after is not None and after.status_code == 404:
            probe.passed(name)
        else:
            probe.failed(
                name, f"after DELETE, {answered('GET', path, after)}: db.commit() after db.delete(row).", after
            )


def check_list(probe: Probe) -> None:
    """GET /videos?limit=2 with more rows stored; without a limit parameter, at most PAGE_MAX rows."""
    name = "list is bounded"
    for number in (3, 4):
        probe.send("POST", "/videos", json=video(number))
    response = probe.send("GET", "/videos", params={"limit": 2})
    items = list_items(json_or_none(response))
    if response is None or response.status_code != 200 or items is None:
        probe.failed(
            name,
            f"{answered('GET', '/videos?limit=2', response)}: answer 200 with a JSON array "
            "(or an object with items) of videos.",
            response,
        )
        return
    if len(items) <= 2:
        probe.passed(name)
        return
    # The limit was ignored: accept a fixed maximum page size instead, which takes more rows to see.
    for number in range(10, 10 + PAGE_MAX + 1 - len(items)):
        probe.send("POST", "/videos", json=video(number))
    everything = list_items(json_or_none(probe.send("GET", "/videos"))) or []
    if 0 < len(everything) <= PAGE_MAX:
        probe.passed(name)
    else:
        probe.failed(
            name,
            f"GET /videos?limit=2 answered {len(items)} rows and GET /videos all "
            f"{len(everything)}: take limit: int = Query(20, le={PAGE_MAX}) and apply .limit(limit).",
            log=False,
        )
