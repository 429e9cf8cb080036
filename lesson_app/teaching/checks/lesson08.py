"""Checkers for notebook 08: a model of one's own, a row stored through a Session, and which columns take NULL."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Boolean, Engine, Integer, String, Table, UniqueConstraint, delete, inspect, select
from sqlalchemy.exc import NoInspectionAvailable
from sqlalchemy.orm import Mapper

from lesson_app.models import Youtube
from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting

# Notebook 08 imports every checker of its lesson from here; exercise 3's lives in a module of its own.
from lesson_app.teaching.checks.nullable_columns import NULLABLE as NULLABLE
from lesson_app.teaching.checks.nullable_columns import check_nullable_columns as check_nullable_columns
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
    if not isinstance(c.is_public.type, Boolean):
        return hint(f"`is_public` is yes or no: `Boolean` (or just `Mapped[bool]`), not {c.is_public.type!r}.")
    if c.is_public.nullable:
        return hint("`is_public` must always be true or false, never NULL: annotate it `Mapped[bool]`.")
    if not _defaults_to_true(c.is_public):
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


# --- exercise 2: a row stored through a Session -------------------------------------------------------------------

TITLE = "Models in ten minutes"
URL = "https://videos.example/watch/models-10"
CHANNEL = "Request Journey"


def remove_earlier_try(engine: Engine) -> None:
    """Delete the row an earlier run of the exercise cell stored with its url, so a corrected answer can be stored.

    The url is unique: without this, fixing a typo in the title and running the cell again fails with an
    IntegrityError (uq_youtube_url) for the row the first try committed.
    """
    with engine.begin() as conn:
        conn.execute(delete(Youtube).where(Youtube.url == URL))


def _state(video: Youtube) -> str:
    state = inspect(video)
    return next(name for name in ("transient", "pending", "persistent", "deleted", "detached") if getattr(state, name))


def check_saved_video(video: Any, engine: Engine) -> Feedback:
    """Check that `video` is a Youtube object whose row is committed in the database `engine` points at."""
    if not_attempted(video):
        return waiting("the Youtube object you stored, e.g. `my_video = Youtube(...)` added and committed")
    if isinstance(video, dict):
        return hint("that is a dict; make the object with the model: `Youtube(title=..., url=..., channel=...)`.")
    if not isinstance(video, Youtube):
        return hint(f"expected a `Youtube` object (made with `Youtube(...)`), got a {type(video).__name__}.")
    state = _state(video)
    if state == "transient":
        return hint(
            "the object exists only in Python: add it to a session and commit, "
            "`session.add(my_video)` then `session.commit()`."
        )
    if state == "pending":
        return hint("it is added but not sent: `session.commit()` sends the INSERT and makes it permanent.")
    identity = inspect(video).identity
    if identity is None:
        return hint("this object has no id: add it to a session and commit.")
    with engine.connect() as conn:
        row = conn.execute(select(Youtube.__table__).where(Youtube.id == identity[0])).mappings().first()
    if row is None:
        if state == "persistent":
            return hint(
                "the INSERT was sent (flushed) but not committed, so no other connection can see the row: "
                "call `session.commit()`."
            )
        return hint(f"no row with id {identity[0]} is in the database any more: was it rolled back or deleted?")
    for field, expected in (("title", TITLE), ("url", URL), ("channel", CHANNEL)):
        if row[field] != expected:
            return hint(f"the stored {field} is {row[field]!r}; the exercise asks for {expected!r}.")
    return correct(
        f"row {row['id']} is committed; views={row['views']} and is_published={row['is_published']} "
        "came from the model's defaults, which you did not have to give."
    )
