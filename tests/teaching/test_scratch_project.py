"""scratch_project(): lesson 09's wired scratch project in one call, ready for autogenerate, on a real database."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from lesson_app.runtime.databases import plain_url
from lesson_app.teaching.restart import RunEarlierCell
from lesson_app.teaching.scratch_project import (
    YOUTUBE_MODEL,
    empty_schema,
    expect_head,
    first_rows,
    revision_path,
    scratch_project,
    set_functions,
    write_model,
)


def test_autogenerate_finds_the_lesson_apis_table_and_upgrade_makes_it(tmp_path: Path, empty_db_url: URL) -> None:
    project = scratch_project(tmp_path / "project", plain_url(empty_db_url))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        project.alembic('revision --autogenerate -m "create youtube table" --rev-id 0001')
        project.alembic("upgrade head")
        project.alembic("check")
    assert "Detected added table 'youtube'" in printed.getvalue()
    assert printed.getvalue().rstrip().endswith("No new upgrade operations detected.")
    engine = sa.create_engine(empty_db_url)
    columns = [column["name"] for column in sa.inspect(engine).get_columns("youtube")]
    assert columns == ["id", "title", "url", "channel", "views", "is_published", "created_at"]  # the lesson API's
    empty_schema(engine)
    assert sa.inspect(engine).get_table_names() == []
    engine.dispose()


def test_set_functions_replaces_both_bodies_and_write_model_is_seen_by_the_next_command(
    tmp_path: Path, empty_db_url: URL
) -> None:
    project = scratch_project(tmp_path / "project", plain_url(empty_db_url))
    with contextlib.redirect_stdout(io.StringIO()):
        project.alembic('revision -m "empty" --rev-id 0001')
    set_functions(project, "0001", '    op.execute("SELECT 1")', "    pass")
    source = revision_path(project, "0001").read_text()
    assert source.endswith(
        'def upgrade() -> None:\n    op.execute("SELECT 1")\n\n\ndef downgrade() -> None:\n    pass\n'
    )
    assert "revision: str = '0001'" in source  # the head of the script is kept
    write_model(
        project, YOUTUBE_MODEL.replace("    views:", "    likes: Mapped[int] = mapped_column(Integer)\n    views:")
    )
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        project.alembic("upgrade head")
        project.alembic('revision --autogenerate -m "likes" --rev-id 0002')
    assert "Detected added table 'youtube'" in printed.getvalue()  # 0001 made no table
    assert "'likes'" in revision_path(project, "0002").read_text()  # the model as written, read afresh


def test_a_revision_no_command_wrote_is_one_sentence_naming_the_cell(tmp_path: Path, empty_db_url: URL) -> None:
    """After a failed `alembic revision`, set_functions says which cell starts over instead of StopIteration."""
    project = scratch_project(tmp_path / "project", plain_url(empty_db_url))
    with pytest.raises(RunEarlierCell, match="revision 0004 has no script") as raised:
        set_functions(project, "0004", "    pass", "    pass")
    assert "“The scratch project, in one call”" in str(raised.value)
    assert raised.value._render_traceback_() == [f"⏮️ {raised.value}"]  # what IPython shows: no traceback


def test_first_rows_fills_an_empty_table_once(tmp_path: Path, empty_db_url: URL) -> None:
    engine = sa.create_engine(empty_db_url)
    empty_schema(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE youtube (id serial PRIMARY KEY, title text)"))
    with first_rows(engine) as conn:
        conn.execute(sa.text("INSERT INTO youtube (title) VALUES ('Video 1')"))
    refused = "`youtube` already holds its videos, so this cell has done its work"
    with pytest.raises(RunEarlierCell, match=refused), first_rows(engine) as conn:
        conn.execute(sa.text("INSERT INTO youtube (title) VALUES ('Video 1')"))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM youtube")).scalar() == 1
    empty_schema(engine)
    engine.dispose()


def test_expect_head_lets_the_cell_run_only_on_top_of_its_revision(tmp_path: Path, empty_db_url: URL) -> None:
    """Lesson 09b's one-step rename deletes its own 0004: run late, it would delete the expand step's 0004."""
    project = scratch_project(tmp_path / "project", plain_url(empty_db_url))
    with contextlib.redirect_stdout(io.StringIO()):
        project.alembic('revision -m "first" --rev-id 0001')
        expect_head(project, "0001")  # on top of 0001: the cell runs
        project.alembic('revision -m "second" --rev-id 0002')
    with pytest.raises(RunEarlierCell, match="on top of revision 0001, and the project is at 0002 now"):
        expect_head(project, "0001")
    revision_path(project, "0001").unlink()  # 0002's parent is gone: the chain is broken
    with pytest.raises(RunEarlierCell, match="the chain of revisions in ./alembic/versions is broken") as raised:
        expect_head(project, "0002")
    assert "“The scratch project, in one call”" in str(raised.value)
