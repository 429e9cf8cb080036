"""A health route: is the API up, and can it reach its database?"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from lesson_app.errors import unavailable

router = APIRouter(tags=["health"])


@router.get("/health", responses={503: {"description": "The database cannot be reached"}})
def read_health(request: Request) -> JSONResponse:
    """Say whether the API and its database answer."""
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return unavailable("The API is up but its database cannot be reached.")
    return JSONResponse({"status": "ok", "database": "ok"})
