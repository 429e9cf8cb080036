"""The shapes of the JSON the API accepts and returns (Pydantic), separate from the table (SQLAlchemy)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

MAX_INT = 2_147_483_647  # PostgreSQL's INTEGER; a larger number would fail in the database, not here


def storable(value: str) -> str:
    """Reject text PostgreSQL cannot store, so it becomes a 422 here instead of a 500 in the database."""
    if "\x00" in value:
        raise ValueError("must not contain the NUL character (\\x00), which PostgreSQL cannot store")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text (it holds a lone surrogate)") from exc
    return value


def _text(max_length: int) -> object:
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length), AfterValidator(storable)
    ]


Title = _text(200)
Channel = _text(100)
VideoUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=300, pattern=r"^https?://\S+$"),
    AfterValidator(storable),
]
Views = Annotated[int, Field(ge=0, le=MAX_INT)]

EXAMPLE = {
    "title": "How a request finds its route",
    "url": "https://videos.example/watch/route-101",
    "channel": "Request Journey",
    "views": 42,
    "is_published": True,
}


class VideoCreate(BaseModel):
    """What a client sends to create a video, or to replace one with PUT."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    title: Title
    url: VideoUrl
    channel: Channel
    views: Views = 0
    is_published: bool = True


class VideoUpdate(BaseModel):
    """What a client sends to change some fields of a video with PATCH; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"views": 43}]})

    title: Title | None = None
    url: VideoUrl | None = None
    channel: Channel | None = None
    views: Views | None = None
    is_published: bool | None = None

    @model_validator(mode="after")
    def no_nulls(self) -> VideoUpdate:
        """Refuse an explicit null: every column is NOT NULL, so null cannot mean anything here."""
        nulls = sorted(name for name in self.model_fields_set if getattr(self, name) is None)
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null; leave a field out to keep its value")
        return self


class VideoRead(BaseModel):
    """A video as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    url: str
    channel: str
    views: int
    is_published: bool
    created_at: datetime


class VideoPage(BaseModel):
    """One page of videos, with what a client needs to ask for the next one."""

    items: list[VideoRead]
    total: int
    limit: int
    offset: int


class Message(BaseModel):
    """A plain message, as error responses and simple routes return it."""

    detail: str


class Maintenance(BaseModel):
    """Switch maintenance mode on or off."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool
