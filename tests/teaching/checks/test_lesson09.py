"""The checkers of notebook 09 pass the solutions, and answer the usual mistakes with the hint meant for them."""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from alembic import op
from lesson_app.config.settings import PROJECT_ROOT
from lesson_app.runtime.databases import plain_url
from lesson_app.teaching.checks.lesson09 import (
    check_downgrade,
    check_downgrade_prediction,
    check_rename,
    explain_op_outside_migration,
)
from lesson_app.teaching.scratch_project import scratch_project


@pytest.fixture(scope="module")
def engine(empty_engine: Engine) -> Engine:
    """One empty database for this module: the checkers only use temporary tables (and alembic_version)."""
    return empty_engine


def no_trace(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(text("SELECT to_regclass('youtube')")).scalar() is None


# --- exercise 1: the downgrade ------------------------------------------------------------------------------------


def downgrade_solution():
    op.drop_column("youtube", "duration_seconds")


def downgrade_drops_table():
    op.drop_table("youtube")


def downgrade_does_nothing():
    pass


def downgrade_wrong_column():
    op.drop_column("youtube", "title")


def downgrade_without_table_name():
    op.drop_column("duration_seconds")


def downgrade_deletes_rows():
    op.execute("DELETE FROM youtube")
    op.drop_column("youtube", "duration_seconds")


def downgrade_without_import():
    operations.drop_column("youtube", "duration_seconds")  # noqa: F821 - the learner forgot an import


def test_downgrade_solution_passes(engine: Engine) -> None:
    feedback = check_downgrade(downgrade_solution, engine)
    assert feedback.passed is True, feedback.message
    assert no_trace(engine)


def test_downgrade_not_attempted(engine: Engine) -> None:
    assert check_downgrade(..., engine).passed is None


@pytest.mark.parametrize(
    ("downgrade", "expected"),
    [
        (downgrade_drops_table, "whole `youtube` table is gone"),
        (downgrade_does_nothing, "is still there"),
        (downgrade_wrong_column, "you dropped title"),
        (downgrade_without_table_name, "table name comes first"),
        (downgrade_deletes_rows, "rows are gone"),
        (downgrade_without_import, "from alembic import op"),
        (None, "the function itself"),  # `my_downgrade = downgrade()` would keep what it returns
    ],
)
def test_downgrade_usual_mistakes(engine: Engine, downgrade: object, expected: str) -> None:
    feedback = check_downgrade(downgrade, engine)
    assert feedback.passed is False
    assert expected in feedback.message
    assert no_trace(engine)


def test_downgrade_called_instead_of_passed_gets_a_hint(engine: Engine) -> None:
    """`check_downgrade(downgrade(), ...)` fails in `op` before the checker runs; the error is explained."""
    with engine.connect() as conn, Operations.context(MigrationContext.configure(conn)):
        pass  # once a migration has run, `op` is left as None ...
    with pytest.raises(AttributeError) as raised:
        downgrade_solution()
    feedback = explain_op_outside_migration(raised.value)
    assert feedback is not None and feedback.passed is False
    assert "Pass the function itself, without ()" in feedback.message
    with pytest.raises(AttributeError) as other:
        None.drop_column  # noqa: B018 - the same message, but not from `op`: no hint
    assert explain_op_outside_migration(other.value) is None


IPYTHON_SESSION = """
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance(colors="nocolor")
shell.run_cell("from tests.teaching.checks.test_lesson09 import downgrade_solution")
shell.run_cell("from lesson_app.teaching.checks.lesson09 import check_downgrade, hook_into_ipython")
shell.run_cell("hook_into_ipython()")
print("--- cell 1")
shell.run_cell("check_downgrade(downgrade_solution(), None)")   # no migration has run yet: op raises NameError
print("--- cell 2")
shell.run_cell("x = None\\nx.drop_column")                   # the same kind of error, not from op
print("--- cell 3")
shell.run_cell("from alembic import op\\nop.rename_column('youtube', 'channel', 'channel_name')")
"""


def test_in_ipython_the_hint_replaces_the_traceback() -> None:
    """In a notebook `downgrade()` fails in the learner's own cell, before any checker runs: IPython shows the
    error's last line and the hint instead of a traceback. Other errors keep theirs. (A fresh process, so that
    no migration has run yet and `op` raises NameError.)"""
    result = subprocess.run(
        [sys.executable, "-c", IPYTHON_SESSION], capture_output=True, text=True, timeout=60, cwd=PROJECT_ROOT
    )
    first, second = result.stdout.split("--- cell 1")[1].split("--- cell 2")
    assert "❌ Not yet: `op` works only while Alembic runs a migration" in first, result.stdout + result.stderr
    # Only the hint: neither the error's own line nor IPython's "use %tb" comes before it.
    assert "Traceback" not in first and "Can't invoke" not in first and "%tb" not in first and "NameError" not in first
    second, third = second.split("--- cell 3")
    assert "Traceback (most recent call last)" in second and "Not yet" not in second
    assert "❌ Not yet: Alembic's `op` has no `rename_column`" in third and "Traceback" not in third


# --- exercise 2: the rename ---------------------------------------------------------------------------------------


def rename_solution():
    op.alter_column("youtube", "channel", new_column_name="channel_name")


def rename_as_autogenerated():
    op.add_column("youtube", sa.Column("channel_name", sa.String(length=100), nullable=True))
    op.drop_column("youtube", "channel")


def rename_nothing():
    pass


def rename_backwards():
    op.alter_column("youtube", "channel_name", new_column_name="channel")


def rename_to_wrong_name():
    op.alter_column("youtube", "channel", new_column_name="channelname")


def rename_keeping_both():
    op.add_column("youtube", sa.Column("channel_name", sa.String(length=100), nullable=True))
    op.execute("UPDATE youtube SET channel_name = channel")


def test_rename_solution_passes(engine: Engine) -> None:
    feedback = check_rename(rename_solution, engine)
    assert feedback.passed is True, feedback.message
    assert no_trace(engine)


@pytest.mark.parametrize("nullable", [True, False])
def test_rename_by_copying_gets_the_alter_column_hint(engine: Engine, nullable: bool) -> None:
    """A copy keeps the values but rewrites every row and makes a new column: not a rename, said so."""

    def copy_then_drop():
        op.add_column("youtube", sa.Column("channel_name", sa.String(length=100), nullable=True))
        op.execute("UPDATE youtube SET channel_name = channel")
        op.alter_column("youtube", "channel_name", nullable=nullable)
        op.drop_column("youtube", "channel")

    feedback = check_rename(copy_then_drop, engine)
    assert feedback.passed is False
    assert "by copying" in feedback.message and "new_column_name=" in feedback.message
    assert no_trace(engine)


def test_rename_in_place_that_also_drops_not_null_is_told_so(engine: Engine) -> None:
    """Renamed in place, with `nullable=True` too: the hint names NOT NULL, not a copy the learner never made."""

    def rename_and_nullable():
        op.alter_column("youtube", "channel", new_column_name="channel_name", nullable=True)

    feedback = check_rename(rename_and_nullable, engine)
    assert feedback.passed is False
    assert "renamed in place" in feedback.message and "you also changed NOT NULL" in feedback.message
    assert "by copying" not in feedback.message
    assert no_trace(engine)


def test_rename_with_name_gets_the_new_column_name_hint(engine: Engine) -> None:
    def rename_with_name():
        op.alter_column("youtube", "channel", name="channel_name")

    feedback = check_rename(rename_with_name, engine)
    assert feedback.passed is False
    assert "`new_column_name=`" in feedback.message and "drop_column" not in feedback.message


def test_downgrade_dropping_a_column_object_gets_the_name_hint(engine: Engine) -> None:
    def downgrade_with_a_column():
        op.drop_column("youtube", sa.Column("duration_seconds", sa.Integer(), nullable=True))

    feedback = check_downgrade(downgrade_with_a_column, engine)
    assert feedback.passed is False
    assert "drop_column takes the column's NAME, a string" in feedback.message
    assert no_trace(engine)


def rename_with_an_op_that_does_not_exist():
    op.rename_column("youtube", "channel", "channel_name")


def test_rename_with_rename_column_gets_the_op_hint(engine: Engine) -> None:
    """`op` has no rename_column: inside the checker and called in the learner's own cell, the same hint."""
    feedback = check_rename(rename_with_an_op_that_does_not_exist, engine)
    assert feedback.passed is False
    assert "Alembic's `op` has no `rename_column`: a column is renamed with `op.alter_column`" in feedback.message
    with pytest.raises(AttributeError) as raised:
        rename_with_an_op_that_does_not_exist()
    outside = explain_op_outside_migration(raised.value)
    assert outside is not None and "has no `rename_column`" in outside.message


def test_rename_not_attempted(engine: Engine) -> None:
    assert check_rename(..., engine).passed is None


@pytest.mark.parametrize(
    ("upgrade", "expected"),
    [
        (rename_as_autogenerated, "the data is lost"),
        (rename_nothing, "nothing was renamed"),
        (rename_backwards, "is called `channel` before the upgrade"),
        (rename_to_wrong_name, "no `channel_name` column"),
        (rename_keeping_both, "both `channel` and `channel_name`"),
        (downgrade_drops_table, "table is gone"),
        ("upgrade", "the function itself"),
    ],
)
def test_rename_usual_mistakes(engine: Engine, upgrade: object, expected: str) -> None:
    feedback = check_rename(upgrade, engine)
    assert feedback.passed is False
    assert expected in feedback.message
    assert no_trace(engine)


# --- exercise 3: predict where `alembic downgrade -2` leaves the database ----------------------------------------


@pytest.fixture
def chain(tmp_path, empty_db_url: URL):
    """A real scratch project with the lesson's chain 0001 -> 0004 (empty revisions) and its database at head."""
    engine = sa.create_engine(empty_db_url)
    project = scratch_project(tmp_path / "project", plain_url(empty_db_url))
    with contextlib.redirect_stdout(io.StringIO()):
        for number in range(1, 5):
            project.alembic(f'revision -m "step {number}" --rev-id 000{number}')
        project.alembic("upgrade head")
    yield project, engine
    engine.dispose()


def test_downgrade_prediction_right_runs_the_commands_for_real(chain, capsys) -> None:
    project, engine = chain
    feedback = check_downgrade_prediction("0002", project.alembic, engine)
    assert feedback.passed is True, feedback.message
    printed = capsys.readouterr().out
    assert "$ alembic downgrade -2" in printed and "Running downgrade 0003 -> 0002" in printed
    # Run again (a learner re-running the cell): upgrade head first, so the answer is the same.
    assert check_downgrade_prediction(" 0002 ", project.alembic, engine).passed is True


def test_downgrade_prediction_not_attempted_runs_nothing(chain, capsys) -> None:
    project, engine = chain
    assert check_downgrade_prediction(..., project.alembic, engine).passed is None
    assert "$ alembic" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("prediction", "expected"),
    [
        ("0003", "holds '0002', not '0003'. `-2` counts two steps back from where the database was (head, 0004)"),
        ("0001", "holds '0002', not '0001'"),
        ("0000", "holds '0002', not '0000'"),
        ("base", "alembic_version stores a revision id"),
        ("-2", "alembic_version stores a revision id"),
        ("0002_step_2.py", "not the script's file name"),
        (2, "as a string"),
    ],
)
def test_downgrade_prediction_wrong_answers(chain, prediction: object, expected: str) -> None:
    project, engine = chain
    feedback = check_downgrade_prediction(prediction, project.alembic, engine)
    assert feedback.passed is False
    assert expected in feedback.message


def test_downgrade_prediction_without_the_helper(chain) -> None:
    _, engine = chain
    feedback = check_downgrade_prediction("0002", None, engine)
    assert feedback.passed is False and "`alembic` helper" in feedback.message


def test_downgrade_prediction_when_the_commands_fail_judges_nothing(chain, capsys) -> None:
    """The scratch folder went with the kernel: the commands fail, and the hint says so instead of blaming 0002."""
    project, engine = chain
    shutil.rmtree(project.folder)
    feedback = check_downgrade_prediction("0002", project.alembic, engine)
    assert feedback.passed is False
    assert "the `alembic` commands failed, so your prediction was not judged" in feedback.message
    assert "Restart Kernel and Run All Cells" in feedback.message and "not '0002'" not in feedback.message
    assert "FAILED" in capsys.readouterr().out  # what the commands said is still shown above the hint


def test_downgrade_prediction_without_alembic_version_is_a_hint_not_a_traceback(chain) -> None:
    _, engine = chain
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    feedback = check_downgrade_prediction("0002", lambda command: None, engine)
    assert feedback.passed is False
    assert "the `alembic` commands failed, so your prediction was not judged" in feedback.message
