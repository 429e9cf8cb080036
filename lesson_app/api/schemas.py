"""The shapes of the JSON the API accepts and returns (Pydantic), separate from the table (SQLAlchemy)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonDict, SkipJsonSchema
from pydantic_core import PydanticCustomError

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


def stripped(value: str) -> str:
    """Remove the spaces around the text; something must be left."""
    value = value.strip()
    if not value:
        raise PydanticCustomError("string_too_short", "String should have at least 1 character besides spaces")
    return value


# Lengths count the text as sent, before the spaces around it are stripped, so that the schema's maxLength is
# exactly what is accepted. The patterns say, for the docs and for clients, what the validators check (with
# clearer messages than a pattern's): some text besides spaces, and no NUL.
TEXT_PATTERN = r"^\s*[^\s\x00][^\x00]*$"


def _text(max_length: int) -> FieldInfo:
    return Field(min_length=1, max_length=max_length, json_schema_extra={"pattern": TEXT_PATTERN})


# Spelled out, not built by a function: a type checker accepts only a literal Annotated[...] as a type.
Title = Annotated[str, _text(200), AfterValidator(stripped), AfterValidator(storable)]
Channel = Annotated[str, _text(100), AfterValidator(stripped), AfterValidator(storable)]
URL = re.compile(r"^https?://\S+$")


def web_address(value: str) -> str:
    """Remove the spaces around the URL; what is left must start with http:// or https:// and hold no space."""
    value = value.strip()
    if not URL.match(value):
        raise PydanticCustomError(
            "string_pattern_mismatch", "String should match pattern '{pattern}'", {"pattern": URL.pattern}
        )
    return value


VideoUrl = Annotated[
    str,
    Field(max_length=300, json_schema_extra={"pattern": r"^\s*https?://[^\s\x00]+\s*$"}),
    AfterValidator(web_address),
    AfterValidator(storable),
]


def json_integer(value: object) -> object:
    """Refuse text and booleans, which Pydantic's lax int would convert ("3" to 3, true to 1) and JSON does not."""
    if isinstance(value, bool | str):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


# The JSON types the schema states are the ones accepted: StrictBool refuses 0 and "true"; an integer is any JSON
# number without a fraction (3, and 3.0 as JSON Schema allows), never "3" or true. Query parameters stay lax,
# since in a URL every value is text.
Views = Annotated[int, Field(ge=0, le=MAX_INT), BeforeValidator(json_integer)]

EXAMPLE: JsonDict = {
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
    is_published: StrictBool = True


def _update_schema(schema: dict) -> None:
    # A field left out keeps its value; its default (None) stands for "not sent" and is no value a client may send.
    for field in schema["properties"].values():
        field.pop("default", None)
    schema["examples"] = [{"views": 43}]


class VideoUpdate(BaseModel):
    """What a client sends to change some fields of a video with PATCH; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_update_schema)

    # None is only the default, for "not sent": SkipJsonSchema keeps it out of the schema, which offers no null.
    title: Title | SkipJsonSchema[None] = None
    url: VideoUrl | SkipJsonSchema[None] = None
    channel: Channel | SkipJsonSchema[None] = None
    views: Views | SkipJsonSchema[None] = None
    is_published: StrictBool | SkipJsonSchema[None] = None

    @model_validator(mode="before")
    @classmethod
    def no_nulls(cls, data: object) -> object:
        """Refuse an explicit null: every column is NOT NULL, so null cannot mean anything here."""
        nulls = sorted(name for name, value in data.items() if value is None) if isinstance(data, dict) else []
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null; leave a field out to keep its value")
        return data


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


class Health(BaseModel):
    """The API answers, and so does its database."""

    status: str
    database: str


class Maintenance(BaseModel):
    """Switch maintenance mode on or off."""

    model_config = ConfigDict(extra="forbid")

    enabled: StrictBool
