"""The checkers of notebook 14 against the solution project, the usual wrong files, and an untouched `...`."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from lesson_app.teaching.checks.env_tables import env_py_lines, env_py_tables
from lesson_app.teaching.checks.lesson14 import check_channel_model, check_eager, check_query_count
from lesson_app.teaching.your_project.folder import write_solution
from tests.helpers import replace_in


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The project as lesson 14 leaves it."""
    return write_solution(14, tmp_path)


@pytest.fixture
def migrated(project: Path, solution_database: Callable[[int], URL]) -> URL:
    """The test's own database, as the project's own `alembic upgrade head` leaves it (a copy: see conftest.py)."""
    return solution_database(14)


def test_channel_model_solution_passes(project: Path) -> None:
    feedback = check_channel_model(project)
    assert feedback.passed, feedback.message


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("models/youtube_model.py", ', name="fk_youtube_channel_id"', "", "has no name"),
        ("models/channel_model.py", "String(100), unique=True", "String(100)", "unique `name`"),
        (
            "models/channel_model.py",
            "    videos: Mapped[list[Youtube]] = relationship(order_by=Youtube.id)\n",
            "",
            "relationship",
        ),
        ("models/youtube_model.py", 'ForeignKey("channels.id", name="fk_youtube_channel_id")', "", "ForeignKey"),
        ("models/channel_model.py", '__tablename__ = "channels"', '__tablename__ = "channel"', "channels"),
    ],
)
def test_channel_model_usual_mistakes_get_their_hint(
    project: Path, file: str, old: str, new: str, expected: str
) -> None:
    replace_in(project / file, old, new)
    feedback = check_channel_model(project)
    assert feedback.passed is False and expected in feedback.message


def test_channel_model_not_imported_by_models_init_names_the_import(project: Path) -> None:
    (project / "models" / "__init__.py").write_text("")  # the learner's wrong answer: the package imports nothing
    feedback = check_channel_model(project)
    assert feedback.passed is False and "from models.channel_model import Channel" in feedback.message
    assert "models/__init__.py" in feedback.message


def test_channel_model_missing_file_says_which(project: Path) -> None:
    (project / "models" / "__init__.py").write_text("")
    (project / "models" / "channel_model.py").unlink()
    assert "no models/channel_model.py" in check_channel_model(project).message


def test_query_count_right_prediction_passes() -> None:
    assert check_query_count(4).passed


@pytest.mark.parametrize(
    ("answer", "expected"),
    [(1, "not loaded with the channels"), (2, "not loaded"), (3, "read the channels themselves"), (7, "count")],
)
def test_query_count_wrong_predictions_get_their_hint(answer: int, expected: str) -> None:
    feedback = check_query_count(answer)
    assert feedback.passed is False and expected in feedback.message


@pytest.mark.parametrize("answer", ["4", 4.0, " 4 "])
def test_query_count_right_in_any_spelling(answer: object) -> None:
    assert check_query_count(answer).passed is True


@pytest.mark.parametrize("answer", ["four", 4.5, True])
def test_query_count_not_an_int_asks_for_a_number(answer: object) -> None:
    feedback = check_query_count(answer)
    assert feedback.passed is False and "give a number" in feedback.message


def test_query_count_untouched_is_not_attempted() -> None:
    assert check_query_count(...).passed is None


def test_eager_solution_passes(project: Path, migrated: URL) -> None:
    feedback = check_eager(project, migrated)
    assert feedback.passed, feedback.message
    assert "2 SELECTs" in feedback.message


def test_eager_one_joined_select_is_singular(project: Path, migrated: URL) -> None:
    replace_in(project / "channels.py", "Session, selectinload", "Session, joinedload")
    replace_in(
        project / "channels.py",
        "selectinload(Channel.videos)).order_by(Channel.id)).all()",
        "joinedload(Channel.videos)).order_by(Channel.id)).unique().all()",
    )
    feedback = check_eager(project, migrated)
    assert feedback.passed and "sent 1 SELECT," in feedback.message, feedback.message


def test_eager_lazy_list_names_selectinload(project: Path, migrated: URL) -> None:
    replace_in(project / "channels.py", ".options(selectinload(Channel.videos))", "")
    feedback = check_eager(project, migrated)
    assert feedback.passed is False and "selectinload" in feedback.message


def test_eager_without_the_router_says_so(project: Path, migrated: URL) -> None:
    replace_in(project / "main.py", "app.include_router(channels_router)", "")
    feedback = check_eager(project, migrated)
    assert feedback.passed is False and "router" in feedback.message


def test_env_py_tables_leaves_alembics_own_imports_out(project: Path) -> None:
    """The fresh process runs env.py's imports but Alembic's (`from alembic import context`), which register no
    table and doubled its time; the tables come out the same."""
    env_py = project / "alembic" / "env.py"
    assert "from alembic import context" in env_py.read_text()
    env_py.write_text("import alembic.op\n" + env_py.read_text())
    lines = env_py_lines(project)
    assert "alembic" not in lines and "target_metadata" in lines
    assert env_py_tables(project) == ["channels", "youtube"]


def test_env_py_tables_does_not_wait_for_the_interpreters_teardown(project: Path) -> None:
    """The fresh process ends once it has listed the tables: Python's teardown took 0.2-0.4 s of the check."""
    models_init = project / "models" / "__init__.py"
    slow_teardown = "\nimport atexit\nimport time\n\natexit.register(time.sleep, 60)\n"
    models_init.write_text(models_init.read_text() + slow_teardown)
    started = time.monotonic()
    assert env_py_tables(project) == ["channels", "youtube"]
    assert time.monotonic() - started < 50  # importing the models takes seconds at most; the teardown over 60
