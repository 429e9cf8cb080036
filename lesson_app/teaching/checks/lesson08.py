"""Checkers for notebook 08: a model of one's own, a Session that keeps no row (debug this), and which columns take
NULL (predict, then PostgreSQL answers)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Boolean, Integer, String, Table, UniqueConstraint, inspect
from sqlalchemy.exc import NoInspectionAvailable
from sqlalchemy.orm import Mapper

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting

# Notebook 08 imports every checker of its lesson from here; exercises 2 and 3 live in modules of their own.
from lesson_app.teaching.checks.nullable_columns import NULLABLE as NULLABLE
from lesson_app.teaching.checks.nullable_columns import check_nullable_columns as check_nullable_columns
from lesson_app.teaching.checks.store_video import check_store_video as check_store_video
from lesson_app.teaching.restart import make_needs

# After a kernel restart, `needs(...)` in an exercise cell names the section whose cell makes a missing name.
MADE_IN = {"engine": "08 · Models"}
needs = make_needs(MADE_IN)

# --- exercise 1: the Playlist model -------------------------------------------------------------------------------

PLAYLIST_COLUMNS = ("id", "name", "description", "is_public")


def _is_unique(table: Any, column: Any) -> bool:
    if column.unique:
        return True
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint) and [c.name for c in constraint.columns] == [column.name]:
            return True
    return any(index.unique and [c.name for c in index.columns] == [column.name] for index in table.indexes)


def _defaults_to_true(column: Any) -> bool:
    if column.default is not None and getattr(column.default, "arg", None) is True:
        return True
    server_default = column.server_default
    if server_default is None:
        return False
    value = getattr(server_default.arg, "text", server_default.arg)
    return str(value).strip("'").lower() in {"true", "t", "1"}


def _mapped_table(model: Any) -> Table | Feedback:
    """Return the table the model class maps, or a hint when `model` is an object, a plain class or no table."""
    if not isinstance(model, type):
        if inspect(model, raiseerr=False) is not None:
            return hint("give the class, not an object made from it: `my_model = Playlist`, without parentheses.")
        return hint(f"expected the model class itself (`my_model = Playlist`), got {model!r}.")
    try:
        # A mapped class inspects to its Mapper; said here, since SQLAlchemy's overloads find none for a bare `type`.
        mapper: Mapper[Any] = inspect(model)
        table = mapper.local_table
    except NoInspectionAvailable:
        return hint(
            f"{model.__name__} is a plain class: it must inherit from the base, `class {model.__name__}"
            "(ExerciseBase):`, to become a model."
        )
    if not isinstance(table, Table):  # declarative can also map a class onto a query, which is no table to check
        return hint(f'{model.__name__} must have a table of its own: `__tablename__ = "playlist"` and its columns.')
    return table


def _wrong_column(table: Table, annotated: Collection[str]) -> Feedback | None:
    """Return a hint for the first column whose type, key, NULL rule, uniqueness or default is not the exercise's.

    `annotated` names the columns declared with a `Mapped[...]` annotation; the others are the notes' `Column(...)`.
    """
    c = table.columns
    if not c.id.primary_key or not isinstance(c.id.type, Integer):
        return hint("`id` should be the primary key, an integer: `id: Mapped[int] = mapped_column(primary_key=True)`.")
    if [col.name for col in table.primary_key.columns] != ["id"]:
        return hint("only `id` is the primary key; take `primary_key=True` off the other columns.")
    if not isinstance(c.name.type, String) or isinstance(c.name.type, Boolean):
        return hint(f"`name` holds text: `String(100)`, not {c.name.type!r}.")
    if c.name.type.length != 100:
        return hint(f"`name` should be at most 100 characters: `String(100)` (it is {c.name.type!r}).")
    if c.name.nullable and "name" not in annotated:  # the notes' `name = Column(...)`: NULL unless told otherwise
        return hint(
            "`name` must be required (NOT NULL), and a `Column(...)` accepts NULL unless told otherwise: add "
            "`nullable=False` (or write it as `name: Mapped[str] = mapped_column(...)`)."
        )
    if c.name.nullable:
        return hint(
            "`name` must be required (NOT NULL): annotate it `Mapped[str]`, without `| None`, and leave out "
            "`nullable=True`."
        )
    if not _is_unique(table, c.name):
        return hint("two playlists may not share a name: add `unique=True` to `mapped_column` for `name`.")
    if not isinstance(c.description.type, String) or c.description.type.length != 500:
        return hint(f"`description` should be `String(500)` (it is {c.description.type!r}).")
    if not c.description.nullable:
        return hint("`description` may be missing, so it must accept NULL: annotate it `Mapped[str | None]`.")
    return _wrong_is_public(c.is_public)


def _wrong_is_public(column: Any) -> Feedback | None:
    """Return a hint when `is_public` is not a required Boolean that is true by default."""
    if not isinstance(column.type, Boolean):
        return hint(f"`is_public` is yes or no: `Boolean` (or just `Mapped[bool]`), not {column.type!r}.")
    if column.nullable:
        return hint("`is_public` must always be true or false, never NULL: annotate it `Mapped[bool]`.")
    if isinstance(given := getattr(column.default, "arg", None), str):
        return hint(
            f"`is_public` has `default={given!r}`, a string in quotes; the default must be Python's `True`, "
            "written without quotes."
        )
    if not _defaults_to_true(column):
        return hint(
            "a new playlist should be public unless said otherwise: give `is_public` `default=True` "
            '(or `server_default="true"`).'
        )
    return None


def check_playlist_model(model: Any) -> Feedback:
    """Check the learner's `Playlist` model: table `playlist`, and the four columns the exercise describes."""
    if not_attempted(model):
        return waiting("your model class, e.g. `my_model = Playlist`")
    table = _mapped_table(model)
    if isinstance(table, Feedback):
        return table
    if table.name != "playlist":
        return hint(f'the table is called {table.name!r}; set `__tablename__ = "playlist"`.')
    names = list(table.columns.keys())
    missing = [name for name in PLAYLIST_COLUMNS if name not in names]
    if missing:
        return hint(f"the model has no column {', '.join(repr(m) for m in missing)} (it has {', '.join(names)}).")
    extra = [name for name in names if name not in PLAYLIST_COLUMNS]
    if extra:
        return hint(f"the exercise asks for exactly {', '.join(PLAYLIST_COLUMNS)}; remove {', '.join(extra)}.")
    if (wrong := _wrong_column(table, getattr(model, "__annotations__", {}))) is not None:
        return wrong
    return correct(
        "table playlist with id (primary key), name (VARCHAR(100), NOT NULL, UNIQUE), description "
        "(VARCHAR(500), may be NULL) and is_public (BOOLEAN, NOT NULL, true by default)."
    )
