"""Run the learner's tests with `pytest` in the project folder, in a process of its own, as a terminal there would.

Each run is remembered with the project's files and the row counts of both databases before and after it, so a
checker called right after (lesson 15's `check_tests`) knows whether the tests already ran once on exactly these
files: it always runs them again itself, since a suite must pass twice in a row (a test that stores a fixed url
passes once and then meets its own row).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from lesson_app.config.settings import normalize_url

# The series' own pytest plugins, installed beside the learner's project but not used by it: pytest loads every
# installed plugin at start, and these three import nbformat, jsonschema and Hypothesis, which made each run of
# the learner's tests take about ten times as long to start (4.5 s against 0.5 s on the machine measured).
SERIES_PLUGINS = ("nbval", "schemathesis", "hypothesispytest")
# Folders pytest never collects from (its default norecursedirs) and caches a run itself writes.
SKIPPED = ("__pycache__", "venv", "node_modules", "build", "dist")

Rows = dict[str, int]  # table name -> rows, for every table of the public schema


@dataclass(frozen=True)
class PytestRun:
    """One run: the folder's files, both databases' rows before and after it, and what pytest returned."""

    urls: tuple[str, str]
    files: str
    rows_before: tuple[Rows, Rows]
    rows_after: tuple[Rows, Rows]
    result: subprocess.CompletedProcess


_last: dict[Path, PytestRun] = {}  # the last complete run in each folder


def files_digest(folder: Path) -> str:
    """Return a digest of every file pytest could read in `folder` (paths and contents; caches left out)."""
    digest = hashlib.sha256()
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if name not in SKIPPED and not name.startswith("."))
        for name in sorted(names):
            path = Path(root, name)
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def row_counts(url: str) -> Rows:
    """Count the rows of every table in the database's public schema."""
    engine = create_engine(normalize_url(url), connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            tables = conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).all()
            return {table: conn.scalar(text(f'SELECT count(*) FROM public."{table}"')) for table in tables}
    finally:
        engine.dispose()


def _counts(urls: tuple[str, str]) -> tuple[Rows, Rows] | None:
    try:
        return row_counts(urls[0]), row_counts(urls[1])
    except SQLAlchemyError:  # a database that cannot be read: the run is not remembered, nothing else changes
        return None


def _pytest(folder: Path, urls: tuple[str, str]) -> subprocess.CompletedProcess:
    # MY_API_: the series' own tests read TEST_DATABASE_URL; the learner's variable must never be taken for it.
    env = {**os.environ, "DATABASE_URL": urls[0], "MY_API_TEST_DATABASE_URL": urls[1]}
    unloaded = [option for name in SERIES_PLUGINS for option in ("-p", f"no:{name}")]
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--color=no", *unloaded],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def _run(folder: Path, urls: tuple[str, str]) -> PytestRun | subprocess.CompletedProcess:
    key, files, before = folder.resolve(), files_digest(folder), _counts(urls)
    _last.pop(key, None)
    result = _pytest(folder, urls)
    after = _counts(urls)
    if before is None or after is None or files_digest(folder) != files:
        return result  # a file changed during the run, or a database could not be counted: nothing to reuse
    _last[key] = PytestRun(urls, files, before, after, result)
    return _last[key]


def run_pytest(folder: Path, database_url: str, test_database_url: str) -> subprocess.CompletedProcess:
    """Run `python -m pytest -q` in the project folder, as a terminal there would, with both URLs set."""
    run = _run(Path(folder), (database_url, test_database_url))
    return run.result if isinstance(run, PytestRun) else run


def last_unchanged(folder: Path, database_url: str, test_database_url: str) -> PytestRun | None:
    """Return the last run in `folder` if nothing changed since (URLs, files, row counts), else None."""
    folder, urls = Path(folder), (database_url, test_database_url)
    last = _last.get(folder.resolve())
    unchanged = last is not None and last.urls == urls and last.files == files_digest(folder)
    return last if last is not None and unchanged and last.rows_after == _counts(urls) else None


def fresh_run(folder: Path, database_url: str, test_database_url: str) -> PytestRun | None:
    """Run pytest again and return the run with its row counts; None when a database cannot be counted."""
    run = _run(Path(folder), (database_url, test_database_url))
    return run if isinstance(run, PytestRun) else None
