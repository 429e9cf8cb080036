"""Notebook 00's environment check: each problem it can see from the kernel gets one sentence and a README entry."""

from __future__ import annotations

import os
import shutil
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
    assert "ok   kernel               Python in .venv, with this project installed" in shown
    # A run on a server by URL (TEST_DATABASE_URL, as the workflow's service job runs) reports that server instead.
    if get_settings().database_url:
        assert "ok   database             DATABASE_URL is set: the series uses that server, which answers" in shown
    else:
        assert "(embedded), running" in shown
    assert shown.endswith("Everything is ready.\n")


def _environment(folder: Path, install: list[str] | None) -> Path:
    """A real second Python environment, with the project installed by uv as `install` says (None: not at all).

    It reaches the project's dependencies through a .pth file naming .venv's site-packages, as a layered image
    does, so that only the project's own installation differs between these environments and .venv.
    """
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(folder)], check=True)  # type: ignore[attr-defined]
    own = Path(sysconfig.get_paths(vars={"base": str(folder), "platbase": str(folder)})["purelib"])
    (own / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    if install is not None:
        uv = os.environ.get("UV") or shutil.which("uv")
        if uv is None:
            pytest.skip("these tests install the project with uv, which is not on PATH: install uv (see the README)")
        # --offline: uv's cache holds hatchling since `uv sync` built the project; the tests never download.
        command = [uv, "pip", "install", "--offline", "--no-deps", "--python", str(folder / "bin" / "python")]
        subprocess.run([*command, *install], check=True, capture_output=True, timeout=300)
    return folder.resolve()


@pytest.fixture(scope="module")
def environments(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three environments: the project installed editable (as Binder's `-e .`), installed as a copy, and absent."""
    root = tmp_path_factory.mktemp("environments")
    return {
        "editable": _environment(root / "editable", ["-e", str(PROJECT_ROOT)]),
        "copy": _environment(root / "copy", [str(PROJECT_ROOT)]),
        "without": _environment(root / "without", None),
    }


def _run(environment: Path, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `code` with the environment's Python, in `cwd` (a kernel runs in its notebook's folder)."""
    python = environment / "bin" / "python"
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=120, cwd=cwd)


KERNEL_LINE = "from lesson_app.teaching.environment import _kernel_check; print(_kernel_check())"


def test_another_environment_with_this_project_installed_is_ready(template_url, environments) -> None:
    # What Binder and a hub image have: their own Python, the project installed into it with `pip install -e .`.
    code = "from lesson_app.teaching.environment import report; report()"
    result = _run(environments["editable"], code, cwd=PROJECT_ROOT / "notebooks")
    assert result.returncode == 0, result.stderr
    kernel = next(line for line in result.stdout.splitlines() if " kernel " in line)
    assert kernel == f"ok   kernel               Python in {environments['editable']}, with this project installed"
    assert result.stdout.endswith("Everything is ready.\n")


def test_a_python_without_the_project_names_the_jupyterlab_vs_code_and_pip_fixes(environments) -> None:
    # Started in the project folder, such a Python imports lesson_app from there; the check is the one to speak.
    result = _run(environments["without"], KERNEL_LINE, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr
    kernel = result.stdout.strip()
    assert kernel.startswith(f"MISSING kernel               Python in {environments['without']}, without this")
    assert "`uv run jupyter lab` in the project folder" in kernel and "Select Kernel" in kernel
    assert "`pip install -e .` in the project folder" in kernel
    assert kernel.endswith("(README.md#the-kernel-is-not-the-projects-environment).")
    # In a notebook's folder it does not get that far: the first import fails, as a learner sees it in 00.
    bare = _run(environments["without"], KERNEL_LINE, cwd=PROJECT_ROOT / "notebooks")
    assert "ModuleNotFoundError: No module named 'lesson_app'" in bare.stderr


def test_a_project_installed_as_a_copy_or_from_another_folder_is_named(environments) -> None:
    copy = _run(environments["copy"], KERNEL_LINE, cwd=PROJECT_ROOT / "notebooks")
    assert copy.returncode == 0, copy.stderr
    assert copy.stdout.startswith(f"MISSING kernel               Python in {environments['copy']}, with the project ")
    assert "installed as a copy, not from its folder  -> " in copy.stdout and "`pip install -e .`" in copy.stdout
    # The editable project's kernel, used for a notebook in another folder (another clone of the series).
    elsewhere = _run(environments["editable"], KERNEL_LINE, cwd=environments["editable"])
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert f"installed from {PROJECT_ROOT}, but this notebook runs outside that folder  -> " in elsewhere.stdout


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
