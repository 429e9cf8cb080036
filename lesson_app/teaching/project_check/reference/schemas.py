"""The JSON the API reads and writes, checked by Pydantic."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator


class VideoCreate(BaseModel):
    """What a client sends to create a video."""

    title: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=1, max_length=300)
    channel: str = Field(min_length=1, max_length=100)
    views: int = Field(default=0, ge=0)
    is_published: bool = True


class VideoUpdate(BaseModel):
    """What a client may change: any of the fields, each optional."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    url: str | None = Field(default=None, min_length=1, max_length=300)
    channel: str | None = Field(default=None, min_length=1, max_length=100)
    views: int | None = Field(default=None, ge=0)
    is_published: bool | None = None

    @field_validator("title", "url", "channel", "views", "is_published")
    @classmethod
    def not_null(cls, value):
        """Refuse a field sent as null (422): its column is NOT NULL. A field left out keeps its value."""
        if value is None:
            raise ValueError("may be left out, but not null")
        return value


class VideoOut(VideoCreate):
    """What the API answers: the fields plus what the database adds."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
