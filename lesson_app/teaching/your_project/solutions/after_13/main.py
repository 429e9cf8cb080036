from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Response
from psycopg2.errors import UniqueViolation
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from config.database import get_db
from models.youtube_model import Youtube
from schemas import VideoCreate, VideoRead, VideoUpdate

app = FastAPI(title="My videos API")
DB = Annotated[Session, Depends(get_db)]


@app.get("/")
def home():
    """Say hello: the project's first route."""
    return {"message": "Hello from my_api"}


def find_video(db: Session, video_id: int) -> Youtube:
    """Return the video, or answer 404 when there is none with that id."""
    video = db.get(Youtube, video_id)
    if video is None:
        raise HTTPException(status_code=404, detail=f"No video with id {video_id}.")
    return video


def save(db: Session) -> None:
    """Commit; the unique url turns a duplicate into an IntegrityError, answered as 409 Conflict."""
    try:
        db.commit()
    except IntegrityError as exc:
        db.rollback()
        if isinstance(exc.orig, UniqueViolation):  # only the unique url is a conflict; any other is a bug (500)
            raise HTTPException(status_code=409, detail="A video with this url is already stored.") from None
        raise


@app.post("/videos", status_code=201, response_model=VideoRead)
def create_video(video_in: VideoCreate, db: DB, response: Response):
    """Store a new video; answer 201 with its address in Location."""
    video = Youtube(**video_in.model_dump())
    db.add(video)
    save(db)
    response.headers["Location"] = f"/videos/{video.id}"
    return video


@app.get("/videos", response_model=list[VideoRead])
def list_videos(db: DB, limit: Annotated[int, Query(ge=1, le=100)] = 20, offset: Annotated[int, Query(ge=0)] = 0):
    """List videos by id, at most `limit` of them."""
    return db.scalars(select(Youtube).order_by(Youtube.id).limit(limit).offset(offset)).all()


@app.get("/videos/{video_id}", response_model=VideoRead)
def read_video(video_id: int, db: DB):
    """Return one video."""
    return find_video(db, video_id)


@app.patch("/videos/{video_id}", response_model=VideoRead)
def update_video(video_id: int, video_in: VideoUpdate, db: DB):
    """Change only the fields the client sent."""
    video = find_video(db, video_id)
    for field, value in video_in.model_dump(exclude_unset=True).items():
        setattr(video, field, value)
    save(db)
    return video


@app.delete("/videos/{video_id}", status_code=204)
def delete_video(video_id: int, db: DB):
    """Delete a video; 204 and an empty body."""
    db.delete(find_video(db, video_id))
    db.commit()
