from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from config.database import get_db
from models.channel_model import Channel

router = APIRouter(prefix="/channels", tags=["channels"])
DB = Annotated[Session, Depends(get_db)]


class ChannelVideo(BaseModel):
    """A video as a channel lists it: defined here, so this router needs no name from your schemas.py."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    url: str
    views: int


class ChannelCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class ChannelRead(ChannelCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int


class ChannelWithVideos(ChannelRead):
    videos: list[ChannelVideo]


@router.post("", status_code=201, response_model=ChannelRead)
def create_channel(channel_in: ChannelCreate, db: DB, response: Response):
    """Store a new channel; 409 when the name is taken."""
    channel = Channel(name=channel_in.name)
    db.add(channel)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise HTTPException(status_code=409, detail="A channel with this name already exists.") from None
    response.headers["Location"] = f"/channels/{channel.id}/videos"
    return channel


@router.get("", response_model=list[ChannelWithVideos])
def list_channels(db: DB):
    """List every channel with its videos, in two queries whatever the number of channels."""
    return db.scalars(select(Channel).options(selectinload(Channel.videos)).order_by(Channel.id)).all()


@router.get("/{channel_id}/videos", response_model=list[ChannelVideo])
def list_channel_videos(channel_id: int, db: DB):
    """List one channel's videos."""
    channel = db.get(Channel, channel_id)
    if channel is None:
        raise HTTPException(status_code=404, detail=f"No channel with id {channel_id}.")
    return channel.videos
