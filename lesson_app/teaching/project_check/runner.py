"""check_project: grade a learner's FastAPI + PostgreSQL project folder on a fresh database, as separate processes."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import URL

from lesson_app.runtime.databases import create_database, drop_database, plain_url, server_url
from lesson_app.teaching import progress
from lesson_app.teaching.project_check import api_rows, change_rows, server_rows
from lesson_app.teaching.project_check.async_routes import async_note
from lesson_app.teaching.project_check.check_database import stores_url
from lesson_app.teaching.project_check.migration_rows import BARE_URL_HINT, check_migrations
from lesson_app.teaching.project_check.probe import Probe
from lesson_app.teaching.project_check.process import START_TIMEOUT, ProjectServer, ServerStartError, project_env
from lesson_app.teaching.project_check.scorecard import ROWS, Scorecard

NEEDED = ("main.py", "alembic.ini", "alembic/env.py")
ELSEWHERE_HINT = (
    "POST /videos stored the row in a database other than the one in DATABASE_URL: in config/database.py, "
    "create the engine from os.environ['DATABASE_URL'] instead of a pasted URL."
)


def folder_hint(path: Path) -> str:
    """Say where the check looked when nothing is there: a relative path is read from the working folder."""
    state = "is empty" if path.is_dir() else "does not exist"
    return (
        f"looked in {path}, which {state}: give your project folder, `../projects/my_api` from a notebook, or "
        "`check_project(project_folder())` with `from lesson_app.teaching.your_project import project_folder`."
    )


def check_files(card: Scorecard, path: Path) -> bool:
    """Say whether the folder holds main.py, alembic.ini and alembic/env.py."""
    if not path.is_dir() or not any(path.iterdir()):
        return card.add("project files", False, folder_hint(path))
    missing = [name for name in NEEDED if not (path / name).is_file()]
    hint = (
        f"{path} has no {', '.join(missing)}: give the project folder (where main.py is), after `alembic init alembic`."
    )
    return card.add("project files", not missing, hint)


def start_hint(exc: ServerStartError, log: str) -> str:
    """Say why `uvicorn main:app` did not start, naming the usual cause when the log shows it."""
    if "No module named 'psycopg'" in log:
        return BARE_URL_HINT
    if 'Attribute "app" not found' in log:
        return "main.py has no `app`: define app = FastAPI() at the top level of main.py."
    return f"{exc}: read the log below, fix the error, and check again."


# The rows that run once create has made a row, each with its step, in the order they run.
ROW_STEPS: tuple[tuple[str, Callable[[Probe, dict[str, Any]], None]], ...] = (
    ("duplicate url: 409", lambda probe, row: api_rows.check_duplicate(probe)),
    ("PATCH changes only what was sent", change_rows.check_patch),
    ("PATCH views -5: 422", change_rows.check_patch_negative),
    ("PATCH title null: 422", change_rows.check_patch_null),
    ("DELETE: 204, then 404", lambda probe, row: change_rows.check_delete(probe)),
    ("list is bounded", lambda probe, row: change_rows.check_list(probe)),
    ("row survives a restart", server_rows.check_restart),
)


def check_api(card: Scorecard, server: ProjectServer, db_url: URL) -> None:
    """Run the HTTP rows the card expects against the running server, then the session and restart rows."""
    with httpx.Client() as client:
        probe = Probe(card, server, client)
        row = api_rows.check_create(probe)
        if row and not stores_url(db_url, api_rows.NEW["url"]):  # stop before more rows land in another database
            card.add("create: 201 + Location", False, ELSEWHERE_HINT)
            card.skip_remaining("the server stores its rows in another database")
            return
        if card.wants("missing id: 404"):
            api_rows.check_missing(probe)
        if card.wants("invalid body: 422"):
            api_rows.check_invalid(probe)
        if card.wants("sessions are closed"):
            server_rows.check_sessions(probe, db_url, row["id"] if row else api_rows.MISSING_ID)
        if row is None:
            card.skip_remaining("POST /videos did not create a row")
            return
        for name, step in ROW_STEPS:
            if card.wants(name):
                step(probe, row)


def check_on(card: Scorecard, path: Path, db_url: URL, workdir: Path, start_timeout: float) -> None:
    """Migrate the fresh database with the project's own Alembic, then start its server and call it."""
    env = project_env(plain_url(db_url))
    server = ProjectServer(path, env, workdir / "server.log", start_timeout)
    try:  # stopped even when the check is interrupted (Ctrl+C) while the server starts
        if card.wants("server starts"):  # not when only rows about files and migrations were asked for
            server.warm()  # the server's imports run while the migrations do
        if not check_migrations(card, path, env, db_url):
            card.skip_remaining("alembic upgrade head failed")
            return
        if not card.wants("server starts"):
            return
        server.start(spare=card.wants("row survives a restart"))
        card.add("server starts", True)
        check_api(card, server, db_url)
    except ServerStartError as exc:
        card.add("server starts", False, start_hint(exc, server.log_tail()), server.log_tail())
        card.skip_remaining("the server did not start")
    finally:
        server.close()


def expected_rows(only: Iterable[str] | None) -> tuple[str, ...]:
    """Return the rows a check records: those asked for and the rows they stand on, in the scorecard's order."""
    if only is None:
        return ROWS
    asked = {only} if isinstance(only, str) else set(only)
    if unknown := asked - set(ROWS):
        raise ValueError(f"unknown scorecard rows {sorted(unknown)}: choose from ROWS")
    if asked - {"project files"}:  # every later row needs the files and a migrated database
        asked |= {"project files", "alembic upgrade head"}
    if asked & set(ROWS[ROWS.index("create: 201 + Location") : ROWS.index("migrations match models")]):
        asked |= {"server starts", "create: 201 + Location"}  # the API rows need the server and the created row
    return tuple(name for name in ROWS if name in asked)


def check_project(
    path: str | os.PathLike[str], *, start_timeout: float = START_TIMEOUT, only: Iterable[str] | None = None
) -> Scorecard:
    """Check the project in `path` on a fresh database of its own, and return the scorecard.

    The project's own `alembic` and `uvicorn main:app` run as separate processes with DATABASE_URL set to a
    database made for this check on the series' server, which is dropped at the end. A server that does not
    answer within `start_timeout` seconds fails the "server starts" row with the end of its log. `only` names
    rows of ROWS to check (with the rows they stand on) and leaves out the steps of the others.
    """
    folder = Path(path).expanduser().resolve()
    card = Scorecard(folder, expected_rows(only))
    if not check_files(card, folder):
        card.skip_remaining("the project files are missing")
        progress.record_scorecard(card)
        return card
    if note := async_note(folder):
        card.notes.append(note)
    db_url = server_url("postgres").set(database=f"rj_check_{uuid.uuid4().hex[:12]}")
    create_database(db_url)
    try:
        with tempfile.TemporaryDirectory(prefix="rj-check-") as workdir:
            check_on(card, folder, db_url, Path(workdir), start_timeout)
    finally:
        drop_database(db_url)
    progress.record_scorecard(card)  # one attempt per row, when a class database is configured
    return card
