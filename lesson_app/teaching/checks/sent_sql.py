"""What a learner's function really sent to PostgreSQL, recorded with SQLAlchemy's `before_cursor_execute` event.

Notebook 07b's search exercise is about bound parameters, and the titles a function returns cannot show how it got
them: an f-string with quotes escaped by hand, or every title filtered in Python, returns the right list. The
statement and parameters the driver was handed can, so the checker judges those.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from lesson_app.teaching.checks import Feedback, hint


class SentStatements:
    """The (statement, parameters) pairs sent through an engine while `recording` is on."""

    def __init__(self) -> None:
        self.recording = False
        self.sent: list[tuple[str, Any]] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if self.recording:
            self.sent.append((statement, parameters))

    @contextmanager
    def around(self) -> Iterator[None]:
        """Record what is sent inside the block (and only that: the checker's own setup is not the learner's)."""
        self.sent, self.recording = [], True
        try:
            yield
        finally:
            self.recording = False


@contextmanager
def listening(engine: Engine) -> Iterator[SentStatements]:
    """Listen on `engine` for the block; connections must be opened inside it, so that they carry the listener."""
    statements = SentStatements()
    event.listen(engine, "before_cursor_execute", statements)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", statements)


def _values(parameters: Any) -> list[str]:
    """Every parameter value as text, from a dict, a sequence, or a list of either (executemany)."""
    if isinstance(parameters, dict):
        return [str(value) for value in parameters.values()]
    if isinstance(parameters, list | tuple):
        return [text for item in parameters for text in _values(item)]
    return [] if parameters is None else [str(parameters)]


def as_written(statement: str) -> str:
    """The statement as the learner wrote it: SQLAlchemy doubled each `%` of `text()` for psycopg2's format."""
    return " ".join(statement.replace("%%", "%").split())


def escaped(word: str) -> str:
    """`word` with LIKE's wildcards escaped by a backslash (PostgreSQL's default escape character)."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def judge_sent(word: str, sent: list[tuple[str, Any]]) -> Feedback | None:
    """A hint when `word` did not travel as a bound parameter, or no statement asked for an order; else None."""
    if not sent:
        return hint(
            "your function sent nothing to PostgreSQL: search with `conn.execute(...)` on the `conn` it is given."
        )
    values = [value for _, parameters in sent for value in _values(parameters)]
    if not any(word in value or escaped(word) in value for value in values):
        pasted = [statement for statement, _ in sent if word in statement or word.replace("'", "''") in statement]
        if pasted:
            return hint(
                f"your code pasted {word!r} into the SQL text, `{as_written(pasted[0])}`, instead of passing it as a "
                "bound parameter. Even with quotes escaped by hand, a value pasted into SQL can change it (an "
                "apostrophe ends the string, an injection adds SQL). Write `LIKE :pattern` with no quotes and pass "
                "the pattern in a dict, the second argument of `conn.execute`; the hint under the task says where "
                "the `%` signs go."
            )
        return hint(
            f"PostgreSQL was never sent {word!r}: it got `{as_written(sent[0][0])}`, returned every title, and Python "
            "picked the matches. Let the database search, which is what it is for (and it sends back only the "
            "matches): `WHERE title LIKE :pattern`, with the word as a bound parameter."
        )
    if not any(re.search(r"\bORDER\s+BY\b", statement, re.IGNORECASE) for statement, _ in sent):
        return hint(
            "the statement has no ORDER BY, so PostgreSQL may return the rows in any order (here they came as "
            "they are stored); add `ORDER BY id`."
        )
    return None
