"""The whole series against an external PostgreSQL that demands a password and TLS, as Neon does.

nbval checks the committed outputs against the embedded server; here each notebook whose behaviour depends on
DATABASE_URL runs again in a fresh kernel whose DATABASE_URL points at another server, and must finish without
an unexpected error.
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

import nbformat
import pytest
import sqlalchemy as sa
from nbclient import NotebookClient

from lesson_app.config.settings import PROJECT_ROOT, normalize_url
from tests.helpers import lesson_number

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))

# What can differ on an external server is the URL's text (its user, password, host, database name and
# `?sslmode=require&channel_binding=require`) and what the role may do. A notebook meets that text when its code reads
# the settings' DATABASE_URL, renders or parses a URL, or hands one to another program (psql, Alembic, the command
# line, the learner's own project in lessons 12 to 15, which reads DATABASE_URL itself).
READS_THE_URL = re.compile(r"database_url|plain_url|normalize_url|run_cli|psql|alembic", re.IGNORECASE)


def code_of(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")


# Every other notebook meets the database only as the URL object `lesson_database(...)` returns, handed to
# create_app, to an engine (create_engine, make_engine) or to a checker that makes an engine of it, and reads only its
# host, port and database name. SQLAlchemy connects such an engine exactly as create_app's own, with the URL's
# TLS and password parameters, and the SQL it then sends is the same on any PostgreSQL: the notebooks run below make
# their engines from the same URL (lesson 10's sessions, lesson 13's checker), and nbval runs every notebook on the
# embedded server. Running them here again would check nothing new (05, 05b, 07b, 08, 10b and 11 ran here until
# the URL's text was found to be the difference: six kernels, a quarter of one nbval pass).
# test_the_notebooks_left_out_use_the_database_only_through_lesson_database keeps this true as the notebooks change.
DATABASE_NOTEBOOKS = [path for path in NOTEBOOKS if READS_THE_URL.search(code_of(path))]
LEFT_OUT = [path for path in NOTEBOOKS if path not in DATABASE_NOTEBOOKS]

# The ways a left-out notebook may use `db_url`: make it, serve it, make an engine of it, give it to a checker, or
# print its host, port or database name.
URL_OBJECT_USE = re.compile(
    r"db_url = lesson_database\(|(create_app|create_engine|make_engine)\(db_url[,)]|db_url\.(host|port|database)\b"
    r"|needs\((\"\w+\", )*\"db_url\"|check_\w+\(\w+, db_url\)"
)


def test_the_notebooks_that_read_the_url_are_among_those_run() -> None:
    """The selection keeps every notebook that reads DATABASE_URL or gives a URL to another program."""
    run = {lesson_number(path) for path in DATABASE_NOTEBOOKS}
    assert {"00", "07", "09", "09b", "10", "12", "13", "14", "15"} <= run, sorted(run)


@pytest.mark.parametrize("path", LEFT_OUT, ids=[path.stem for path in LEFT_OUT])
def test_the_notebooks_left_out_use_the_database_only_through_lesson_database(path: Path) -> None:
    code = code_of(path)
    assert code.count("lesson_database(") == 1, f"{path.name}: one database, the lesson's own"
    for line in code.splitlines():
        uses = len(re.findall(r"\bdb_url\b", line))
        assert uses == len(URL_OBJECT_USE.findall(line)), f"{path.name}: {line.strip()}"


@pytest.fixture
def external_url(tls_server: dict) -> str:
    return (
        f"postgresql://postgres:postgres@127.0.0.1:{tls_server['port']}/postgres"
        "?sslmode=require&channel_binding=require"
    )


# Lessons 12 to 15 build one project in turn (each starts from what the one before left), so they run in order in
# one kernel lane; every other lesson has its own database and its own server port, so two lanes run side by side:
# the notebooks wait on servers and subprocesses as much as they compute, and CI's machine has two cores.
LANES = 2
PROJECT_CHAIN = [path for path in DATABASE_NOTEBOOKS if lesson_number(path) >= "12"]


def notebook_jobs() -> list[list[Path]]:
    """Return the runs to make, each a list of notebooks for one lane in order: the project chain first (longest)."""
    return [PROJECT_CHAIN] + [[path] for path in DATABASE_NOTEBOOKS if path not in PROJECT_CHAIN]


async def run_notebook(path: Path, env: dict[str, str]) -> str:
    """Run one notebook in a fresh kernel; return '' or its failure, and check what lesson 00 printed."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    try:
        await client.async_execute(env=env)
    except Exception as exc:  # noqa: BLE001 - collect every notebook's failure, then report them all
        return f"{path.name}: {str(exc).strip().splitlines()[-1]}"
    if path.name.startswith("00_"):
        printed = " ".join(str(o.get("text", "")) for cell in notebook.cells for o in cell.get("outputs", []))
        if "DATABASE_URL is set: the series uses that server" not in printed:
            return f"{path.name}: did not say that DATABASE_URL is set"
    return ""


async def run_in_lanes(jobs: list[list[Path]], env: dict[str, str]) -> list[str]:
    """Run the jobs in LANES concurrent lanes; return every failure."""
    queue: asyncio.Queue[list[Path]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    failures: list[str] = []

    async def lane() -> None:
        while not queue.empty():
            for path in queue.get_nowait():
                failures.append(await run_notebook(path, env))

    await asyncio.gather(*(lane() for _ in range(LANES)))
    return [failure for failure in failures if failure]


def test_the_project_chain_runs_in_order_in_one_lane() -> None:
    jobs = notebook_jobs()
    assert [lesson_number(path) for path in jobs[0]] == ["12", "13", "14", "15"]
    assert sorted(path for job in jobs for path in job) == DATABASE_NOTEBOOKS


def test_every_notebook_runs_against_a_tls_database_url(external_url: str, tmp_path) -> None:
    # Lessons 12 and up build a project: in a folder of this test's own, so that nbval's run of lesson 12
    # later in the session still starts from an empty projects folder.
    env = {**os.environ, "DATABASE_URL": external_url, "PROJECTS_DIR": str(tmp_path / "projects")}
    failures = asyncio.run(run_in_lanes(notebook_jobs(), env))
    assert not failures, "\n".join(failures)
    # The lessons really worked on that server: each made its own database there.
    engine = sa.create_engine(normalize_url(external_url))
    with engine.connect() as conn:
        names = set(conn.execute(sa.text("SELECT datname FROM pg_database")).scalars())
    engine.dispose()
    made = {name for name in names if name.startswith("postgres_")}
    assert len(made) >= len(DATABASE_NOTEBOOKS) - 1, sorted(made)
