"""A route that exists to fail: what a 500 looks like to a client when a bug slips through."""

from __future__ import annotations

from fastapi import APIRouter

from lesson_app.api.responses import SERVER_ERROR

router = APIRouter(prefix="/errors", tags=["errors"])


@router.get("/unhandled", status_code=500, responses=SERVER_ERROR)
def read_unhandled() -> None:
    """Raise an error nobody handles, to show the plain 500 the client gets (no traceback)."""
    raise RuntimeError("a bug in the route: this message stays in the server's log")
