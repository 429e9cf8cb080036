"""Port 8000 held by a kernel left running or by `uvicorn --reload`: the message names it and says how to stop it."""

from __future__ import annotations

import errno
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

from lesson_app import start_server
from lesson_app.runtime.ports import accepts, free_port
from lesson_app.runtime.server import PortInUseError
from tests.runtime.test_server import tiny_app


def _wait_until_listening(port: int, process: subprocess.Popen | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not accepts(port):
        assert process is None or process.poll() is None, "the server ended before it listened"
        assert time.monotonic() < deadline, f"nothing listened on {port} within {timeout:.0f} s"
        time.sleep(0.1)


@pytest.fixture
def reloading_uvicorn(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen]]:
    """`uvicorn lesson_app.main:app --reload` in a terminal of its own, on a free port (never 8000)."""
    port = free_port()
    (tmp_path / "tiny.py").write_text("from fastapi import FastAPI\n\napp = FastAPI()\n")  # quicker to import
    command = [sys.executable, "-m", "uvicorn", "tiny:app", "--reload", "--reload-dir", str(tmp_path)]
    process = subprocess.Popen([*command, "--port", str(port)], cwd=tmp_path, stderr=subprocess.DEVNULL)
    try:
        _wait_until_listening(port, process)
        yield port, process
    finally:
        process.terminate()  # as Ctrl+C does: the reloader stops the server it runs, then itself
        process.wait(timeout=20)


def test_port_held_by_uvicorn_reload_names_the_command_and_its_pid(reloading_uvicorn) -> None:
    port, reloader = reloading_uvicorn
    started = time.monotonic()
    with pytest.raises(PortInUseError) as caught:
        start_server(tiny_app(), port=port, name="t-behind-reload")
    message = str(caught.value)
    assert "in use by `uvicorn tiny:app --reload --reload-dir" in message
    assert f"(pid {reloader.pid})" in message  # the reloader, not the server it restarts: stopping it stops both
    assert "Ctrl+C in the terminal" in message and f"port={port + 1}" in message
    assert time.monotonic() - started < 2


def test_port_held_by_a_kernel_left_running_says_shut_that_kernel_down(tmp_path: Path) -> None:
    port = free_port()
    kernel = KernelManager(connection_file=str(tmp_path / "kernel.json"))  # no file in the user's runtime folder
    kernel.start_kernel(cwd=str(tmp_path))
    try:
        client = kernel.client()
        client.start_channels()
        client.wait_for_ready(timeout=180)  # a loaded machine is slow to start one
        code = f"from fastapi import FastAPI\nfrom lesson_app import start_server\nstart_server(FastAPI(), port={port})"
        reply = client.execute_interactive(code, timeout=60)
        assert reply["content"]["status"] == "ok", reply["content"]
        with pytest.raises(PortInUseError, match=r"in use by a Jupyter kernel \(pid \d+\).*Shut Down Kernel"):
            start_server(tiny_app(), port=port, name="t-behind-kernel")
        client.stop_channels()
    finally:
        kernel.shutdown_kernel(now=True)
    deadline = time.monotonic() + 10
    while accepts(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not accepts(port), "shutting the kernel down frees its port"


# The README quotes both lines: uvicorn words it one way when it binds the socket itself, and another with
# --reload, whose supervisor binds it before any worker starts.
@pytest.mark.parametrize(
    ("flags", "quoted"),
    [([], "error while attempting to bind on address"), (["--reload"], "Address already in use")],
    ids=["plain", "reload"],
)
def test_uvicorn_in_a_terminal_on_a_port_a_notebook_server_holds_says_address_already_in_use(
    tmp_path: Path, flags: list[str], quoted: str
) -> None:
    (tmp_path / "tiny.py").write_text("from fastapi import FastAPI\n\napp = FastAPI()\n")
    with start_server(tiny_app(), port=0, name="t-notebook-holds") as notebook_server:
        result = subprocess.run(
            [sys.executable, "-m", "uvicorn", "tiny:app", "--port", str(notebook_server.port), *flags],
            cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode != 0
    assert f"ERROR:    [Errno {errno.EADDRINUSE}] {quoted}" in result.stderr, result.stderr[-800:]
