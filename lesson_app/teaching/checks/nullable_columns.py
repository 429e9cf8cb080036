"""Notebook 08's exercise 3, predict then run: which columns of the Comment model accept NULL.

The checker does not take the answer from a list: it creates the model's table in the lesson's database, inside a
transaction it rolls back, and asks PostgreSQL which columns accept NULL.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import SQLAlchemyError

from lesson_app.teaching.checks import Feedback, correct, exception_text, hint, not_attempted, waiting

COMMENT_COLUMNS = ("id", "body", "author", "likes", "edited_at", "video_url")
NULLABLE = {"author", "edited_at", "video_url"}  # what PostgreSQL says of the exercise's Comment, as given

# Why each column of the exercise's Comment is what it is; used only where PostgreSQL agrees.
WHY = {
    "id": "`id` is the primary key, and a primary key is never NULL.",
    "body": "`body` is `Mapped[str]`, without `| None`: NOT NULL.",
    "likes": "`likes` has `default=0`, which fills in a value when you give none; it does not allow NULL. "
    "`Mapped[int]` makes it NOT NULL.",
    "author": "`author` is `Mapped[str | None]`: `| None` is what makes a column nullable.",
    "edited_at": "`edited_at` is `Mapped[datetime | None]`: `| None` makes it nullable, even without `mapped_column`.",
    "video_url": "`video_url` has no `Mapped[...]` annotation, so `mapped_column` falls back to the old `Column` "
    "rule, which is nullable unless you say `nullable=False`.",
}


def nullable_in_postgresql(model: Any, engine: Engine) -> set[str]:
    """Create the model's table in a transaction, read which columns PostgreSQL lets be NULL, roll it back."""
    table = model.__table__
    with engine.connect() as conn, conn.begin() as transaction:
        table.create(conn)
        columns = inspect(conn).get_columns(table.name)
        transaction.rollback()  # PostgreSQL's CREATE TABLE is transactional: nothing is left behind
    return {column["name"] for column in columns if column["nullable"]}


def _names(answer: Any) -> set[str] | Feedback:
    if isinstance(answer, str) or not isinstance(answer, Iterable):
        return hint('give a set of column names, e.g. `{"author", "..."}`, not a single value.')
    names = set(answer)
    if not all(isinstance(name, str) for name in names):
        return hint('give the column names as strings, e.g. `{"author"}`.')
    return names


def _difference(predicted: set[str], real: set[str]) -> Feedback:
    """Name the first column the prediction got wrong, with the reason PostgreSQL answered as it did."""
    name = min(predicted ^ real, key=lambda n: (COMMENT_COLUMNS.index(n) if n in COMMENT_COLUMNS else 99, n))
    state = "accepts NULL" if name in real else "is NOT NULL"
    why = WHY[name] if name in WHY and (name in NULLABLE) == (name in real) else ""
    guess = "NULL" if name in predicted else "NOT NULL"
    return hint(f"you predicted {guess} for `{name}`, but PostgreSQL says it {state}. {why}".rstrip())


def check_nullable_columns(answer: Any, model: Any, engine: Engine) -> Feedback:
    """Compare the learner's predicted set of nullable columns with what PostgreSQL makes of `model`'s table."""
    if not_attempted(answer):
        return waiting('a set of column names, e.g. `{"author"}`')
    names = _names(answer)
    if isinstance(names, Feedback):
        return names
    try:
        columns = [column.name for column in model.__table__.columns]
        real = nullable_in_postgresql(model, engine)
    except (AttributeError, SQLAlchemyError) as exc:
        return hint(f"could not create the Comment table to compare: {exception_text(exc)}; run the cell again.")
    unknown = sorted(names - set(columns))
    if unknown:
        return hint(f"Comment has no column {', '.join(unknown)}; its columns are {', '.join(columns)}.")
    if names != real:
        return _difference(names, real)
    return correct(
        f"PostgreSQL, given the table for real, lets {', '.join(sorted(real))} be NULL, as you predicted: "
        "`| None` makes a column nullable, and so does a `mapped_column` without a `Mapped[...]` annotation."
    )
