"""The statuses the API can send besides success, each described once for the OpenAPI schema (and `/docs`).

Routes and routers pick the ones that apply to them through FastAPI's `responses=`, so the schema lists every
status an operation can really send, with the JSON shape of its body. FastAPI adds 422 by itself to every
operation that has parameters or a body.
"""

from __future__ import annotations

from typing import Any

from lesson_app.api.schemas import Message

# FastAPI's `responses=` type: dicts are invariant, so a constant inferred as dict[int, ...] would not fit it.
Responses = dict[int | str, dict[str, Any]]


def _header(description: str, type_: str = "string") -> dict[str, Any]:
    return {"description": description, "required": True, "schema": {"type": type_}}


def _error(description: str, **extra: Any) -> dict[str, Any]:
    return {"model": Message, "description": description, **extra}


BAD_FILTERS: Responses = {400: _error("Each value is valid alone, but together they ask for something impossible")}
UNAUTHORIZED: Responses = {
    401: _error(
        "No bearer token, or one the server does not know (who are you?)",
        headers={"WWW-Authenticate": _header("How to identify yourself: `Bearer`")},
    )
}
FORBIDDEN: Responses = {403: _error("A valid token without the admin role (known, not allowed)")}
NOT_FOUND: Responses = {404: _error("No video has this id")}
CONFLICT: Responses = {409: _error("Another video already has this URL")}
SERVER_ERROR: Responses = {500: _error("A bug in the route; the details stay in the server's log")}
UNAVAILABLE: Responses = {
    503: _error(
        "Up but not serving: maintenance mode is on, or the database cannot be reached or has no tables yet",
        headers={"Retry-After": _header("Seconds to wait before trying again", "integer")},
    )
}
LOCATION = {"Location": _header("Where the new video lives, e.g. `/videos/1`")}
# OpenAPI links: the id in a created video's body is the video_id of these operations (clients and fuzzers follow them).
VIDEO_LINKS = {
    name: {"operationId": name, "parameters": {"video_id": "$response.body#/id"}}
    for name in ("read_video", "replace_video", "update_video", "delete_video")
}
