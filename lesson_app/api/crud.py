"""Create, read, update and delete videos: plain functions over a session, with no HTTP in them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lesson_app.api.schemas import VideoCreate, VideoUpdate
from lesson_app.models import Youtube


class DuplicateVideoError(Exception):
    """A video with this URL is already stored (the table's unique constraint said so)."""

    def __init__(self, url: str) -> None:
        super().__init__(f"A video with url {url!r} already exists.")
        self.url = url


def _commit(session: Session, video: Youtube) -> Youtube:
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        # The database, not a SELECT beforehand, is the judge: two requests at once cannot both win.
        if getattr(exc.orig, "pgcode", None) == "23505":
            raise DuplicateVideoError(video.url) from exc
        raise
    # No refresh: the sessions keep values after a commit (expire_on_commit=False), RETURNING has brought back
    # the id and created_at of an INSERT, and an UPDATE changes nothing the database computes, so the object
    # already holds the stored row.
    return video


def create_video(*, session: Session, video_in: VideoCreate) -> Youtube:
    """Store a new video and return it with its id and creation time."""
    video = Youtube(**video_in.model_dump())
    session.add(video)
    return _commit(session, video)


def get_video(*, session: Session, video_id: int) -> Youtube | None:
    """Return the video with this id, or None."""
    return session.get(Youtube, video_id)


def list_videos(
    *,
    session: Session,
    limit: int = 20,
    offset: int = 0,
    channel: str | None = None,
    is_published: bool | None = None,
    min_views: int | None = None,
    max_views: int | None = None,
) -> tuple[list[Youtube], int]:
    """Return one page of videos, oldest first, and how many match the filters in all."""
    query = select(Youtube)
    if channel is not None:
        query = query.where(Youtube.channel == channel)
    if is_published is not None:
        query = query.where(Youtube.is_published == is_published)
    if min_views is not None:
        query = query.where(Youtube.views >= min_views)
    if max_views is not None:
        query = query.where(Youtube.views <= max_views)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    items = session.scalars(query.order_by(Youtube.id).limit(limit).offset(offset)).all()
    return list(items), total or 0


def replace_video(*, session: Session, video: Youtube, video_in: VideoCreate) -> Youtube:
    """Overwrite every field of a stored video (PUT)."""
    for field, value in video_in.model_dump().items():
        setattr(video, field, value)
    return _commit(session, video)


def update_video(*, session: Session, video: Youtube, video_in: VideoUpdate) -> Youtube:
    """Change only the fields the client sent (PATCH)."""
    for field, value in video_in.model_dump(exclude_unset=True).items():
        setattr(video, field, value)
    return _commit(session, video)


def delete_video(*, session: Session, video: Youtube) -> None:
    """Delete a stored video."""
    session.delete(video)
    session.commit()


def count_videos(*, session: Session) -> dict[str, int]:
    """Count the stored videos, in all and published."""
    total = session.scalar(select(func.count()).select_from(Youtube)) or 0
    published = session.scalar(select(func.count()).where(Youtube.is_published)) or 0
    return {"videos": total, "published": published}
