"""Routes for the admin only: 401 without a valid token, 403 with a learner's token."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from lesson_app.api import crud
from lesson_app.api.responses import FORBIDDEN, UNAUTHORIZED, UNAVAILABLE
from lesson_app.api.schemas import Maintenance
from lesson_app.api.security import require_admin
from lesson_app.config.database import SessionDep

router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    responses={**UNAUTHORIZED, **FORBIDDEN},
)


# Maintenance mode spares /admin (or nobody could switch it off), but this route still needs the database.
@router.get("/stats", responses=UNAVAILABLE)
def read_stats(session: SessionDep) -> dict[str, int]:
    """Count the stored videos (admin only)."""
    return crud.count_videos(session=session)


@router.put("/maintenance", response_model=Maintenance)
def update_maintenance(body: Maintenance, request: Request) -> Maintenance:
    """Switch maintenance mode on or off (admin only); while on, other routes answer 503."""
    request.app.state.maintenance = body.enabled
    return body
