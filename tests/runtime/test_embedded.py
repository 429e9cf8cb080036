"""The embedded PostgreSQL server, on a private data folder so the shared server keeps running."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pytest
import sqlalchemy as sa

from lesson_app import create_app, start_server
from lesson_app.config.settings import Settings, get_settings
from lesson_app.runtime import embedded, pg_access, pg_programs
from tests.conftest import copy_bundled_binaries, run_cli
from tests.helpers import run_as_nobody


def test_cold_start_then_reuse_by_second_process(private_pg: dict[str, str]) -> None:
    first = embedded.ensure_running()
    assert first.port == int(private_pg["PG_PORT"])  # the preferred port, free here
    result = run_cli("db", "status", env=private_pg)
    assert result.returncode == 0, result.stderr
    assert f"127.0.0.1:{first.port} (pid {first.pid})" in result.stdout  # the same server, not a second one
    started = run_cli("db", "start", env=private_pg)
    assert f"(pid {first.pid})" in started.stdout


def test_listens_on_loopback_tcp_with_password(private_pg_data: dict[str, str]) -> None:
    server = embedded.ensure_running()
    with socket.create_connection(("127.0.0.1", server.port), timeout=2):
        pass
    wrong = server.url().set(password="wrong")
    with pytest.raises(sa.exc.OperationalError, match="password authentication failed"):
        sa.create_engine(wrong).connect()


def test_a_new_data_folder_stores_the_password_with_few_scram_rounds(private_pg_data: dict[str, str]) -> None:
    """Every connection computes the stored rounds at both ends: 64, not PostgreSQL's 4096 (the URL still needs it)."""
    from lesson_app.runtime.pg_programs import SCRAM_ITERATIONS

    engine = sa.create_engine(embedded.ensure_running().url())
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT rolpassword FROM pg_authid WHERE rolname = current_user")).scalar_one()
        assert stored.startswith(f"SCRAM-SHA-256${SCRAM_ITERATIONS}:")
        assert conn.execute(sa.text("SHOW scram_iterations")).scalar_one() == str(SCRAM_ITERATIONS)  # for new roles
    engine.dispose()


def test_restart_keeps_rows(private_pg_data: dict[str, str]) -> None:
    engine = sa.create_engine(embedded.ensure_running().url())
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE kept (note text)"))
        conn.execute(sa.text("INSERT INTO kept VALUES ('still here')"))
    engine.dispose()
    assert embedded.stop() is True
    assert embedded.status() is None
    engine = sa.create_engine(embedded.ensure_running().url())
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT note FROM kept")).scalar_one() == "still here"
    engine.dispose()


def test_stop_when_not_running_says_so(private_pg: dict[str, str], cli) -> None:
    assert embedded.stop() is False
    result = cli("db", "status", env=private_pg)
    assert result.returncode == 3
    assert "not running" in result.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="only meaningful when the tests run as root")
def test_runs_as_system_user_when_root(private_pg_data: dict[str, str]) -> None:
    server = embedded.ensure_running()
    owner = psutil.Process(server.pid).username()
    assert owner == get_settings().pg_system_user
    assert owner != "root"


def test_preferred_port_taken_falls_back_to_a_free_one(private_pg_data: dict[str, str]) -> None:
    taken = int(private_pg_data["PG_PORT"])
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", taken))
        blocker.listen()
        server = embedded.ensure_running()
    assert server.port != taken
    with socket.create_connection(("127.0.0.1", server.port), timeout=2):
        pass


def test_two_processes_starting_at_once_share_one_server(private_pg: dict[str, str]) -> None:
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: run_cli("db", "start", env=private_pg), range(2)))
    assert all(result.returncode == 0 for result in results), [r.stderr for r in results]
    pids = {result.stdout.split("(pid ")[1].split(")")[0] for result in results}
    assert len(pids) == 1


def test_data_folder_from_other_version_is_explained(private_pg: dict[str, str]) -> None:
    data = get_settings().pg_dir / "data"
    data.mkdir(parents=True)
    (data / "PG_VERSION").write_text("15\n")
    started = time.monotonic()
    with pytest.raises(embedded.EmbeddedDatabaseError, match=r"made by PostgreSQL 15.*db reset"):
        embedded.ensure_running()
    assert time.monotonic() - started < 5


def test_non_postgres_data_folder_is_explained(private_pg: dict[str, str]) -> None:
    data = get_settings().pg_dir / "data"
    data.mkdir(parents=True)
    (data / "notes.txt").write_text("not a database")
    with pytest.raises(embedded.EmbeddedDatabaseError, match="holds files but no PostgreSQL data"):
        embedded.ensure_running()


def test_missing_binaries_are_explained(private_pg: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_programs.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(embedded.EmbeddedDatabaseError, match="uv sync"):
        embedded.ensure_running()


def test_cli_errors_are_one_sentence_not_a_traceback(private_pg: dict[str, str], cli) -> None:
    data = get_settings().pg_dir / "data"
    data.mkdir(parents=True)
    (data / "PG_VERSION").write_text("15\n")
    result = cli("db", "start", env=private_pg)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: The data folder")


def test_reset_refuses_without_yes_when_not_interactive(private_pg_data: dict[str, str], cli) -> None:
    embedded.ensure_running()
    result = cli("db", "reset", env=private_pg_data)
    assert result.returncode == 2
    assert embedded.status() is not None


def test_reset_with_yes_empties_the_server(private_pg_data: dict[str, str], cli) -> None:
    engine = sa.create_engine(embedded.ensure_running().url())
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE gone (x int)"))
    engine.dispose()
    result = cli("db", "reset", "--yes", env=private_pg_data)
    assert result.returncode == 0, result.stderr
    engine = sa.create_engine(embedded.ensure_running().url())
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT to_regclass('gone')")).scalar() is None
    engine.dispose()


def test_url_command_prints_a_url_psql_accepts(private_pg_data: dict[str, str], cli) -> None:
    result = cli("db", "url", "--database", "07_postgresql_and_urls", env=private_pg_data)
    port = embedded.ensure_running().port
    assert result.stdout.strip() == f"postgresql://postgres:postgres@127.0.0.1:{port}/rj_07_postgresql_and_urls"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch to an ordinary user")
def test_works_as_an_ordinary_user() -> None:
    import pwd
    import shutil
    import tempfile

    nobody = pwd.getpwnam("nobody")
    root = tempfile.mkdtemp(prefix="rj-user-")
    os.chown(root, nobody.pw_uid, nobody.pw_gid)
    as_nobody = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": [], "cwd": "/"}
    bins = embedded.bin_dir()
    if not pg_access.reaches(as_nobody, bins, bins / "initdb"):  # a clone in a private folder: a copy it can read
        bins = copy_bundled_binaries(Path(root) / "bins")

    def start_and_stop() -> str:
        os.environ.update(PG_DIR=f"{root}/pg", PG_PORT=str(embedded.free_port()), PG_BIN_DIR=str(bins))
        # The environment carries every setting; `nobody` may not read a `.env` in a private clone.
        Settings.model_config["env_file"] = None
        get_settings.cache_clear()
        server = embedded.ensure_running()
        return f"{psutil.Process(server.pid).username()} {embedded.stop()}"

    report = run_as_nobody(start_and_stop)
    shutil.rmtree(root, ignore_errors=True)
    assert report == "nobody True"  # PostgreSQL ran as the user itself, and stopped


def test_restart_keeps_the_port_it_was_given(private_pg_data: dict[str, str]) -> None:
    preferred = int(private_pg_data["PG_PORT"])
    with socket.socket() as blocker:  # 5432 (here: the preferred port) held at the first start only
        blocker.bind(("127.0.0.1", preferred))
        blocker.listen()
        first = embedded.ensure_running()
    assert first.port != preferred
    embedded.stop()
    assert embedded.ensure_running().port == first.port  # not back to the preferred port, now free


def test_port_taken_meanwhile_moves_and_says_so(private_pg_data: dict[str, str], caplog) -> None:
    first = embedded.ensure_running()
    embedded.stop()
    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", first.port))
        other_program.listen()
        with caplog.at_level(logging.WARNING, logger="lesson_app.runtime.embedded"):
            moved = embedded.ensure_running()
    assert moved.port != first.port
    [warning] = [record.getMessage() for record in caplog.records if record.name == "lesson_app.runtime.embedded"]
    assert f"port {first.port}" in warning and f"moved to port {moved.port}" in warning
    assert "make again every app" in warning
    embedded.stop()
    assert embedded.ensure_running().port == moved.port  # the new port is the one it keeps


def test_app_made_before_a_restart_answers_again(private_pg_data: dict[str, str]) -> None:
    app = create_app(embedded.ensure_running().url())
    with start_server(app, port=0, name="t-db-restart") as server, httpx.Client(base_url=server.url) as client:
        assert client.get("/health").status_code == 200  # leaves a pooled connection to the server
        embedded.stop()
        embedded.ensure_running()
        # The first request after the restart: the pool's pre-ping replaces the connection the restart closed.
        assert client.get("/health").status_code == 200
        embedded.stop()
        assert client.get("/health").status_code == 503  # expected while the database is down
        embedded.ensure_running()
        assert client.get("/health").status_code == 200


def test_stale_pid_of_another_process_is_never_signalled(private_pg_data: dict[str, str]) -> None:
    data = embedded.ensure_running().data_dir
    lines = (data / "postmaster.pid").read_text().splitlines()
    embedded.stop()
    bystander = subprocess.Popen(["sleep", "60"])  # a process that got the old pid after a reboot
    try:
        lines[0] = str(bystander.pid)
        (data / "postmaster.pid").write_text("\n".join(lines) + "\n")
        assert embedded.status() is None
        assert embedded.stop() is False
        restarted = embedded.ensure_running()  # removes the stale file and starts
        assert restarted.pid != bystander.pid
        assert bystander.poll() is None  # never signalled
    finally:
        bystander.kill()
        bystander.wait()
