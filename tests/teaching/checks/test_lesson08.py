"""The checkers of notebook 08 pass the solutions, and answer the usual mistakes with the hint meant for them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Boolean, Column, Engine, String, UniqueConstraint, create_engine, delete, literal_column, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from lesson_app.models import Youtube
from lesson_app.teaching.checks.lesson08 import (
    CHANNEL,
    TITLE,
    URL,
    check_nullable_columns,
    check_playlist_model,
    check_saved_video,
    remove_earlier_try,
)

# --- exercise 1: the Playlist model -------------------------------------------------------------------------------


def playlist(**overrides):
    """Build a fresh Playlist model (on its own base), with some columns replaced or removed (None)."""
    columns = {
        "id": mapped_column(primary_key=True),
        "name": mapped_column(String(100), unique=True),
        "description": mapped_column(String(500)),
        "is_public": mapped_column(default=True),
    }
    annotations = {"id": Mapped[int], "name": Mapped[str], "description": Mapped[str | None], "is_public": Mapped[bool]}
    table_args = overrides.pop("__table_args__", ())
    tablename = overrides.pop("__tablename__", "playlist")
    for key, value in overrides.items():
        if value is None:
            columns.pop(key, None)
            annotations.pop(key, None)
        else:
            annotation, column = value
            columns[key] = column
            if annotation is None:  # the notes' style, `name = Column(...)`, with no annotation
                annotations.pop(key, None)
            else:
                annotations[key] = annotation

    class ExerciseBase(DeclarativeBase):
        pass

    namespace = {"__tablename__": tablename, "__annotations__": annotations, "__table_args__": table_args, **columns}
    return type("Playlist", (ExerciseBase,), namespace)


def test_playlist_solution_passes() -> None:
    feedback = check_playlist_model(playlist())
    assert feedback.passed is True, feedback.message


def test_playlist_other_correct_spellings_pass() -> None:
    server_default = playlist(is_public=(Mapped[bool], mapped_column(Boolean, server_default="true")))
    assert check_playlist_model(server_default).passed is True
    table_constraint = playlist(
        name=(Mapped[str], mapped_column(String(100))), __table_args__=(UniqueConstraint("name"),)
    )
    assert check_playlist_model(table_constraint).passed is True


def test_playlist_not_attempted() -> None:
    assert check_playlist_model(...).passed is None


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"name": (Mapped[str | None], mapped_column(String(100), unique=True))}, "must be required"),
        ({"name": (Mapped[str], mapped_column(String(100)))}, "unique=True"),
        ({"name": (Mapped[str], mapped_column(unique=True))}, "String(100)"),
        ({"description": (Mapped[str], mapped_column(String(500)))}, "Mapped[str | None]"),
        ({"is_public": (Mapped[bool], mapped_column())}, "default=True"),
        ({"is_public": (Mapped[bool | None], mapped_column(default=True))}, "never NULL"),
        ({"is_public": None}, "no column 'is_public'"),
        ({"views": (Mapped[int], mapped_column(default=0))}, "remove views"),
        ({"__tablename__": "playlists"}, '__tablename__ = "playlist"'),
    ],
)
def test_playlist_usual_mistakes(overrides: dict, expected: str) -> None:
    feedback = check_playlist_model(playlist(**overrides))
    assert feedback.passed is False
    assert expected in feedback.message


def test_playlist_column_style_name_gets_the_nullable_false_hint() -> None:
    """`name = Column(String(100), unique=True)` accepts NULL; the learner never wrote nullable=True."""
    feedback = check_playlist_model(playlist(name=(None, Column(String(100), unique=True))))
    assert feedback.passed is False
    assert "add `nullable=False`" in feedback.message and "leave out" not in feedback.message
    assert check_playlist_model(playlist(name=(None, Column(String(100), unique=True, nullable=False)))).passed


def test_playlist_wrong_kinds_of_answer() -> None:
    assert "without parentheses" in check_playlist_model(playlist()()).message
    assert "plain class" in check_playlist_model(dict).message
    assert "model class itself" in check_playlist_model("Playlist").message


def test_playlist_mapped_onto_a_query_gets_a_hint() -> None:
    class ExerciseBase(DeclarativeBase):
        pass

    class Playlist(ExerciseBase):
        # Declarative maps a class onto any FROM clause: here a subquery, which has no table of its own.
        __table__ = select(literal_column("1").label("id")).subquery()
        __mapper_args__ = {"primary_key": [__table__.c.id]}

    feedback = check_playlist_model(Playlist)
    assert not feedback.passed
    assert "table of its own" in feedback.message


# --- exercise 2: a row stored through a Session -------------------------------------------------------------------


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    engine = create_engine(db_url)
    yield engine
    engine.dispose()


def new_video(**changes) -> Youtube:
    return Youtube(**{"title": TITLE, "url": URL, "channel": CHANNEL, **changes})


def test_saved_video_solution_passes(engine: Engine) -> None:
    with Session(engine) as session:
        video = new_video()
        session.add(video)
        session.commit()
    feedback = check_saved_video(video, engine)
    assert feedback.passed is True, feedback.message
    assert "views=0" in feedback.message


def test_saved_video_not_attempted(engine: Engine) -> None:
    assert check_saved_video(..., engine).passed is None


def test_saved_video_never_added(engine: Engine) -> None:
    feedback = check_saved_video(new_video(), engine)
    assert feedback.passed is False and "session.add" in feedback.message


def test_saved_video_added_not_committed(engine: Engine) -> None:
    with Session(engine) as session:
        video = new_video()
        session.add(video)
        feedback = check_saved_video(video, engine)
    assert feedback.passed is False and "not sent" in feedback.message


def test_saved_video_flushed_not_committed(engine: Engine) -> None:
    with Session(engine) as session:
        video = new_video()
        session.add(video)
        session.flush()
        feedback = check_saved_video(video, engine)
    assert feedback.passed is False and "flushed" in feedback.message


def test_saved_video_row_deleted_afterwards(engine: Engine) -> None:
    with Session(engine) as session:
        video = new_video()
        session.add(video)
        session.commit()
        session.execute(delete(Youtube))
        session.commit()
    feedback = check_saved_video(video, engine)
    assert feedback.passed is False and "rolled back or deleted" in feedback.message


def test_saved_video_wrong_title(engine: Engine) -> None:
    with Session(engine) as session:
        video = new_video(title="Models in 10 minutes")
        session.add(video)
        session.commit()
    feedback = check_saved_video(video, engine)
    assert feedback.passed is False and "stored title" in feedback.message


def test_saved_video_fixed_typo_can_be_stored_again(engine: Engine) -> None:
    """A first try with a typo commits its row; the exercise cell removes it first, so the fixed try is stored."""
    for title in ("Models in 10 minutes", TITLE):  # the typo, then the fix, each a run of the exercise cell
        remove_earlier_try(engine)
        with Session(engine) as session:
            video = new_video(title=title)
            session.add(video)
            session.commit()
    assert check_saved_video(video, engine).passed is True


def test_saved_video_wrong_kinds_of_answer(engine: Engine) -> None:
    assert "dict" in check_saved_video({"title": TITLE, "url": URL, "channel": CHANNEL}, engine).message
    assert "got a str" in check_saved_video(TITLE, engine).message


# --- exercise 3: which columns take NULL --------------------------------------------------------------------------


def test_nullable_solution_passes() -> None:
    assert check_nullable_columns({"author", "edited_at", "video_url"}).passed is True
    assert check_nullable_columns(["video_url", "author", "edited_at"]).passed is True


def test_nullable_not_attempted() -> None:
    assert check_nullable_columns(...).passed is None


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"author", "edited_at", "video_url", "likes"}, "default=0"),
        ({"author", "edited_at", "video_url", "id"}, "primary key"),
        ({"author", "edited_at", "video_url", "body"}, "Mapped[str]"),
        ({"author", "edited_at"}, "video_url"),
        ({"author", "video_url"}, "edited_at"),
        ({"author", "edited", "video_url"}, "no column edited"),
        ("author", "set of column names"),
        ({1, 2}, "as strings"),
    ],
)
def test_nullable_usual_mistakes(answer: object, expected: str) -> None:
    feedback = check_nullable_columns(answer)
    assert feedback.passed is False
    assert expected in feedback.message
