"""No way of running the tests touches a learner's rows: each real command runs against a "learner" server.

The learner is a private embedded server with a marker row in its `rj_10_crud` database and in its main one.
Each test runs a real pytest command in a subprocess with the learner's settings in the way (exported
PG_DIR, DATABASE_URL and DIRECT_DATABASE_URL naming the learner's server, or a `.env` naming it), then checks
that the learner's server holds exactly the databases and rows it held before.

The commands run in this checkout (its working tree, not a clone of the last commit, so a change is tested
before it is committed) and share this session's test server, which is already running: no child pays for
starting one. The two that must also show who starts and stops the tests' server run in a copy of the working
tree. The `.env` case runs from a temporary folder with `-c`/`--rootdir`, because the checkout's own `.env` may
be a real learner's and must not be written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from lesson_app import lesson_database, plain_url, server_url
from lesson_app.config.settings import PROJECT_ROOT, TEST_RUN_VARIABLE, override_settings
from lesson_app.runtime import embedded, migrations, pytest_isolation
from lesson_app.runtime.ports import free_port
from lesson_app.runtime.pytest_isolation import LEARNER_DATABASE_VARIABLES
from tests.conftest import copy_data_folder

PYTEST = str(Path(sys.executable).parent / "pytest")  # the `pytest` a learner types, from this environment
MARKER = "INSERT INTO youtube (title, url, channel) VALUES ('the learner''s own row', 'https://me.example/1', 'me')"


@dataclass(frozen=True)
class Learner:
    """The learner's server: its folder, its main database's URL, and what it holds."""

    pg_dir: Path
    main_url: URL

    def snapshot(self) -> dict[str, object]:
        """Return every database on the server and every row of the two marked tables."""
        found: dict[str, object] = {}
        for database in ("postgres", "rj_10_crud", self.main_url.database):
            engine = sa.create_engine(self.main_url.set(database=database), poolclass=NullPool)
            with engine.connect() as conn:
                if database == "postgres":
                    found["databases"] = sorted(conn.execute(sa.text("SELECT datname FROM pg_database")).scalars())
                else:
                    found[database] = conn.execute(sa.text("SELECT * FROM youtube ORDER BY id")).all()
            engine.dispose()
        return found


@pytest.fixture(scope="module")
def learner(template_url: URL, pg_data_template: Path) -> Iterator[Learner]:
    """A learner's own embedded server with marked rows; `template_url` has the tests' server running."""
    root = Path(tempfile.mkdtemp(prefix="rj-learner-"))
    root.chmod(0o755)  # the PostgreSQL system user (when we are root) must enter it
    copy_data_folder(pg_data_template, root / "pg")  # the run's initdb, copied: initdb is not what is tested here
    # database_url=None: in a run on a server by URL (TEST_DATABASE_URL), the learner's is still the embedded one.
    with override_settings(pg_dir=root / "pg", pg_port=free_port(), database_url=None):
        lesson_url, main_url = lesson_database("10_crud"), server_url()
        migrations.upgrade(main_url)
    for url in (lesson_url, main_url):
        engine = sa.create_engine(url, poolclass=NullPool)
        with engine.begin() as conn:
            conn.execute(sa.text(MARKER))
        engine.dispose()
    yield Learner(pg_dir=root / "pg", main_url=main_url)
    embedded.stop(pg_dir=root / "pg")
    shutil.rmtree(root, ignore_errors=True)


def learner_environment(learner: Learner, *, pg_dir: bool = True, database_url: bool = True) -> dict[str, str]:
    """The environment of a learner's terminal: this session's redirect removed, the learner's settings added."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PG_DIR", "TESTS_PG_DIR", "TEST_DATABASE_URL", TEST_RUN_VARIABLE, *LEARNER_DATABASE_VARIABLES)
    }
    if pg_dir:
        env["PG_DIR"] = str(learner.pg_dir)
    if database_url:
        for name in LEARNER_DATABASE_VARIABLES:
            env[name] = plain_url(learner.main_url)
    return env


def run_pytest(args: list[str], env: dict[str, str], cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    result = subprocess.run([PYTEST, "-q", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return result


# Every run below exports PG_DIR, DATABASE_URL and DIRECT_DATABASE_URL naming the learner's server, and each
# alone would lead a run there: a plugin that forgot DATABASE_URL would use the learner's server through it, and one
# that forgot PG_DIR (but dropped DATABASE_URL) would start or reuse the embedded server in the learner's folder.
# Either way a database or a row changes on the learner's server, so one run with all of them exported checks each.
# Two more ways of running (one test file, and -k over everything) run in `project_copy` below, where the same run
# also shows who stops the tests' server.
WAYS = {
    "one notebook": ["notebooks/10_crud.ipynb"],
    # The whole folder as pytest's argument (so its conftest and plugins load exactly as for `pytest notebooks`),
    # with -k keeping only lesson 10: nbval starts no kernel for the notebooks -k leaves out.
    "the notebooks folder": ["notebooks", "-k", "10_crud"],
}


@pytest.mark.parametrize("args", WAYS.values(), ids=WAYS.keys())
def test_a_test_run_leaves_the_learners_rows_alone(learner: Learner, args: list[str]) -> None:
    before = learner.snapshot()
    result = run_pytest(args, learner_environment(learner))
    assert " passed" in result.stdout
    assert learner.snapshot() == before


def test_a_dotenv_naming_the_learners_database_is_ignored(learner: Learner, tmp_path: Path) -> None:
    url = plain_url(learner.main_url)
    (tmp_path / ".env").write_text(f"DATABASE_URL={url}\nDIRECT_DATABASE_URL={url}\n")
    before = learner.snapshot()
    project = ["-c", str(PROJECT_ROOT / "pyproject.toml"), "--rootdir", str(PROJECT_ROOT)]
    test = f"{PROJECT_ROOT / 'tests' / 'api' / 'test_app.py'}::test_health_ok_with_a_database"
    run_pytest([*project, test], learner_environment(learner, pg_dir=False, database_url=False), cwd=tmp_path)
    assert learner.snapshot() == before


def test_test_database_url_chooses_the_tests_server(learner: Learner, tmp_path: Path) -> None:
    # An instructor's deliberate choice (a CI service): the tests then make their databases on that server.
    env = learner_environment(learner, pg_dir=False, database_url=False)
    env["TEST_DATABASE_URL"] = plain_url(learner.main_url)
    run_pytest(["tests/api/test_app.py::test_health_ok_with_a_database"], env)
    assert f"{learner.main_url.database}_test_template" in learner.snapshot()["databases"]


@pytest.fixture
def project_copy(pg_data_template: Path) -> Iterator[Path]:
    """A copy of this checkout's working tree: a project whose tests' server folder is its own, not this run's."""
    root = Path(tempfile.mkdtemp(prefix="rj-copy-"))
    root.chmod(0o755)  # the PostgreSQL system user (when we are root) must enter it
    # Its tests' server stopped but with a data folder, as in a checkout that ran the tests before: the runs below
    # start it (or find it running) without paying initdb, which is not what they test.
    copy_data_folder(pg_data_template, root / ".postgres" / "tests")
    skip = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    for name in ("lesson_app", "tests", "alembic", "notebooks", "data"):
        shutil.copytree(PROJECT_ROOT / name, root / name, ignore=skip)
    # README.md too: tests/deploy/test_teaching_a_class.py reads it when collected, and `-k` collects everything.
    for name in ("pyproject.toml", "alembic.ini", "README.md"):
        shutil.copy2(PROJECT_ROOT / name, root / name)
    yield root
    embedded.stop(pg_dir=root / ".postgres" / "tests")
    shutil.rmtree(root, ignore_errors=True)


def test_a_run_stops_the_tests_server_it_started_and_no_other(project_copy: Path, learner: Learner) -> None:
    # Each pytest run here is also a way of running the tests in a learner's terminal (one test file; -k over
    # everything), with the learner's settings exported: it must leave the learner's rows alone too.
    learners_terminal = learner_environment(learner)
    # The terminal this run was started from, without the redirect pytest_isolation added (DATABASE_URL too, in a
    # run on a server by URL), so `db start|status|stop` below are about the copy's embedded tests' server.
    redirect = ("PG_DIR", "TESTS_PG_DIR", "TEST_DATABASE_URL", TEST_RUN_VARIABLE, *LEARNER_DATABASE_VARIABLES)
    env = {key: value for key, value in os.environ.items() if key not in redirect}
    tests_server = project_copy / ".postgres" / "tests"
    before = learner.snapshot()

    def run(*args: str, environment: dict[str, str] = env, **extra: str) -> subprocess.CompletedProcess:
        # `python -m` from the copy imports the copy's lesson_app, so its PROJECT_ROOT is the copy.
        return subprocess.run(
            [sys.executable, "-m", *args],
            cwd=project_copy,
            env={**environment, **extra},
            capture_output=True,
            text=True,
            timeout=300,
        )

    one_file = run("pytest", "-q", "tests/api/test_app.py", environment=learners_terminal)
    assert one_file.returncode == 0 and " passed" in one_file.stdout, one_file.stdout[-3000:]
    assert embedded.status(tests_server) is None  # this run started it, so this run stopped it
    assert learner.snapshot() == before

    # A server already running when a run begins (left by a killed run, or an outer run's) is not its to stop.
    assert run("lesson_app", "db", "start", PG_DIR=str(tests_server)).returncode == 0
    left = embedded.status(tests_server)
    by_name = run("pytest", "-q", "-k", "test_health_ok_with_a_database", environment=learners_terminal)
    assert by_name.returncode == 0 and "1 passed" in by_name.stdout, by_name.stdout[-3000:]
    assert embedded.status(tests_server) == left
    assert learner.snapshot() == before

    status = run("lesson_app", "db", "status")
    assert f"The tests' own PostgreSQL is still running on 127.0.0.1:{left.port} (pid {left.pid})" in status.stdout
    assert "`python -m lesson_app db stop` stops it" in status.stdout
    stopped = run("lesson_app", "db", "stop")
    assert f"The tests' own PostgreSQL (port {left.port})" in stopped.stdout
    assert embedded.status(tests_server) is None


@pytest.mark.parametrize("worker", [False, True], ids=["a run", "a pytest-xdist worker"])
def test_only_the_run_that_found_the_server_stopped_stops_it_never_a_worker(worker: bool) -> None:
    # A worker may find the server stopped (the first to need it starts it), but the others may still be using it.
    for found_stopped in (False, True):
        config = SimpleNamespace(stash=pytest.Stash(), **({"workerinput": {"workerid": "gw0"}} if worker else {}))
        config.stash[pytest_isolation.STARTED_HERE] = found_stopped
        assert pytest_isolation.stops_the_server(config) is (found_stopped and not worker)  # type: ignore[arg-type]
