"""The checker's processes: the learner's `uvicorn main:app`, waited for without taking the CPU it needs."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import httpx

from lesson_app import check_project
from lesson_app.runtime.databases import create_database, drop_database, plain_url, server_url
from lesson_app.teaching.project_check import migration_rows
from lesson_app.teaching.project_check.process import GUARD, AlembicRun, ProjectServer, project_env, run_alembic
from lesson_app.teaching.your_project.folder import write_solution
from tests.teaching.test_your_project import SLOW_HELLO, WAIT_CPU_LIMIT


def test_project_server_waits_without_spending_cpu(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(SLOW_HELLO)
    server = ProjectServer(tmp_path, project_env("postgresql://unused@127.0.0.1:1/x"), tmp_path / "server.log")
    cpu = time.process_time()
    try:
        server.start()
        assert time.process_time() - cpu < WAIT_CPU_LIMIT
        assert httpx.get(server.url + "/").json() == {"n": 4}
    finally:
        server.stop()


def test_check_project_runs_every_alembic_command_in_one_process(tmp_path: Path, monkeypatch) -> None:
    """Each Python start imports SQLAlchemy and Alembic again: the migration rows pay for one, not two."""
    calls: list[tuple[str, ...]] = []

    def counted(path: Path, env: dict[str, str], *commands: str) -> list[AlembicRun]:
        calls.append(commands)
        return run_alembic(path, env, *commands)

    monkeypatch.setattr(migration_rows, "run_alembic", counted)
    card = check_project(write_solution(13, tmp_path / "my_api"), only=["migrations round-trip"])
    assert card.passed, str(card)
    assert calls == [("upgrade head", GUARD, "check", "downgrade base", "upgrade head")]


def test_alembic_commands_after_the_guard_wait_for_a_successful_upgrade(tmp_path: Path) -> None:
    project = write_solution(13, tmp_path / "my_api")
    revision = next((project / "alembic" / "versions").glob("0001_*.py"))
    revision.write_text(revision.read_text().replace("def upgrade() -> None:\n", "def upgrade() -> None:\n    1 / 0\n"))
    database = server_url("postgres").set(database=f"rj_check_{uuid.uuid4().hex[:12]}")
    create_database(database)
    try:
        env = project_env(plain_url(database))
        upgrade, guard, downgrade = run_alembic(project, env, "upgrade head", GUARD, "downgrade base")
    finally:
        drop_database(database)
    assert not upgrade.ok and "ZeroDivisionError" in upgrade.output
    assert not guard.ok and not downgrade.ok and downgrade.output == "Python stopped before this command ran."


# main.py notes, when Uvicorn imports it, whether SQLAlchemy was imported before it: a warmed Python did that.
NOTES_ITS_IMPORT = """import sys
from pathlib import Path

Path("imported.txt").write_text(str("sqlalchemy.orm" in sys.modules))
from fastapi import FastAPI

app = FastAPI()
"""


def test_project_server_imports_the_stack_ahead_and_the_project_only_at_start(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(NOTES_ITS_IMPORT)
    server = ProjectServer(tmp_path, project_env("postgresql://unused@127.0.0.1:1/x"), tmp_path / "server.log")
    try:
        server.warm()  # during the migrations, in a check
        time.sleep(0.5)
        assert not (tmp_path / "imported.txt").exists()  # the learner's code waits for the start
        server.start(spare=True)
        assert (tmp_path / "imported.txt").read_text() == "True"
        (tmp_path / "imported.txt").unlink()
        server.stop()  # the restart row: the spare warmed while the first server answered
        server.start()
        assert (tmp_path / "imported.txt").read_text() == "True"
        assert httpx.get(server.url + "/docs").status_code == 200
    finally:
        server.close()
    assert server.process is not None and server.process.poll() is not None


# A teardown far longer than any command: Python's own teardown of SQLAlchemy and Alembic took 0.2-0.5 s a check.
SLOW_TEARDOWN = "\nimport atexit\nimport time\n\natexit.register(time.sleep, 60)\n"


def test_alembic_commands_do_not_wait_for_the_interpreters_teardown(tmp_path: Path) -> None:
    project = write_solution(13, tmp_path / "my_api")
    env_py = project / "alembic" / "env.py"
    env_py.write_text(env_py.read_text() + SLOW_TEARDOWN)
    database = server_url("postgres").set(database=f"rj_check_{uuid.uuid4().hex[:12]}")
    create_database(database)
    try:
        started = time.monotonic()
        upgrade, current = run_alembic(project, project_env(plain_url(database)), "upgrade head", "current")
        took = time.monotonic() - started
    finally:
        drop_database(database)
    assert upgrade.ok and current.ok and "(head)" in current.output, current.output
    assert took < 50  # the commands take seconds at most; waiting for the teardown would take over 60
