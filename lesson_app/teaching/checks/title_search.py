"""Notebook 07b's last exercise: the learner's `titles_containing(conn, word)`, run against the checker's own rows
(in a temporary table, rolled back), with a word, an injection attempt and an apostrophe; and by what it really sent
to PostgreSQL (sent_sql.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import a_type
from lesson_app.teaching.checks.rename_video import TEXT_TAKES_A_DICT
from lesson_app.teaching.checks.sent_sql import SentStatements, judge_sent, listening

# The checker's own rows: in a temporary table that hides the real `youtube` for one rolled-back transaction.
_ROWS = [
    ("How a request finds its route", "Request Journey"),
    ("Ports explained", "Request Journey"),
    ("Routers and routes", "HTTP Basics"),
    ("Alex's route planner", "Alex's Lab"),
    ("Route tables", "Network Notes"),  # "Route", not "route": a case-sensitive search leaves it out
]
_INJECTION = "x%' OR TRUE --"
# Stored out of id order, so that rows read without ORDER BY come back in another order than by id.
_STORED_ORDER = [4, 1, 5, 3, 2]


def _run(search: Callable[[Connection, str], Any], conn: Connection, word: str) -> tuple[Any, Exception | None]:
    savepoint = conn.begin_nested()
    try:
        result = search(conn, word)
        if result is not None and not isinstance(result, (str, bytes)):
            result = list(result)
    except Exception as exc:  # noqa: BLE001 - a learner's function may raise anything; it becomes a hint
        savepoint.rollback()
        return None, exc
    savepoint.commit()
    return result, None


def _error_hint(exc: Exception, word: str) -> Feedback:
    if isinstance(exc, ArgumentError) and "List argument must consist only of dictionaries" in str(exc):
        return hint(TEXT_TAKES_A_DICT)
    if isinstance(exc, ArgumentError) or type(exc).__name__ == "ObjectNotExecutableError":
        return hint(
            "SQLAlchemy 2 runs SQL you write only when it is wrapped in `text(...)`: "
            '`conn.execute(text("SELECT ..."), {...})`.'
        )
    if isinstance(exc, DBAPIError):
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        if "syntax error" in first and "'" in word:
            return hint(
                f"searching for {word!r} failed with `{first}`: the apostrophe in the value ended a string in "
                "your SQL, so the value was pasted into the SQL text. Use a placeholder `:word` and pass the "
                "value in a dict."
            )
        if "syntax error" in first or "%" in first:
            return hint(
                f"PostgreSQL said `{first}`. If your SQL says `'%:word%'`, the placeholder sits inside quotes: "
                "write `LIKE :pattern` with no quotes, and put the `%` signs in the value you pass for it."
            )
        return hint(f"the query failed in PostgreSQL: `{first}`.")
    if isinstance(exc, SQLAlchemyError):
        return hint(f"SQLAlchemy said: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    return hint(f"your function raised {exc.__class__.__name__}: {exc}")


def check_title_search(search: Any, engine: Engine) -> Feedback:
    """Check `search(conn, word)`: the titles that contain `word` as written (capitals count), in id order, with the
    word as a bound parameter.

    It runs in one transaction that is rolled back, against a temporary `youtube` table of the checker's own
    rows, so neither the lesson's rows nor a mistake in the function can change anything.
    """
    if not_attempted(search):
        return waiting("a function `titles_containing(conn, word)` (then `my_search = titles_containing`)")
    if not callable(search):
        return hint(f"expected a function that takes (conn, word); got {a_type(search)}.")
    with listening(engine) as sent, engine.connect() as conn:
        transaction = conn.begin()
        conn.execute(
            text(
                "CREATE TEMPORARY TABLE youtube (id serial PRIMARY KEY, title text NOT NULL, "
                "channel text NOT NULL, url text, views integer NOT NULL DEFAULT 0, "
                "is_published boolean NOT NULL DEFAULT true) ON COMMIT DROP"
            )
        )
        for row_id in _STORED_ORDER:
            title, channel = _ROWS[row_id - 1]
            conn.execute(
                text("INSERT INTO youtube (id, title, channel) VALUES (:id, :title, :channel)"),
                {"id": row_id, "title": title, "channel": channel},
            )
        try:
            return _judge(search, conn, sent)
        finally:
            transaction.rollback()


def _judge(search: Callable[[Connection, str], Any], conn: Connection, sent: SentStatements) -> Feedback:
    every = [title for title, _ in _ROWS]
    expected = {"route": [every[0], every[2], every[3]], _INJECTION: [], "Alex's": [every[3]]}
    for word in ("route", _INJECTION, "Alex's"):
        with sent.around():
            got, error = _run(search, conn, word)
        if error is not None:
            return _error_hint(error, word)
        if (wrong := _judge_word(word, got, expected[word], every)) is not None:
            return wrong
        if (wrong := judge_sent(word, sent.sent)) is not None:  # right titles; judged by what really ran
            return wrong
    return correct(
        "the right titles in id order; the injection found nothing and the apostrophe broke nothing, "
        "because the word travels as a bound parameter."
    )


def _judge_word(word: str, got: Any, wanted: list[str], every: list[str]) -> Feedback | None:
    """Return a hint when the titles `got` for `word` are not `wanted`, naming the usual slip; else None."""
    if got is None:
        return hint(
            "your function returned None: end it with `return ...`, e.g. "
            "`return conn.execute(query, params).scalars().all()`."
        )
    if not isinstance(got, list) or not all(isinstance(title, str) for title in got):
        return hint(
            "return the titles as a list of strings: `.scalars().all()` gives the first column of each "
            "row (a bare `.all()` gives whole rows)."
        )
    if word == _INJECTION and len(got) > 0:
        return hint(
            f"searching for {_INJECTION!r} returned {len(got)} title(s), though no title contains that "
            "text: your code pasted the value into the SQL, which read it as SQL (injection). Write `LIKE :pattern` "
            "and pass the pattern in a dict, the second argument of `conn.execute`."
        )
    if got == wanted:
        return None
    if word == "route" and not got:
        return hint(
            "searching for 'route' found nothing: `LIKE` without `%` matches only a title that is "
            "exactly the word. Put `%` on both sides of the word, in the value you pass."
        )
    if sorted(got) == sorted(wanted):
        return hint("the right titles, in another order: add `ORDER BY id`.")
    if word == "route" and sorted(got) == sorted([*wanted, every[4]]):
        return hint(
            "searching for 'route' also found 'Route tables', whose title has 'Route' with a capital R: "
            "your search ignores case (`ILIKE`, or `lower(...)`). The task asks for the word as written, "
            "which is what `LIKE` compares: capitals count."
        )
    return hint(f"searching for {word!r} gave {got}; expected {wanted}.")
