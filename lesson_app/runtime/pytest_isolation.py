"""A pytest plugin that keeps every test run off the learner's databases; pyproject's `addopts` loads it.

It is a plugin named with `-p`, not a conftest.py, because pytest loads it for every run that reads the
project's settings (one notebook, the notebooks folder, a test file, `-k`, even `--noconftest` or a
`--confcutdir` below the root) and before any conftest or test module is imported. It writes the redirect
into the environment itself, so the notebook kernels nbval starts and every subprocess see it too, and it
tells the settings there to read no `.env` file, so a learner's `.env` is ignored as well.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import MutableMapping

import pytest

from lesson_app.config.settings import TEST_RUN_VARIABLE, TESTS_PG_DIR, get_settings

# What a test run ignores from the learner's environment and `.env` files.
LEARNER_DATABASE_VARIABLES = ("DATABASE_URL", "DIRECT_DATABASE_URL", "CLASS_DATABASE_URL")
STARTED_HERE = pytest.StashKey[bool]()
_PROJECTS_DIR = pytest.StashKey[str]()


def isolate(environ: MutableMapping[str, str]) -> None:
    """Point `environ` at the tests' own server, whatever the learner exported or wrote in `.env`.

    An instructor who wants the tests on another server (a CI service) sets TEST_DATABASE_URL, which
    becomes the tests' DATABASE_URL.
    """
    environ[TEST_RUN_VARIABLE] = "1"  # the settings read no `.env` file
    environ["PG_DIR"] = str(TESTS_PG_DIR)
    # Blank: inside a test run, `db status` and `db stop` (run by tests, on private servers) must never report
    # or stop this run's own server as "left behind".
    environ["TESTS_PG_DIR"] = ""
    # Removed, not blanked: lesson 07 reads an example .env with Settings(_env_file=...), which an
    # environment variable, even an empty one, would override.
    for name in LEARNER_DATABASE_VARIABLES:
        environ.pop(name, None)
    if environ.get("TEST_DATABASE_URL"):
        environ["DATABASE_URL"] = environ["TEST_DATABASE_URL"]
    # Lessons 12 and up build a project in the learner's projects/ folder; a test run builds it in a fresh
    # folder of its own, so it never replaces a learner's files and every run starts from empty as a learner does.
    environ["PROJECTS_DIR"] = tempfile.mkdtemp(prefix="rj-projects-")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    isolate(os.environ)
    early_config.stash[_PROJECTS_DIR] = os.environ["PROJECTS_DIR"]
    get_settings.cache_clear()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's controller starts workers, which may start the server
def pytest_sessionstart(session: pytest.Session) -> None:
    from lesson_app.runtime import embedded

    session.config.stash[STARTED_HERE] = embedded.status(TESTS_PG_DIR) is None


def stops_the_server(config: pytest.Config) -> bool:
    """Say whether this pytest process stops the tests' server at the end: the one whose session found it stopped.

    A pytest-xdist worker never does, even when it found the server stopped: other workers may still use it. The
    controller, whose session starts before the workers' and ends after theirs, does.
    """
    return config.stash.get(STARTED_HERE, False) and not hasattr(config, "workerinput")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the tests' server if this run started it, so no PostgreSQL is left running after the tests."""
    projects = session.config.stash.get(_PROJECTS_DIR, None)
    if projects:
        shutil.rmtree(projects, ignore_errors=True)
    if not stops_the_server(session.config):
        return  # it was already running (an outer run, a run alongside), or this is a worker: not ours to stop
    from lesson_app.runtime import embedded

    try:
        embedded.stop(pg_dir=TESTS_PG_DIR)
    except embedded.EmbeddedDatabaseError as exc:
        print(
            f"\nThe tests' PostgreSQL is still running ({exc}): `python -m lesson_app db stop` stops it.",
            file=sys.stderr,
        )
