"""Checkers for notebook 14 (relationships): the Channel model and its foreign key, a prediction, and eager loading.

`check_eager` counts the SELECT statements the learner's own app sends for GET /channels, on a real server and
a real database, with three channels of its own that it deletes again.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL

from lesson_app.config.settings import normalize_url
from lesson_app.runtime.databases import plain_url
from lesson_app.runtime.server import start_server
from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.env_tables import env_py_tables
from lesson_app.teaching.checks.guards import whole_number
from lesson_app.teaching.checks.project_steps import load_module
from lesson_app.teaching.your_project import load_app


def check_channel_model(project: Path) -> Feedback:
    """Check models/channel_model.py and the foreign key youtube.channel_id -> channels.id."""
    module = load_module(Path(project), "models.channel_model")
    if isinstance(module, Feedback):
        return module
    channel = getattr(module, "Channel", None)
    if channel is None or getattr(channel, "__tablename__", None) != "channels":
        return hint('models/channel_model.py needs `class Channel(Base)` with `__tablename__ = "channels"`.')
    columns = channel.__table__.columns
    if "name" not in columns or not columns["name"].unique:
        return hint("Channel needs a unique `name`: `mapped_column(String(100), unique=True)`.")
    youtube = channel.metadata.tables.get("youtube")
    if youtube is None or "channel_id" not in youtube.columns or not youtube.columns["channel_id"].foreign_keys:
        return hint('Youtube needs `channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id", ...))`.')
    key = next(iter(youtube.columns["channel_id"].foreign_keys))
    if key.target_fullname != "channels.id":
        return hint(f"channel_id points at {key.target_fullname}; a video's channel is a row of channels: channels.id.")
    if not key.constraint.name:
        return hint(
            "the foreign key has no name, so the migration's downgrade cannot drop it: "
            'ForeignKey("channels.id", name="fk_youtube_channel_id").'
        )
    relation = channel.__mapper__.relationships.get("videos")
    if relation is None or relation.mapper.class_.__name__ != "Youtube":
        return hint("Channel needs `videos: Mapped[list[Youtube]] = relationship(...)`.")
    tables = env_py_tables(Path(project))  # as `alembic` will import them: a fresh process, env.py's imports
    if isinstance(tables, str):
        return hint(f"importing what alembic/env.py imports failed in a fresh process: {tables}; fix that first.")
    if "channels" not in tables:
        return hint(
            "env.py's Base.metadata has no channels table in a fresh process: nothing it imports imports "
            "models/channel_model.py; add `from models.channel_model import Channel` to models/__init__.py."
        )
    return correct(
        "Channel (table channels, unique name) has many videos through youtube.channel_id, "
        f"a foreign key named {key.constraint.name}."
    )


def check_query_count(prediction: Any) -> Feedback:
    """Check the predicted number of SELECTs GET /channels sends for the lesson's 3 channels, lazy loading."""
    if not_attempted(prediction):
        return waiting("the number of SELECT statements you expect, as an int")
    if (number := whole_number(prediction)) is None:
        return hint(f"{prediction!r} is not a number: give a number, e.g. `my_count = 2`.")
    prediction = number
    if prediction == 4:
        return correct("1 SELECT for the channels, then 1 per channel for its videos: 1 + N, the N+1 problem.")
    if prediction in (1, 2):
        return hint("the videos are not loaded with the channels: each channel's list is read when first used.")
    if prediction == 3:
        return hint("one per channel for its videos, yes; and what read the channels themselves?")
    return hint("count: one query for the list of channels, then what does reading channel.videos cost, each time?")


def _selects(project: Path, database_url: str) -> tuple[list[str], int] | Feedback:
    """Serve the app, add 3 channels with a video each, and count the SELECTs of one GET /channels."""
    try:
        app = load_app(project, database_url)
    except Exception as exc:  # noqa: BLE001 - the learner's own code: show what it raised
        return hint(f"importing main.py raised {type(exc).__name__}: {exc}; fix that and write the file again.")
    tag, seen = uuid.uuid4().hex[:8], []

    def count(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    with start_server(app, port=0, name="lesson14-eager") as server, httpx.Client(base_url=server.url) as client:
        ids = [client.post("/channels", json={"name": f"check-{tag}-{n}"}).json().get("id") for n in range(3)]
        if None in ids:
            return hint("POST /channels did not create a channel: is the channels router included in main.py?")
        for n, channel_id in enumerate(ids):
            video = client.post("/videos", json={"title": "t", "url": f"https://v.example/{tag}/{n}", "channel": "c"})
            _link(database_url, video.json()["id"], channel_id)
        event.listen(Engine, "before_cursor_execute", count)
        try:
            status = client.get("/channels").status_code
        finally:
            event.remove(Engine, "before_cursor_execute", count)
        _cleanup(database_url, tag)
    return seen, status


def _sql(database_url: str, *statements: tuple[str, dict[str, Any]]) -> None:
    """Run statements in one transaction on the lesson's database (the API has no route to link a video)."""
    engine = create_engine(normalize_url(database_url))
    with engine.begin() as conn:
        for statement, parameters in statements:
            conn.execute(text(statement), parameters)
    engine.dispose()


def _link(database_url: str, video_id: int, channel_id: int) -> None:
    _sql(database_url, ("UPDATE youtube SET channel_id = :c WHERE id = :v", {"c": channel_id, "v": video_id}))


def _cleanup(database_url: str, tag: str) -> None:
    _sql(
        database_url,
        ("DELETE FROM youtube WHERE url LIKE :u", {"u": f"https://v.example/{tag}/%"}),
        ("DELETE FROM channels WHERE name LIKE :n", {"n": f"check-{tag}-%"}),
    )


def check_eager(project: Path, database_url: URL | str) -> Feedback:
    """Check that GET /channels reads every channel's videos in a fixed number of queries (eager loading)."""
    url = plain_url(database_url) if isinstance(database_url, URL) else database_url
    outcome = _selects(Path(project), url)
    if isinstance(outcome, Feedback):
        return outcome
    selects, status = outcome
    if status != 200:
        return hint(f"GET /channels answered {status}; it should list the channels with their videos.")
    if len(selects) > 2:
        return hint(
            f"GET /channels sent {len(selects)} SELECTs for 3 or more channels, one more per channel: "
            "add `.options(selectinload(Channel.videos))` to the query."
        )
    statements = "1 SELECT" if len(selects) == 1 else f"{len(selects)} SELECTs"
    return correct(f"GET /channels sent {statements}, however many channels there are.")
