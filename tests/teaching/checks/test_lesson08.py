"""The checkers of notebook 08 pass the solutions, and answer the usual mistakes with the hint meant for them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    String,
    UniqueConstraint,
    create_engine,
    delete,
    func,
    inspect,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from lesson_app.models import Youtube
from lesson_app.teaching.checks.lesson08 import check_nullable_columns, check_playlist_model, check_store_video

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
        ({"is_public": (Mapped[bool], mapped_column(default="True"))}, "a string in quotes"),
        ({"is_public": (Mapped[bool], mapped_column(default="true"))}, "written without quotes"),
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


# --- exercise 2: debug a store_video that only flushes -------------------------------------------------------------


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    engine = create_engine(db_url)
    yield engine
    engine.dispose()


def count_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Youtube)).scalar_one()


def as_given(engine, title, url):
    """The exercise cell's function, bug included."""
    with Session(engine) as session:
        video = Youtube(title=title, url=url, channel="Request Journey")
        session.add(video)
        session.flush()
        return video.id


def committed(engine, title, url):
    with Session(engine) as session:
        video = Youtube(title=title, url=url, channel="Request Journey")
        session.add(video)
        session.commit()
        return video.id


def in_a_begin_block(engine, title, url):
    with Session(engine) as session, session.begin():
        video = Youtube(title=title, url=url, channel="Request Journey")
        session.add(video)
        session.flush()
        return video.id


def flushed_then_committed(engine, title, url):
    with Session(engine, expire_on_commit=False) as session:
        video = Youtube(title=title, url=url, channel="Request Journey")
        session.add(video)
        session.flush()
        session.commit()
    return video.id


@pytest.mark.parametrize("store_video", [committed, in_a_begin_block, flushed_then_committed])
def test_store_video_right_fixes_pass_and_leave_no_row(engine: Engine, store_video) -> None:
    before = count_rows(engine)
    feedback = check_store_video(store_video, engine)
    assert feedback.passed is True, feedback.message
    assert count_rows(engine) == before  # the checker deletes the row it made


def test_store_video_as_given_is_refused_for_the_rollback(engine: Engine) -> None:
    feedback = check_store_video(as_given, engine)
    assert feedback.passed is False
    assert "returned id" in feedback.message and "rolled it back" in feedback.message
    assert "flush()" in feedback.message and "only a commit" in feedback.message


def test_store_video_reading_the_id_after_the_session_closed(engine: Engine) -> None:
    def read_too_late(engine, title, url):
        with Session(engine) as session:
            video = Youtube(title=title, url=url, channel="Request Journey")
            session.add(video)
            session.commit()
        return video.id

    feedback = check_store_video(read_too_late, engine)
    assert feedback.passed is False
    assert "DetachedInstanceError" in feedback.message and "expire_on_commit=False" in feedback.message


def test_store_video_that_forgets_to_add(engine: Engine) -> None:
    def never_added(engine, title, url):
        with Session(engine) as session:
            Youtube(title=title, url=url, channel="Request Journey")
            session.commit()

    feedback = check_store_video(never_added, engine)
    assert feedback.passed is False and "returned None and stored no row" in feedback.message


def test_store_video_that_ignores_its_url(engine: Engine) -> None:
    def own_url(engine, title, url):
        return committed(engine, title, "https://videos.example/watch/models-10")

    try:
        feedback = check_store_video(own_url, engine)
    finally:
        with engine.begin() as conn:
            conn.execute(delete(Youtube).where(Youtube.url == "https://videos.example/watch/models-10"))
    assert feedback.passed is False and "not the `url` the function was given" in feedback.message


def test_store_video_returning_the_object_instead_of_its_id(engine: Engine) -> None:
    def returns_object(engine, title, url):
        with Session(engine, expire_on_commit=False) as session:
            video = Youtube(title=title, url=url, channel="Request Journey")
            session.add(video)
            session.commit()
        return video

    feedback = check_store_video(returns_object, engine)
    assert feedback.passed is False and "return `video.id`" in feedback.message


def test_store_video_wrong_kinds_of_answer(engine: Engine) -> None:
    assert "without calling it" in check_store_video(3, engine).message
    assert check_store_video(..., engine).passed is None  # not attempted

    def broken(engine, title, url):
        return Youtube(titel=title)

    assert "raised `TypeError" in check_store_video(broken, engine).message


def test_store_video_without_a_channel_names_the_column_and_shows_no_sql(engine: Engine) -> None:
    def no_channel(engine, title, url):
        with Session(engine) as session:
            video = Youtube(title=title, url=url)  # channel left out: the table says NOT NULL
            session.add(video)
            session.commit()
            return video.id

    message = check_store_video(no_channel, engine).message
    assert message.startswith("`channel` is required (NOT NULL)"), message
    assert "INSERT" not in message and "IntegrityError" not in message, message


# --- exercise 3: predict which columns take NULL, PostgreSQL answers ----------------------------------------------


class ExampleBase(DeclarativeBase):
    pass


class Comment(ExampleBase):
    """The exercise's model, as the notebook gives it."""

    __tablename__ = "comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(500))
    author: Mapped[str | None] = mapped_column(String(100))
    likes: Mapped[int] = mapped_column(default=0)
    edited_at: Mapped[datetime | None]
    video_url = mapped_column(String(300))


def test_nullable_solution_passes_and_leaves_no_table(engine: Engine) -> None:
    assert check_nullable_columns({"author", "edited_at", "video_url"}, Comment, engine).passed is True
    assert check_nullable_columns(["video_url", "author", "edited_at"], Comment, engine).passed is True
    assert not inspect(engine).has_table("comment")


def test_nullable_not_attempted(engine: Engine) -> None:
    assert check_nullable_columns(..., Comment, engine).passed is None


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"author", "edited_at", "video_url", "likes"}, "default=0"),
        ({"author", "edited_at", "video_url", "id"}, "primary key"),
        ({"author", "edited_at", "video_url", "body"}, "Mapped[str]"),
        ({"author", "edited_at"}, "you predicted NOT NULL for `video_url`, but PostgreSQL says it accepts NULL"),
        ({"author", "video_url"}, "edited_at"),
        ({"author", "edited", "video_url"}, "no column edited"),
        ("author", "set of column names"),
        ({1, 2}, "as strings"),
    ],
)
def test_nullable_usual_mistakes(engine: Engine, answer: object, expected: str) -> None:
    feedback = check_nullable_columns(answer, Comment, engine)
    assert feedback.passed is False
    assert expected in feedback.message


def test_nullable_is_judged_by_postgresql_not_by_a_list(engine: Engine) -> None:
    """A learner who adds `nullable=False` to video_url changes the answer; the checker follows the database."""

    class StrictBase(DeclarativeBase):
        pass

    class StrictComment(StrictBase):
        __tablename__ = "comment"
        id: Mapped[int] = mapped_column(primary_key=True)
        video_url = mapped_column(String(300), nullable=False)

    assert check_nullable_columns(set(), StrictComment, engine).passed is True
    feedback = check_nullable_columns({"video_url"}, StrictComment, engine)
    assert feedback.passed is False and "PostgreSQL says it is NOT NULL." in feedback.message
    assert "falls back" not in feedback.message  # the reason for the exercise's model would be wrong here


def test_nullable_with_a_table_already_there_gets_a_hint(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE comment (id integer)"))
    try:
        feedback = check_nullable_columns({"author"}, Comment, engine)
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE comment"))
    assert feedback.passed is False and "could not create the Comment table" in feedback.message
