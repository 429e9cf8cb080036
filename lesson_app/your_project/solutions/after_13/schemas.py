from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class VideoCreate(BaseModel):
    """What a client sends to create a video."""

    title: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=1, max_length=300)
    channel: str = Field(min_length=1, max_length=100)
    views: int = Field(default=0, ge=0)
    is_published: bool = True


class VideoUpdate(BaseModel):
    """What a client sends to change a video: only the fields it names change."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    url: str | None = Field(default=None, min_length=1, max_length=300)
    channel: str | None = Field(default=None, min_length=1, max_length=100)
    views: int | None = Field(default=None, ge=0)
    is_published: bool | None = None


class VideoRead(VideoCreate):
    """What the API answers: the stored video, with the fields the database filled in."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
