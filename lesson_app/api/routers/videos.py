"""CRUD for videos under /videos: every status code here means exactly what the notes' table says."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Response, status
from pydantic import AfterValidator

from lesson_app.api import crud
from lesson_app.api.responses import BAD_FILTERS, CONFLICT, LOCATION, NOT_FOUND, VIDEO_LINKS, Responses
from lesson_app.api.schemas import MAX_INT, VideoCreate, VideoPage, VideoRead, VideoUpdate, storable
from lesson_app.config.database import SessionDep
from lesson_app.models import Youtube

router = APIRouter(prefix="/videos", tags=["videos"])

VideoId = Annotated[int, Path(ge=1, le=MAX_INT, description="The video's id")]
Channel = Annotated[
    Annotated[str, AfterValidator(storable)] | None, Query(max_length=100, json_schema_extra={"pattern": "^[^\\x00]*$"})
]
CREATED: Responses = {201: {"headers": LOCATION, "links": VIDEO_LINKS}}


def _get_or_404(session: SessionDep, video_id: int) -> Youtube:
    video = crud.get_video(session=session, video_id=video_id)
    if video is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No video has id {video_id}.")
    return video


@router.post("", status_code=status.HTTP_201_CREATED, response_model=VideoRead, responses={**CREATED, **CONFLICT})
def create_video(video_in: VideoCreate, session: SessionDep, response: Response) -> Youtube:
    """Store a new video; the Location header says where it now lives."""
    video = crud.create_video(session=session, video_in=video_in)
    response.headers["Location"] = f"/videos/{video.id}"
    return video


@router.get("", response_model=VideoPage, responses=BAD_FILTERS)
def list_videos(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100, description="How many videos per page")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_INT, description="How many to skip")] = 0,
    channel: Channel = None,
    is_published: bool | None = None,
    min_views: Annotated[int | None, Query(ge=0, le=MAX_INT)] = None,
    max_views: Annotated[int | None, Query(ge=0, le=MAX_INT)] = None,
) -> dict:
    """List videos a page at a time, oldest first, optionally filtered."""
    if min_views is not None and max_views is not None and min_views > max_views:
        # Each value is valid alone (so not a 422); together they ask for something impossible: a 400.
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, f"min_views ({min_views}) is greater than max_views ({max_views})."
        )
    items, total = crud.list_videos(
        session=session,
        limit=limit,
        offset=offset,
        channel=channel,
        is_published=is_published,
        min_views=min_views,
        max_views=max_views,
    )
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/{video_id}", response_model=VideoRead, responses=NOT_FOUND)
def read_video(video_id: VideoId, session: SessionDep) -> Youtube:
    """Return one video."""
    return _get_or_404(session, video_id)


@router.put("/{video_id}", response_model=VideoRead, responses={**NOT_FOUND, **CONFLICT})
def replace_video(video_id: VideoId, video_in: VideoCreate, session: SessionDep) -> Youtube:
    """Replace every field of a video."""
    video = _get_or_404(session, video_id)
    return crud.replace_video(session=session, video=video, video_in=video_in)


@router.patch("/{video_id}", response_model=VideoRead, responses={**NOT_FOUND, **CONFLICT})
def update_video(video_id: VideoId, video_in: VideoUpdate, session: SessionDep) -> Youtube:
    """Change some fields of a video."""
    video = _get_or_404(session, video_id)
    return crud.update_video(session=session, video=video, video_in=video_in)


# response_class=Response: a 204 has no body, so it should not claim a JSON content type either.
@router.delete("/{video_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response, responses=NOT_FOUND)
def delete_video(video_id: VideoId, session: SessionDep) -> None:
    """Delete a video; the answer has no body."""
    crud.delete_video(session=session, video=_get_or_404(session, video_id))
