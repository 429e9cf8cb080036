"""bench --suite-ratio: where the suite's time goes, summed per file from pytest's own `--durations` table."""

from __future__ import annotations

from lesson_app.teaching.bench import costliest_files, failures

DURATIONS = """============================= slowest durations ==============================
12.50s call     tests/teaching/test_project_check.py::test_check_project_broken_fails_its_row[create_answers_200]
8.00s setup    tests/teaching/test_project_check.py::test_check_project_lesson13_solution_passes_every_row
11.53s call     notebooks/01_url_anatomy.ipynb::Cell 0
0.01s teardown tests/api/test_app.py::test_health_ok_with_a_database
3 passed in 33.00s
"""


def test_costliest_files_sums_each_files_phases_most_first() -> None:
    assert costliest_files(DURATIONS) == [
        ("tests/teaching/test_project_check.py", 20.5),
        ("notebooks/01_url_anatomy.ipynb", 11.53),
        ("tests/api/test_app.py", 0.01),
    ]


SUMMARY = """=========================== short test summary info ============================
FAILED tests/runtime/test_notebooks_external.py::test_every_notebook_runs_against_a_tls_database_url - AssertionError
ERROR tests/api/test_fuzz.py::test_schemathesis_finds_nothing_but_the_deliberate_500 - TimeoutError
FAILED notebooks/05_status_codes.ipynb::Cell 3
1 failed, 1 error, 3 passed in 33.00s
"""


def test_failures_names_each_failed_or_erroring_test() -> None:
    assert failures(SUMMARY) == [
        "tests/runtime/test_notebooks_external.py::test_every_notebook_runs_against_a_tls_database_url",
        "tests/api/test_fuzz.py::test_schemathesis_finds_nothing_but_the_deliberate_500",
        "notebooks/05_status_codes.ipynb::Cell 3",
    ]
    assert failures(DURATIONS) == []
