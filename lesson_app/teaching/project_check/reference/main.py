"""The API: create, read, update and delete videos in PostgreSQL.

Run it with `uvicorn main:app --reload` after `alembic upgrade head`.
"""

from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Response, status
from psycopg2.errors import UniqueViolation
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from config.database import get_db
from models.youtube_model import Youtube
from schemas import VideoCreate, VideoOut, VideoUpdate

app = FastAPI(title="My videos API")
DB = Annotated[Session, Depends(get_db)]


def find_video(db: Session, video_id: int) -> Youtube:
    """Return the video with this id, or answer 404."""
    video = db.get(Youtube, video_id)
    if video is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No video with id {video_id}.")
    return video


def save(db: Session, video: Youtube) -> Youtube:
    """Commit the video; a url that another video already has answers 409 instead of 500."""
    try:
        db.commit()
    except IntegrityError as exc:
        db.rollback()
        if isinstance(exc.orig, UniqueViolation):  # only the unique url is a conflict; any other is a bug (500)
            raise HTTPException(status.HTTP_409_CONFLICT, f"A video with url {video.url!r} already exists.") from None
        raise
    db.refresh(video)
    return video


@app.post("/videos", status_code=status.HTTP_201_CREATED, response_model=VideoOut)
def create_video(video_in: VideoCreate, db: DB, response: Response) -> Youtube:
    """Create a video."""
    video = Youtube(**video_in.model_dump())
    db.add(video)
    save(db, video)
    response.headers["Location"] = f"/videos/{video.id}"
    return video


@app.get("/videos", response_model=list[VideoOut])
def list_videos(db: DB, limit: Annotated[int, Query(ge=1, le=100)] = 20, offset: Annotated[int, Query(ge=0)] = 0):
    """List videos, oldest first, at most `limit` of them."""
    return db.scalars(select(Youtube).order_by(Youtube.id).limit(limit).offset(offset)).all()


@app.get("/videos/{video_id}", response_model=VideoOut)
def read_video(video_id: int, db: DB) -> Youtube:
    """Read one video."""
    return find_video(db, video_id)


@app.patch("/videos/{video_id}", response_model=VideoOut)
def update_video(video_id: int, changes: VideoUpdate, db: DB) -> Youtube:
    """Change only the fields the client sent."""
    video = find_video(db, video_id)
    for field, value in changes.model_dump(exclude_unset=True).items():
        setattr(video, field, value)
    return save(db, video)


@app.delete("/videos/{video_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_video(video_id: int, db: DB) -> Response:
    """Delete a video."""
    db.delete(find_video(db, video_id))
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
