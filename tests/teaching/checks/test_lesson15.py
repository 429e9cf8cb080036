"""The checkers of notebook 15 against the solution project, the usual wrong answers, and an untouched `...`.

check_tests runs the project's own pytest as a separate process, against two real databases.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from lesson_app.runtime.databases import plain_url
from lesson_app.teaching.checks.lesson15 import check_concurrency, check_tests
from lesson_app.teaching.your_project import run_pytest
from lesson_app.teaching.your_project.folder import write_solution
from lesson_app.teaching.your_project.pytest_run import row_counts
from tests.helpers import replace_in

RIGHT = {"blocking-async": "one at a time", "blocking-def": "together", "awaiting": "together"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The project as lesson 15 leaves it."""
    return write_solution(15, tmp_path)


# Two databases of the test's own, as the project's own `alembic upgrade head` leaves them (copies: see conftest.py).
@pytest.fixture
def app_db(solution_database: Callable[[int], URL]) -> URL:
    return solution_database(15)


@pytest.fixture
def test_db(solution_database: Callable[[int], URL]) -> URL:
    return solution_database(15)


def test_concurrency_right_prediction_passes() -> None:
    assert check_concurrency(RIGHT).passed
    assert check_concurrency({**RIGHT, "blocking-async": "One after another.", "awaiting": "at once"}).passed


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"blocking-async": "together"}, "blocking-async: not together"),
        ({"blocking-def": "one at a time"}, "blocking-def: not one at a time"),
        ({"awaiting": "fast"}, "not 'fast'"),
    ],
)
def test_concurrency_wrong_predictions_get_their_hint(changes: dict, expected: str) -> None:
    feedback = check_concurrency({**RIGHT, **changes})
    assert feedback.passed is False and expected in feedback.message


def test_concurrency_renamed_key_and_untouched() -> None:
    assert "keep the dictionary's keys" in check_concurrency({"def": "together"}).message
    assert check_concurrency(...).passed is None
    assert check_concurrency({**RIGHT, "awaiting": ...}).passed is None


def test_tests_solution_passes(project: Path, app_db: URL, test_db: URL) -> None:
    feedback = check_tests(project, app_db, test_db)
    assert feedback.passed, feedback.message


def test_tests_without_override_wrote_to_the_app_database(project: Path, app_db: URL, test_db: URL) -> None:
    replace_in(project / "tests" / "test_videos.py", "    app.dependency_overrides[get_db] = override_get_db\n", "")
    feedback = check_tests(project, app_db, test_db)
    assert feedback.passed is False and "dependency_overrides" in feedback.message


def test_tests_failing_assert_is_reported(project: Path, app_db: URL, test_db: URL) -> None:
    replace_in(project / "tests" / "test_videos.py", "== 409", "== 400")
    feedback = check_tests(project, app_db, test_db)
    assert feedback.passed is False and "1 failed" in feedback.message


def test_tests_none_collected(project: Path, app_db: URL, test_db: URL) -> None:
    path = project / "tests" / "test_videos.py"
    path.write_text(path.read_text().replace("def test_", "def check_"))
    assert "collected no tests" in check_tests(project, app_db, test_db).message


def test_tests_missing_file(project: Path, app_db: URL, test_db: URL) -> None:
    (project / "tests" / "test_videos.py").unlink()
    assert "no tests/test_*.py" in check_tests(project, app_db, test_db).message


# The learner's run_pytest just before the checker: judged as it is when nothing changed, run again otherwise.
def test_tests_right_after_run_pytest_judges_that_run(project: Path, app_db: URL, test_db: URL) -> None:
    run_pytest(project, plain_url(app_db), plain_url(test_db))
    rows = row_counts(plain_url(test_db))
    feedback = check_tests(project, app_db, test_db)
    assert feedback.passed, feedback.message
    assert row_counts(plain_url(test_db)) == rows  # a second run would have stored more videos


def test_tests_reused_run_without_override_is_still_rejected(project: Path, app_db: URL, test_db: URL) -> None:
    replace_in(project / "tests" / "test_videos.py", "    app.dependency_overrides[get_db] = override_get_db\n", "")
    run_pytest(project, plain_url(app_db), plain_url(test_db))
    rows = row_counts(plain_url(app_db))
    feedback = check_tests(project, app_db, test_db)
    assert feedback.passed is False and "dependency_overrides" in feedback.message
    assert row_counts(plain_url(app_db)) == rows  # judged from the run above, which wrote to the app's database


def test_tests_changed_after_run_pytest_run_again(project: Path, app_db: URL, test_db: URL) -> None:
    run_pytest(project, plain_url(app_db), plain_url(test_db))
    replace_in(project / "tests" / "test_videos.py", "    app.dependency_overrides[get_db] = override_get_db\n", "")
    feedback = check_tests(project, app_db, test_db)
    assert feedback.passed is False and "dependency_overrides" in feedback.message


def test_rows_changed_after_run_pytest_run_again(project: Path, app_db: URL, test_db: URL) -> None:
    run_pytest(project, plain_url(app_db), plain_url(test_db))
    engine = create_engine(test_db)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM youtube"))
    engine.dispose()
    feedback = check_tests(project, app_db, test_db)
    assert feedback.passed, feedback.message
    assert row_counts(plain_url(test_db))["youtube"] > 0  # the checker ran the tests again, which stored videos
