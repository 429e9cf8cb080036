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


# The tests must pass twice in a row; the learner's run_pytest just before, on the same files and rows, is the first.
def _stored(test_db: URL) -> int:
    return row_counts(plain_url(test_db)).get("youtube", 0)


def test_tests_run_twice_or_once_more_after_run_pytest(project: Path, app_db: URL, test_db: URL) -> None:
    run_pytest(project, plain_url(app_db), plain_url(test_db))
    one_run = _stored(test_db)  # what one run of the solution's tests stores
    assert one_run > 0
    feedback = check_tests(project, app_db, test_db)
    assert feedback.passed and "passed twice in a row" in feedback.message, feedback.message
    assert _stored(test_db) == 2 * one_run  # run_pytest counted as the first run: the checker ran one more
    engine = create_engine(test_db)
    with engine.begin() as conn:  # the rows changed: the last run no longer counts, and the checker runs two
        conn.execute(text("DELETE FROM youtube"))
    engine.dispose()
    assert check_tests(project, app_db, test_db).passed
    assert _stored(test_db) == 2 * one_run


FIXED_URL = """

def test_patch_changes_only_views(client):
    created = client.post("/videos", json={**new_video(), "url": "https://videos.example/patch-me"})
    assert created.status_code == 201
    response = client.patch(f"/videos/{created.json()['id']}", json={"views": 42})
    assert response.json()["views"] == 42 and response.json()["title"] == "Test video"
"""


@pytest.mark.parametrize("ran_before", [True, False], ids=["after run_pytest", "alone"])
def test_tests_that_pass_only_once_are_caught(
    ran_before: bool, project: Path, app_db: URL, test_db: URL, capsys: pytest.CaptureFixture[str]
) -> None:
    """A test that stores a fixed url passes once; the second run meets its own row (409), and the checker says so."""
    path = project / "tests" / "test_videos.py"
    path.write_text(path.read_text() + FIXED_URL)
    if ran_before:
        assert run_pytest(project, plain_url(app_db), plain_url(test_db)).returncode == 0  # the first run passes
    feedback = check_tests(project, app_db, test_db)
    assert feedback.passed is False
    assert "your tests passed once and failed when run again (1 failed, 3 passed" in feedback.message
    assert "make it unique in each run (uuid4)" in feedback.message
    assert "FAILED tests/test_videos.py::test_patch_changes_only_views" in capsys.readouterr().out  # shown above


def test_tests_failing_in_the_checkers_own_run_show_their_output(
    project: Path, app_db: URL, test_db: URL, capsys: pytest.CaptureFixture[str]
) -> None:
    run_pytest(project, plain_url(app_db), plain_url(test_db))
    replace_in(project / "tests" / "test_videos.py", "== 404", "== 200")  # changed after run_pytest
    feedback = check_tests(project, app_db, test_db)
    assert feedback.passed is False and "read its output above" in feedback.message
    assert "FAILED tests/test_videos.py::test_missing_video_answers_404" in capsys.readouterr().out


def test_tests_without_override_after_run_pytest_are_still_rejected(project: Path, app_db: URL, test_db: URL) -> None:
    replace_in(project / "tests" / "test_videos.py", "    app.dependency_overrides[get_db] = override_get_db\n", "")
    run_pytest(project, plain_url(app_db), plain_url(test_db))
    feedback = check_tests(project, app_db, test_db)
    assert feedback.passed is False and "dependency_overrides" in feedback.message


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
