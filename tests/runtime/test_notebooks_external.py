"""The whole series against an external PostgreSQL that demands a password and TLS, as Neon does.

nbval checks the committed outputs against the embedded server; here each notebook whose behaviour depends on
DATABASE_URL runs again in a fresh kernel whose DATABASE_URL points at another server, and must finish without
an unexpected error.
"""

from __future__ import annotations

import os
import re

import nbformat
import pytest
import sqlalchemy as sa
from nbclient import NotebookClient

from lesson_app.config.settings import PROJECT_ROOT, normalize_url
from tests.helpers import lesson_number

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))

# What a notebook's code names when it reaches PostgreSQL other than through `create_app(lesson_database(...))`:
# an engine or session of its own, a URL it prints or parses, psql, Alembic, the settings' DATABASE_URL.
OWN_DATABASE_USE = re.compile(
    r"engine|session|database_url|plain_url|normalize_url|run_cli|psql|alembic|postgresql(\+\w+)?://", re.IGNORECASE
)


def reaches_the_database_itself(path) -> bool:
    """True when the notebook's code does more with the database than serve the lesson API from its own one."""
    notebook = nbformat.read(path, as_version=4)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    return bool(OWN_DATABASE_USE.search(code))


# The others (today 01-04 and 06) meet the database only through `create_app(lesson_database(...))`, the very
# code every notebook below runs first, here on the TLS server: running them again would check nothing new,
# and nbval has already run them on the embedded server.
DATABASE_NOTEBOOKS = [path for path in NOTEBOOKS if reaches_the_database_itself(path)]


def test_the_notebooks_that_name_database_url_are_among_those_run() -> None:
    """The selection keeps every notebook that reads DATABASE_URL or builds its own engine (it must not shrink)."""
    run = {lesson_number(path) for path in DATABASE_NOTEBOOKS}
    assert {"00", "05", "07", "07b", "08", "09", "09b", "10", "10b", "11", "12", "13", "14", "15"} <= run, sorted(run)


@pytest.fixture
def external_url(tls_server: dict) -> str:
    return (
        f"postgresql://postgres:postgres@127.0.0.1:{tls_server['port']}/postgres"
        "?sslmode=require&channel_binding=require"
    )


def test_every_notebook_runs_against_a_tls_database_url(external_url: str, tmp_path) -> None:
    # Lessons 12 and up build a project: in a folder of this test's own, so that nbval's run of lesson 12
    # later in the session still starts from an empty projects folder.
    env = {**os.environ, "DATABASE_URL": external_url, "PROJECTS_DIR": str(tmp_path / "projects")}
    failures = []
    for path in DATABASE_NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(
            notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        )
        try:
            client.execute(env=env)
        except Exception as exc:  # noqa: BLE001 - collect every notebook's failure, then report them all
            failures.append(f"{path.name}: {str(exc).strip().splitlines()[-1]}")
            continue
        if path.name.startswith("00_"):
            printed = " ".join(str(o.get("text", "")) for cell in notebook.cells for o in cell.get("outputs", []))
            assert "DATABASE_URL is set: the series uses that server" in printed
    assert not failures, "\n".join(failures)
    # The lessons really worked on that server: each made its own database there.
    engine = sa.create_engine(normalize_url(external_url))
    with engine.connect() as conn:
        names = set(conn.execute(sa.text("SELECT datname FROM pg_database")).scalars())
    engine.dispose()
    made = {name for name in names if name.startswith("postgres_")}
    assert len(made) >= len(DATABASE_NOTEBOOKS) - 1, sorted(made)
