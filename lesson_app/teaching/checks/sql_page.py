"""Notebook 10's SQL exercise: the learner's SELECT, run read-only and rolled back, against a page of the API."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, Row, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError, StatementError

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import a_type
from lesson_app.teaching.checks.sql_text import split_statements

# Statements that change rows or tables: a page of videos is read with SELECT.
_WRITES = {"INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "DROP", "ALTER", "CREATE", "GRANT", "REVOKE"}

# An emptied table (the TRUNCATE cell run again) makes every page empty, so any answer would match it.
EMPTY_TABLE = (
    "the table holds no {channel!r} videos, so there is no page to compare with: run the cell under "
    "“The sample data” to load the sample videos, then this cell again."
)


def _first_word(sql: str) -> str:
    """Return the statement's first keyword, upper-cased, after any comments (`-- ...` and `/* ... */`)."""
    without_comments = re.sub(r"--[^\n]*|/\*.*?\*/", " ", sql, flags=re.DOTALL)
    words = without_comments.split()
    return words[0].upper().strip("(;") if words else ""


def check_sql(sql: Any, engine: Engine, channel: str = "Data Desk", per_page: int = 3, page: int = 2) -> Feedback:
    """Check that the SELECT `sql` returns the same videos, in the same order, as that page of the API."""
    if not_attempted(sql):
        return waiting('a SELECT statement in a string, e.g. `"SELECT id, title FROM youtube WHERE ..."`')
    if not isinstance(sql, str):
        return hint(f"expected the SQL as a string (in quotes), got {a_type(sql)}.")
    statements = split_statements(sql)
    if len(statements) > 1:
        return hint(
            f"that is {len(statements)} statements separated by `;`, and the checker runs exactly one (it ran "
            "none of these), so keep only the SELECT."
        )
    verb = _first_word(sql)
    if verb in _WRITES:
        return hint(
            f"that is {'an' if verb[0] in 'AEIOU' else 'a'} {verb}, which changes rows instead of showing "
            "them (the checker did not run it). Write a SELECT: it reads rows and changes nothing."
        )
    statement = statements[0] if statements else sql
    ran = _run_read_only(engine, statement, sql, channel, per_page, per_page * (page - 1))
    if isinstance(ran, Feedback):
        return ran
    every, columns, rows = ran
    if not every:
        return hint(EMPTY_TABLE.format(channel=channel))
    judged = _judge_page(sql, every, columns, rows, channel, per_page, page)
    if not judged.passed:
        return judged
    luck = _by_luck(engine, statement, sql, channel, per_page, page)
    return judged if luck is None else luck


def _by_luck(engine: Engine, statement: str, sql: str, channel: str, per_page: int, page: int) -> Feedback | None:
    """Run the statement again on other rows, where an answer fitted to today's ids (`id > 9`) differs."""
    offset = per_page * (page - 1)
    ran = _run_read_only(engine, statement, sql, channel, per_page, offset, more_rows=True)
    if isinstance(ran, Feedback):
        return ran
    every, _, rows = ran
    ids, expected = [row._mapping["id"] for row in rows], every[offset : offset + per_page]
    if ids == expected:
        return None
    return hint(
        f"right for today's rows, but only by luck: when one earlier video moves to {channel} and four are added "
        f"(the checker did that and rolled it back), it returns ids {ids} while the page holds {expected}. Pick "
        f"the rows by their channel alone, and the page with ORDER BY id, LIMIT and OFFSET, not by ids."
    )


# Other rows, where an answer fitted to today's ids differs: the first video of another channel moves into the
# exercise's channel (so the page starts earlier), and four rows follow the last id, taking turns between another
# channel and the exercise's (explicit ids, so the rolled-back INSERT does not move the id sequence either).
_MOVE_ONE = text(
    "UPDATE youtube SET channel = :channel WHERE id = (SELECT min(id) FROM youtube WHERE channel <> :channel)"
)
_MORE_ROWS = text(
    "INSERT INTO youtube (id, title, url, channel) "
    "SELECT top.id + n, 'Checker row ' || n, 'https://videos.example/checker-row-' || n, "
    "CASE WHEN n % 2 = 0 THEN :channel ELSE 'Another Channel' END "
    "FROM (SELECT coalesce(max(id), 0) AS id FROM youtube) AS top, generate_series(1, 4) AS n"
)


def _run_read_only(
    engine: Engine, statement: str, sql: str, channel: str, per_page: int, offset: int, more_rows: bool = False
) -> tuple[list[Any], list[str], list[Row[Any]]] | Feedback:
    """Run `statement` read-only and roll it back; return the channel's ids, the columns and rows, or a hint.

    With `more_rows`, the rows are changed first (`_MOVE_ONE`, `_MORE_ROWS`) in the same transaction, so that
    the changes are rolled back with it."""
    same_channel = text("SELECT id FROM youtube WHERE channel = :channel ORDER BY id")
    try:
        conn = engine.connect()
    except SQLAlchemyError as exc:
        return hint(f"the database could not be reached ({type(exc).__name__}); run the cells at the top again.")
    with conn:
        if more_rows:
            conn.execute(_MOVE_ONE, {"channel": channel})
            conn.execute(_MORE_ROWS, {"channel": channel})
        every = list(conn.scalars(same_channel, {"channel": channel}))
        # Read-only, for this transaction and (should a COMMIT slip through) the session: nothing can change.
        conn.execute(text("SET TRANSACTION READ ONLY"))
        conn.execute(text("SET default_transaction_read_only = on"))
        try:
            result = conn.execute(text(statement))
            if not result.returns_rows:
                return hint(
                    "that statement returns no rows (it ran read-only and was rolled back, so it changed "
                    "nothing). Write a SELECT: it reads rows and shows them."
                )
            return every, list(result.keys()), list(result.all())
        except Exception as exc:  # a checker reports, it never raises
            return _refused(exc, sql, channel, per_page, offset)
        finally:
            conn.rollback()  # whatever the statement was, it changes nothing
            conn.execute(text("RESET default_transaction_read_only"))  # the pooled connection goes back as it was
            conn.commit()


def _refused(exc: Exception, sql: str, channel: str, per_page: int, offset: int) -> Feedback:
    """Explain why the statement could not run: quotes, a write, MySQL's LIMIT, or a placeholder left in."""
    if isinstance(exc, DBAPIError):
        message = str(exc.orig).strip().splitlines()[0]
        if "does not exist" in message and f'"{channel}"' in sql:
            return hint(
                f"PostgreSQL says: {message}. In SQL, text goes in single quotes ('{channel}'); "
                "double quotes name a column."
            )
        if "read-only transaction" in message:
            return hint(
                f"PostgreSQL says: {message}. The checker runs your SQL read-only, and a page of videos "
                "is read with a plain SELECT, so leave out the part that changes rows."
            )
        if "LIMIT #,#" in message:
            return hint(
                "PostgreSQL says: LIMIT #,# syntax is not supported. `LIMIT 3, 3` is MySQL's spelling; "
                f"PostgreSQL's is `LIMIT {per_page} OFFSET {offset}`, each number with its own word."
            )
        return hint(f"PostgreSQL refused the statement: {message}")
    if isinstance(exc, StatementError):
        missing = re.search(r"A value is required for bind parameter '(\w+)'", str(exc))
        if missing:
            return hint(
                f"`:{missing.group(1)}` is a placeholder, filled by a value passed separately (lesson "
                "07b), and nothing passes one here. Type the value itself into the SQL, in single quotes: "
                f"'{channel}'. In a query you write yourself that is safe; placeholders are for values "
                "that come from outside, such as a request."
            )
    return hint(f"the statement could not run: {exc}")


def _judge_page(
    sql: str, every: list[Any], columns: list[str], rows: list[Row[Any]], channel: str, per_page: int, page: int
) -> Feedback:
    """Compare the rows with page `page` of the channel's ids, and name the usual slip when they differ."""
    offset = per_page * (page - 1)
    expected = every[offset : offset + per_page]
    if "id" not in columns:
        return hint(
            "select the id column too (e.g. `SELECT id, title, views FROM youtube ...`), "
            "so the rows can be compared with the API's."
        )
    ids = [row._mapping["id"] for row in rows]
    words = sql.upper().split()
    if ids == expected and "ORDER" not in words:
        return hint(
            "the right rows, but by luck: without ORDER BY, PostgreSQL may return rows in any order. "
            "The API sorts by id; add ORDER BY id."
        )
    if ids == expected:
        return correct(f"the same videos as GET /videos?channel={channel}&limit={per_page}&offset={offset}: ids {ids}.")
    if not ids:
        return hint(
            f"no rows. Text comparison in SQL is exact: WHERE channel = '{channel}' "
            "(and OFFSET skips rows, so a large one leaves nothing)."
        )
    if not set(ids) <= set(every):
        return hint(f"some rows are from other channels: add WHERE channel = '{channel}'.")
    if ids == every[:per_page]:
        return hint(f"that is the first page; OFFSET {offset} skips the first {offset} rows.")
    if ids in (every[page - 1 : page - 1 + per_page], every[page : page + per_page]):
        return hint(
            f"OFFSET counts rows to skip, not pages: page {page} at {per_page} per page skips "
            f"{per_page} × {page - 1} = {offset} rows."
        )
    if ids == every[offset:]:
        return hint(f"right start, but LIMIT {per_page} caps the page at {per_page} rows.")
    return hint(f"got ids {ids}; the page holds {expected}. Use ORDER BY id LIMIT {per_page} OFFSET {offset}.")
