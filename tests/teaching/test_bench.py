"""bench: where the suite's time goes (`--suite-ratio`), and each notebook next to the floor (`--notebooks`)."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import nbformat
import pytest

from lesson_app.teaching.bench import costliest_files, failures
from lesson_app.teaching.bench_notebooks import (
    FLOOR,
    LEAST,
    compile_bytecode,
    kernel_environment,
    print_series,
    run_notebook,
)

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


def _notebook(path: Path, source: str) -> Path:
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), path)
    return path


def _row(line: str) -> tuple[str, list[str]]:
    """A table row's name (which may hold spaces) and the figures after it."""
    name, _, figures = line.partition("  ")
    return name.strip(), figures.split()


def test_bench_notebooks_interleaves_floors_and_divides_by_the_floors_around_each(tmp_path: Path, capsys) -> None:
    """Two tiny notebooks and a failing one: each row's ratio is its seconds over the same run's floors around it."""
    quick = _notebook(tmp_path / "a_quick.ipynb", "x = 1")
    sleeps = _notebook(tmp_path / "b_sleeps.ipynb", "import time\ntime.sleep(1.5)")
    fails = _notebook(tmp_path / "c_fails.ipynb", "1 / 0")

    assert (
        print_series([quick, sleeps, fails], floor_every=2, compile_first=False) == 1
    )  # a failed cell fails the command

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["notebook", "seconds", "/", "floor", "kernel", "slowest", "cell"]
    rows = [_row(line) for line in lines[1:7]]
    # The runs in the order they ran: a floor first, after every 2nd notebook and last.
    assert [name for name, _ in rows] == [FLOOR, "a_quick", "b_sleeps", FLOOR, "c_fails", FLOOR]
    # A floor's row: seconds, kernel (start and shutdown: most of it), its one cell.
    floors = [float(figures[0]) for name, figures in rows if name == FLOOR]
    assert all(0 < float(figures[1]) < float(figures[0]) for name, figures in rows if name == FLOOR)
    # A lesson's row: seconds, ratio "x", kernel, slowest cell "#i" seconds "s"; its floor, the two around it.
    lessons = {name: figures for name, figures in rows if name != FLOOR}
    around = {"a_quick": floors[0:2], "b_sleeps": floors[0:2], "c_fails": floors[1:3]}
    local = {name: statistics.mean(pair) for name, pair in around.items()}
    for name, figures in lessons.items():
        assert float(figures[1]) == pytest.approx(float(figures[0]) / local[name], abs=0.01)
    # The sleep is in its cell's time and in its run's; kernel starts vary by seconds on a shared machine, so
    # the runs' totals are not compared with each other.
    seconds, _, _, kernel, cell_index, cell = lessons["b_sleeps"][:6]
    assert cell_index == "#0" and float(cell) >= 1.5 > float(lessons["a_quick"][5])
    assert float(seconds) == pytest.approx(float(kernel) + float(cell), abs=0.02)  # one cell: the rest is the kernel
    assert lessons["c_fails"][-3:] == ["(a", "cell", "failed)"] and "failed)" not in lessons["a_quick"]
    assert lines[7].startswith("floor: 3 runs in this run (median ")
    total = sum(float(figures[0]) for figures in lessons.values())
    series = re.fullmatch(r"series: 3 notebooks ([\d.]+) s, their floors ([\d.]+) s, ([\d.]+) x .*", lines[8])
    assert series, lines[8]
    expected = [total, sum(local.values()), total / sum(local.values())]  # from the rows above: this run's figures
    assert [float(figure) for figure in series.groups()] == pytest.approx(expected, abs=0.02)
    assert lines[8].endswith(("goal 1.2 x or less: pass", "goal 1.2 x or less: FAIL"))
    slowest = max(lessons, key=lambda name: float(lessons[name][1]))  # the highest ratio, not the most seconds
    assert lines[9].startswith(f"slowest: {slowest} {lessons[slowest][0]} s, {lessons[slowest][1]} x its floor")
    assert lines[9].endswith(("goal 1.5 x or less: pass", "goal 1.5 x or less: FAIL"))
    assert len(lines) == 10


def test_the_least_lesson_runs_first_and_last_and_is_not_counted_in_the_series(tmp_path: Path, capsys) -> None:
    """A lesson's start alone (a real database, server and request) runs around the series, outside its sums."""
    sleeps = _notebook(tmp_path / "a_sleeps.ipynb", "import time\ntime.sleep(0.5)")

    assert print_series([sleeps], floor_every=3, compile_first=False, least=True) == 0  # the start itself worked

    lines = capsys.readouterr().out.splitlines()
    rows = [_row(line) for line in lines[1:6]]
    assert [name for name, _ in rows] == [FLOOR, LEAST, "a_sleeps", LEAST, FLOOR]
    # The series is the one notebook: its seconds are the sum, not the least lesson's.
    series = re.fullmatch(r"series: 1 notebooks ([\d.]+) s, .*", lines[7])
    assert series and float(series.group(1)) == float(rows[2][1][0]), lines[7]
    assert lines[8].startswith("slowest: a_sleeps ")
    least = [figures[1] for name, figures in rows if name == LEAST]  # each run's ratio, as its row shows it
    assert lines[9] == f"least lesson: {least[0]}, {least[1]} x its floor" + lines[9].partition(" x its floor")[2]
    # No figure is compared with another: on a shared machine one floor took 4 s and the next 10 s.


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


def test_bench_kernels_write_bytecode_as_a_learners_python_does(tmp_path: Path, monkeypatch) -> None:
    """This machine sets PYTHONDONTWRITEBYTECODE; a learner's does not, and the bench times what a learner waits for."""
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    probe = _notebook(tmp_path / "probe.ipynb", "import sys\nassert not sys.dont_write_bytecode")
    assert run_notebook(probe, kernel_environment(), tmp_path).ok


def test_compile_bytecode_writes_each_modules_pyc(tmp_path: Path) -> None:
    (tmp_path / "package").mkdir()
    (tmp_path / "package" / "module.py").write_text("x = 1\n")
    compile_bytecode([tmp_path / "package"])
    assert [path.name.split(".")[0] for path in (tmp_path / "package" / "__pycache__").glob("*.pyc")] == ["module"]
