"""A health route: is the API up, and can it reach its database?"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from lesson_app.api.errors import unavailable
from lesson_app.api.schemas import Health

router = APIRouter(tags=["health"])


# Its 503 is documented with every route's, in create_app: maintenance mode answers it too.
@router.get("/health", response_model=Health)
def read_health(request: Request) -> JSONResponse | dict[str, str]:
    """Say whether the API and its database answer."""
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return unavailable("The API is up but its database cannot be reached.")
    return {"status": "ok", "database": "ok"}
