"""Checkers for notebook 15 (async and tests): a prediction about concurrency, and the learner's own tests.

`check_tests` runs the learner's pytest in the project folder as a separate process, and reads both databases
before and after: tests that pass but wrote to the app's own database have no working override of get_db. The
tests must pass twice in a row: the learner's own `run_pytest` just before, on the same files, counts as the first.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL

from lesson_app.runtime.databases import plain_url
from lesson_app.teaching.checks import Feedback, correct, hint, waiting
from lesson_app.teaching.checks.guards import any_placeholder, same_keys
from lesson_app.teaching.restart import make_needs
from lesson_app.teaching.your_project.pytest_run import PytestRun, fresh_run, last_unchanged

# After a kernel restart, the cells that run the learner's tests say to run the first two code cells again.
needs = make_needs({"project": "The picture", "db_url": "The picture", "test_url": "The picture"})

EXPECTED = {"blocking-async": "one at a time", "blocking-def": "together", "awaiting": "together"}
WORDS = {
    "one at a time": ("one at a time", "one after another", "serial", "sequential", "in turn"),
    "together": ("together", "at once", "at the same time", "concurrent", "concurrently", "parallel", "side by side"),
}
WHY = {
    "blocking-async": "time.sleep inside async def holds the only event loop, so the ten requests take turns",
    "blocking-def": "FastAPI runs a def route in a worker thread, so ten threads sleep side by side",
    "awaiting": "await asyncio.sleep hands the loop back, so ten coroutines wait side by side",
}


def _meaning(answer: Any) -> str | None:
    words = str(answer).strip().lower().rstrip(".")
    return next((meaning for meaning, spellings in WORDS.items() if words in spellings), None)


def check_concurrency(prediction: Any) -> Feedback:
    """Check the prediction of which routes serve ten requests at once together, and which one at a time."""
    if any_placeholder(prediction):
        return waiting('"together" or "one at a time" for each of the three routes')
    if not same_keys(prediction, EXPECTED):
        return hint(f"keep the dictionary's keys as given ({', '.join(EXPECTED)}).")
    for route, expected in EXPECTED.items():
        meaning = _meaning(prediction[route])
        if meaning is None:
            return hint(f'{route}: answer "together" or "one at a time", not {prediction[route]!r}.')
        if meaning != expected:
            return hint(f"{route}: not {meaning}. Look at what the route does while it waits, then run the next cell.")
    return correct("; ".join(WHY.values()) + ".")


def _failed(run: PytestRun, again: bool) -> Feedback:
    """Show the failing run's output (the checker's own run printed nothing yet) and say what to do."""
    output = run.result.stdout.strip().splitlines() or ["(no output)"]
    print("\n".join(output[-30:]))  # the end: pytest's failures and its short summary
    if run.result.returncode == 5:
        return hint("pytest collected no tests: name the functions test_... in files named tests/test_*.py.")
    if again:
        return hint(
            f"your tests passed once and failed when run again ({output[-1]}, output above): a test that stores "
            "a fixed value, such as one url, finds its own row the next time; make it unique in each run (uuid4)."
        )
    return hint(f"pytest failed ({output[-1]}): read its output above, fix the test or the app, and run again.")


def check_tests(project: Path, database_url: URL | str, test_database_url: URL | str) -> Feedback:
    """Run the project's tests; check that they pass twice in a row, at least two of them, writing only to the test
    database. A `run_pytest` just before, on the same files and rows, counts as the first of the two runs."""
    app_url, test_url = (plain_url(u) if isinstance(u, URL) else u for u in (database_url, test_database_url))
    if not any((Path(project) / "tests").glob("test_*.py")):
        return hint("there is no tests/test_*.py in the project yet: write the test file first.")
    first = last_unchanged(Path(project), app_url, test_url) or fresh_run(Path(project), app_url, test_url)
    if first is not None and first.result.returncode != 0:
        return _failed(first, again=False)
    run = fresh_run(Path(project), app_url, test_url)
    if first is None or run is None:
        return hint("a database could not be read: run the notebook's first cells again, then this one.")
    if run.result.returncode != 0:
        return _failed(run, again=run.result.returncode != 5)
    (app_before, test_before), (app_after, test_after) = run.rows_before, run.rows_after
    last = (run.result.stdout.strip().splitlines() or ["(no output)"])[-1]
    if app_after.get("youtube") != app_before.get("youtube"):
        return hint(
            "the tests passed but wrote to the app's own database: override get_db with "
            "app.dependency_overrides[get_db] = override_get_db."
        )
    if test_after.get("youtube") == test_before.get("youtube"):
        return hint("the tests passed but stored nothing in the test database: does a test create a video?")
    counted = re.search(r"(\d+) passed", last)
    passed = int(counted.group(1)) if counted else 0
    if passed < 2:
        return hint(f"only {passed} test passed: write at least two (201 with Location, and 409 or 404).")
    return correct(
        f"{passed} tests passed twice in a row, and they wrote to the test database only, through the override."
    )
