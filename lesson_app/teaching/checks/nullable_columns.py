"""Notebook 08's exercise 3: which columns of the Comment model accept NULL."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting

COMMENT_COLUMNS = ("id", "body", "author", "likes", "edited_at", "video_url")
NULLABLE = {"author", "edited_at", "video_url"}


def check_nullable_columns(answer: Any) -> Feedback:
    """Check the set of Comment's columns that accept NULL: {'author', 'edited_at', 'video_url'}."""
    if not_attempted(answer):
        return waiting('a set of column names, e.g. `{"author"}`')
    if isinstance(answer, str) or not isinstance(answer, Iterable):
        return hint('give a set of column names, e.g. `{"author", "..."}`, not a single value.')
    names = set(answer)
    if not all(isinstance(name, str) for name in names):
        return hint('give the column names as strings, e.g. `{"author"}`.')
    unknown = sorted(names - set(COMMENT_COLUMNS))
    if unknown:
        return hint(f"Comment has no column {', '.join(unknown)}; its columns are {', '.join(COMMENT_COLUMNS)}.")
    if "id" in names:
        return hint("`id` is the primary key, and a primary key is never NULL.")
    if "likes" in names:
        return hint(
            "`likes` has `default=0`, which fills in a value when you give none; it does not allow NULL. "
            "`Mapped[int]` makes it NOT NULL."
        )
    if "body" in names:
        return hint("`body` is `Mapped[str]`, without `| None`: NOT NULL.")
    if "video_url" not in names:
        return hint(
            "look at `video_url` again: it has no `Mapped[...]` annotation, so `mapped_column` falls back to "
            "the old `Column` rule, which is nullable unless you say `nullable=False`."
        )
    missing = sorted(NULLABLE - names)
    if missing:
        return hint(f"{' and '.join(missing)} accept(s) NULL too: `Mapped[X | None]` is what makes a column nullable.")
    return correct(
        "author and edited_at through `| None`, video_url because an unannotated `mapped_column` is "
        "nullable by default. CreateTable(Comment.__table__) shows the same."
    )
