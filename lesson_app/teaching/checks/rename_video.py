"""Notebook 07b's debug-this exercise: `rename_video(conn, video_id, new_title)` pastes the title into an UPDATE
with an f-string, and an apostrophe breaks it. The checker runs the learner's fix on rows of its own (a temporary
table, rolled back) and reads what really reached PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ArgumentError, DBAPIError

from lesson_app.teaching.checks import Feedback, correct, exception_text, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import a_type
from lesson_app.teaching.checks.sent_sql import as_written, listening

_ROWS = {1: "Ports explained", 2: "How a request finds its route", 3: "Status codes, one by one"}
# An honest title with an apostrophe, then one that would rename every row if it became SQL.
_RENAMES = [(2, "Alex's route planner"), (3, "Done', views = 0 --")]


# psycopg2's own style, `%s` and a tuple, reaches SQLAlchemy's text(), which reads a tuple as a list of rows.
TEXT_TAKES_A_DICT = (
    "SQLAlchemy said `List argument must consist only of dictionaries`: `text()` takes `:name` placeholders and a "
    "dict of values, not psycopg2's `%s` and a tuple. Name each placeholder in the SQL and pass a dict with those "
    "names as keys."
)

_COMMITTED = (
    "your function ended the transaction it was given (`conn.commit()` or `conn.rollback()`): leave that to the "
    "caller, which decides when the changes count; the function only runs the UPDATE."
)


def _table(conn: Connection) -> None:
    conn.execute(
        text(
            "CREATE TEMPORARY TABLE youtube (id integer PRIMARY KEY, title text NOT NULL, "
            "views integer NOT NULL DEFAULT 7) ON COMMIT DROP"
        )
    )
    for row_id, title in _ROWS.items():
        conn.execute(text("INSERT INTO youtube (id, title) VALUES (:id, :title)"), {"id": row_id, "title": title})


# In the statement as SQLAlchemy hands it to psycopg2, `:title` has become `%(title)s`, and a literal `%` is doubled.
_QUOTED_PLACEHOLDER = re.compile(r"'[^']*%\(\w+\)s[^']*'")
_DRIVER_PLACEHOLDER = re.compile(r"%%\(\w+\)s")


def _placeholder_hint(statement: str, first: str) -> Feedback | None:
    """The two placeholder slips that also end in a syntax error, each named for what the learner wrote."""
    if _QUOTED_PLACEHOLDER.search(statement):
        return hint(
            f"PostgreSQL said `{first}`: your `:title` sits inside quotes, so the value arrives already quoted and "
            "its own quotes clash with yours. Write `SET title = :title` with no quotes around the placeholder."
        )
    if _DRIVER_PLACEHOLDER.search(statement):
        return hint(
            f"PostgreSQL said `{first}`: `text()` takes `:name` placeholders, so `%(title)s` reached PostgreSQL as "
            "it is. Write `:title` in the SQL and pass the title in the dict."
        )
    return None


def _error_hint(exc: Exception, title: str) -> Feedback:
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        first = str(exc.orig).strip().splitlines()[0]
        if "syntax error" in first and (slip := _placeholder_hint(str(exc.statement or ""), first)) is not None:
            return slip
        if "syntax error" in first:
            return hint(
                f"renaming to {title!r} failed with `{first}`: the apostrophe in the title ended the string in your "
                "SQL, because your code pasted the title into the SQL text. Pass it as a bound parameter instead "
                "(the section *Bound parameters* shows how)."
            )
        return hint(f"PostgreSQL refused your UPDATE: `{first}`.")
    if isinstance(exc, ArgumentError) and "List argument must consist only of dictionaries" in str(exc):
        return hint(TEXT_TAKES_A_DICT)
    return hint(f"your function raised {exception_text(exc)}.")


def _judge(rename: Callable[..., Any], conn: Connection, sent: Any) -> Feedback:
    for video_id, title in _RENAMES:
        with sent.around():
            savepoint = conn.begin_nested()
            try:
                rename(conn, video_id, title)
            except Exception as exc:  # noqa: BLE001 - a learner's function may raise anything; it becomes a hint
                savepoint.rollback()
                return _error_hint(exc, title)
            if not savepoint.is_active:  # the function committed (or rolled back) the checker's transaction
                return hint(_COMMITTED)
            savepoint.commit()
        if not any(title in map(str, _values(params)) for _, params in sent.sent):
            where = next((s for s, _ in sent.sent if title.replace("'", "''") in s or title in s), None)
            if where is not None:
                return hint(
                    f"your code pasted the title into the SQL text, `{as_written(where)}`, instead of passing it as a "
                    "bound parameter: with quotes doubled by hand it works until a value you did not think of. "
                    "Write `:title` in the SQL and pass the title in the dict."
                )
            return hint(f"PostgreSQL was never sent {title!r}: rename with `conn.execute(...)` on the `conn` given.")
    rows = {int(row_id): str(title) for row_id, title in conn.execute(text("SELECT id, title FROM youtube"))}
    wanted = {**_ROWS, **dict(_RENAMES)}
    if rows != wanted:
        return hint(f"after renaming video 2 and 3 the table holds {rows}; expected {wanted}.")
    return correct(
        "both titles stored exactly as given, and nothing else changed: the apostrophe and the `--` stayed part "
        "of a value, because the title travels as a bound parameter."
    )


def _values(parameters: Any) -> list[Any]:
    if isinstance(parameters, dict):
        return list(parameters.values())
    if isinstance(parameters, list | tuple):
        return [value for item in parameters for value in _values(item)]
    return [] if parameters is None else [parameters]


def check_rename(rename: Any, engine: Engine) -> Feedback:
    """Run `rename(conn, video_id, new_title)` on the checker's own rows, in a transaction that is rolled back."""
    if not_attempted(rename):
        return waiting("your fixed `rename_video` function")
    if not callable(rename):
        return hint(f"expected the function `rename_video` itself (no brackets); got {a_type(rename)}.")
    with listening(engine) as sent, engine.connect() as conn:
        transaction = conn.begin()
        try:
            _table(conn)
            return _judge(rename, conn, sent)
        finally:
            if transaction.is_active:
                transaction.rollback()
