"""Notebook 00's environment check: each problem it can see from the kernel gets one sentence and a README entry."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from lesson_app import start_server
from lesson_app.config.settings import PROJECT_ROOT, get_settings
from lesson_app.runtime.databases import plain_url, server_url
from lesson_app.runtime.ports import accepts, free_port
from lesson_app.teaching import environment
from tests.runtime.test_server import tiny_app


def _by_name(checks: list[environment.Check]) -> dict[str, environment.Check]:
    return {check.name: check for check in checks}


def test_everything_ready_in_the_projects_environment(template_url, capsys: pytest.CaptureFixture) -> None:
    assert environment.report() is True
    shown = capsys.readouterr().out
    assert "ok   kernel               the project's .venv" in shown
    # A run on a server by URL (TEST_DATABASE_URL, as the workflow's service job runs) reports that server instead.
    if get_settings().database_url:
        assert "ok   database             DATABASE_URL is set: the series uses that server, which answers" in shown
    else:
        assert "(embedded), running" in shown
    assert shown.endswith("Everything is ready.\n")


def test_a_kernel_of_another_environment_names_the_jupyterlab_and_vs_code_fixes(tmp_path: Path) -> None:
    # A real second environment, as a kernel picked from another Python would be, that still finds lesson_app
    # and its packages (through PYTHONPATH): only its sys.prefix differs, which is what the check looks at.
    other = tmp_path / "other-env"
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(other)], check=True)  # type: ignore[attr-defined]
    paths = os.pathsep.join([str(PROJECT_ROOT), sysconfig.get_paths()["purelib"]])
    code = "from lesson_app.teaching.environment import report; report()"
    result = subprocess.run(
        [str(other / "bin" / "python"), "-c", code],
        env={**os.environ, "PYTHONPATH": paths}, capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    kernel = next(line for line in result.stdout.splitlines() if " kernel " in line)
    assert kernel.startswith("MISSING kernel") and str(other.resolve()) in kernel
    assert "`uv run jupyter lab` in the project folder" in kernel and "Select Kernel" in kernel
    assert kernel.endswith("(README.md#the-kernel-is-not-the-projects-environment).")
    assert "ok   fastapi" in result.stdout  # the packages are there: only the kernel is wrong
    # The same environment without the project's packages: the first import fails, as a learner sees it.
    bare = subprocess.run([str(other / "bin" / "python"), "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert "ModuleNotFoundError: No module named 'lesson_app'" in bare.stderr


def test_database_url_with_a_wrong_password_is_one_sentence_and_the_readme_entry(template_url, fresh_settings) -> None:
    fresh_settings.setenv("DATABASE_URL", plain_url(server_url("postgres").set(password="not-the-password")))
    database = _by_name(environment.check_environment())["database"]
    assert not database.ok and database.found == "DATABASE_URL is set and fails"
    assert "refused the password of user 'postgres'" in database.fix
    assert database.fix.endswith("(README.md#database_url-fails)")


def test_database_url_that_answers_is_ok(template_url, fresh_settings) -> None:
    fresh_settings.setenv("DATABASE_URL", plain_url(server_url("postgres")))
    assert _by_name(environment.check_environment())["database"].ok


def test_embedded_database_that_does_not_start_says_why(private_pg: dict[str, str]) -> None:
    data = get_settings().pg_dir / "data"
    data.mkdir(parents=True)
    (data / "PG_VERSION").write_text("15\n")  # a data folder left by another PostgreSQL
    database = _by_name(environment.check_environment())["database"]
    assert not database.ok and database.found == "the embedded PostgreSQL does not start"
    assert "made by PostgreSQL 15" in database.fix and "db reset" in database.fix
    assert database.fix.endswith("(README.md#the-database-does-not-start)")


def test_port_held_by_another_program_is_named_with_the_fix(tmp_path: Path) -> None:
    port = free_port()
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import socket, time\ns = socket.create_server(('127.0.0.1', {port}))\ntime.sleep(120)"]
    )
    try:
        while not accepts(port):
            assert holder.poll() is None, "the holder ended before it listened"
            time.sleep(0.05)
        note = environment.port_note(port)
        assert note is not None and note.startswith(f"Port {port} is held by `")
        assert f"(pid {holder.pid})" in note and f"`kill {holder.pid}`" in note
        assert note.endswith("(README.md#port-8000-is-already-in-use).")
    finally:
        holder.kill()
        holder.wait()


def test_port_free_or_held_by_this_notebooks_server_is_not_in_the_way() -> None:
    with start_server(tiny_app(), port=0, name="t-env-own") as server:
        assert environment.port_note(server.port) is None
    assert environment.port_note(server.port) is None


def test_root_is_fine_in_the_kernel_but_names_allow_root() -> None:
    note = environment.root_note(euid=0)
    assert note is not None and "`--allow-root`" in note
    assert note.endswith("(README.md#jupyterlab-refuses-to-run-as-root).")
    assert environment.root_note(euid=1000) is None


def test_in_the_way_prints_each_note_or_that_nothing_is(capsys: pytest.CaptureFixture) -> None:
    port = free_port()
    notes = environment.in_the_way(port)
    shown = capsys.readouterr().out.splitlines()
    if os.geteuid() == 0:
        assert notes == [environment.root_note()] and shown == notes
    else:
        assert notes == [] and shown == [
            f"Nothing in the way: no other program holds port {port}, and you are not root."
        ]
