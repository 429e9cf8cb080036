"""Notebook 08's exercise 2, debug this: a function that stores a video, returns its id, and keeps no row."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from lesson_app.models import Youtube
from lesson_app.teaching.checks import Feedback, correct, exception_text, hint, not_attempted, waiting

TITLE = "Models in ten minutes"
CHANNEL = "Request Journey"


def _call(store_video: Any, engine: Engine, url: str) -> Any:
    """Run the learner's function for real; its exception becomes a hint."""
    try:
        return store_video(engine, TITLE, url)
    except Exception as exc:  # noqa: BLE001 - the learner's code may fail in any way; say how
        if type(exc).__name__ == "DetachedInstanceError":
            return hint(
                f"`store_video` raised {exception_text(exc)}: after the commit, the session was closed before "
                "`video.id` was read. Read the id inside the `with` block, or use "
                "`Session(engine, expire_on_commit=False)`."
            )
        if (column := _not_null_column(exc)) is not None:
            return hint(
                f"`{column}` is required (NOT NULL): PostgreSQL refused a video without it; give `Youtube(...)` "
                f"a `{column}=` as the cell as given did."
            )
        return hint(f"`store_video(engine, {TITLE!r}, url)` raised {exception_text(exc)}.")


def _not_null_column(exc: Exception) -> str | None:
    """The column a NOT NULL violation names (the driver reads it from PostgreSQL's error fields), else None."""
    if not isinstance(exc, IntegrityError):
        return None
    diag = getattr(exc.orig, "diag", None)
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)  # psycopg 3, psycopg2
    if code != "23502" or diag is None:  # 23502: not_null_violation
        return None
    return getattr(diag, "column_name", None)


def _stored(engine: Engine, url: str, returned: Any) -> Any:
    """The committed row with `url`, else the one with the returned id, else None."""
    with engine.connect() as conn:  # a connection of its own: it sees only committed rows
        row = conn.execute(select(Youtube.__table__).where(Youtube.url == url)).mappings().first()
        if row is None and isinstance(returned, int):
            row = conn.execute(select(Youtube.__table__).where(Youtube.id == returned)).mappings().first()
        return row


def _judge(returned: Any, row: Any, url: str) -> Feedback:
    if row is not None and row["url"] != url:
        return hint(f"row {row['id']} is stored with the url {row['url']!r}, not the `url` the function was given.")
    if row is None and isinstance(returned, int):
        return hint(
            f"`store_video` returned id {returned}, but no such row is in the database: `flush()` sent the "
            "INSERT inside the session's transaction, and closing the session rolled it back: only a commit "
            "keeps a change."
        )
    if row is None:
        return hint(f"`store_video` returned {returned!r} and stored no row: add the video and commit the session.")
    if returned != row["id"]:
        return hint(f"the row is stored (id {row['id']}), but `store_video` returned {returned!r}: return `video.id`.")
    return correct(
        f"`store_video` stored row {row['id']} and returned its id; a new connection sees it, so it is committed, "
        "not only flushed."
    )


def check_store_video(store_video: Any, engine: Engine) -> Feedback:
    """Call the learner's `store_video(engine, title, url)` for real, then look for its row from another connection."""
    if not_attempted(store_video):
        return waiting("your fixed `store_video` function")
    if not callable(store_video):
        return hint(f"expected the function itself, `store_video`, without calling it; got {store_video!r}.")
    url = f"https://videos.example/watch/check-{uuid.uuid4().hex[:12]}"  # unique, so every run can store it
    try:
        returned = _call(store_video, engine, url)
        if isinstance(returned, Feedback):
            return returned
        return _judge(returned, _stored(engine, url, returned), url)
    except SQLAlchemyError as exc:
        return hint(f"could not read the table to check: {exception_text(exc)}; run the lesson's first cells again.")
    finally:
        with contextlib.suppress(SQLAlchemyError), engine.begin() as conn:  # the check leaves no row behind
            conn.execute(delete(Youtube).where(Youtube.url == url))
