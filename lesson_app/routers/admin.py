"""Routes for the admin only: 401 without a valid token, 403 with a learner's token."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from lesson_app import crud
from lesson_app.config.database import SessionDep
from lesson_app.schemas import Maintenance, Message
from lesson_app.security import require_admin

router = APIRouter(
    prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)],
    responses={401: {"model": Message}, 403: {"model": Message}},
)


@router.get("/stats")
def read_stats(session: SessionDep) -> dict[str, int]:
    """Count the stored videos (admin only)."""
    return crud.count_videos(session=session)


@router.put("/maintenance", response_model=Maintenance)
def update_maintenance(body: Maintenance, request: Request) -> Maintenance:
    """Switch maintenance mode on or off (admin only); while on, other routes answer 503."""
    request.app.state.maintenance = body.enabled
    return body
