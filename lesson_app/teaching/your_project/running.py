"""Run the learner's project: import its `app` into the notebook, or start `uvicorn main:app` as a process."""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil

from lesson_app.runtime.embedded import free_port

# The project's own top-level modules: imported afresh each time, as a new process would import them.
PROJECT_MODULES = ("main", "config", "models", "schemas", "channels", "slow_demo")


def _from_project(name: str, roots: tuple[str, ...]) -> bool:
    """Say whether module `name` is one of the project's: a known name, or a file under one of `roots`.

    Compared as strings: resolving each of the ~1,000 loaded modules' paths cost 0.16 s a call.
    """
    if name.split(".")[0] in PROJECT_MODULES:
        return True
    file = getattr(sys.modules.get(name), "__file__", None)
    return file is not None and os.path.abspath(file).startswith(roots)


@contextlib.contextmanager
def project_imports(folder: Path, database_url: str) -> Iterator[None]:
    """Import from the project folder with DATABASE_URL set, as `uvicorn main:app` there would."""
    saved_path, saved_url = sys.path[:], os.environ.get("DATABASE_URL")
    # The folder as given and with its links resolved: a module's __file__ holds whichever sys.path had.
    roots = tuple({os.path.abspath(folder) + os.sep, str(folder.resolve()) + os.sep})
    for name in [name for name in sys.modules if _from_project(name, roots)]:
        del sys.modules[name]
    importlib.invalidate_caches()
    sys.path.insert(0, str(folder))
    os.environ["DATABASE_URL"] = database_url
    try:
        yield
    finally:
        sys.path[:] = saved_path
        if saved_url is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = saved_url


def load_app(folder: Path, database_url: str, module: str = "main"):
    """Import `app` from the project's `main.py` (or `module`) afresh and return it."""
    with project_imports(Path(folder), database_url):
        return importlib.import_module(module).app


class UvicornProcess:
    """`uvicorn main:app` running in a process of its own: `.url`, `.pid`, `.stop()`, `.output()`."""

    def __init__(self, process: subprocess.Popen, port: int, target: str, log: Path) -> None:
        self.process, self.port, self.target, self._log = process, port, target, log
        self.pid = process.pid
        self.url = f"http://127.0.0.1:{port}"

    def __repr__(self) -> str:
        state = "running" if self.process.poll() is None else "stopped"
        return f"<uvicorn {self.target} {self.url}, pid {self.pid} ({state})>"

    def output(self) -> str:
        """Return what Uvicorn printed so far (its log goes to a file, so the notebook stays quiet)."""
        return self._log.read_text(errors="replace")

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the server as Ctrl+C would (SIGTERM), and wait for the process to end."""
        if self.process.poll() is None and psutil.pid_exists(self.pid):
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)

    def __enter__(self) -> UvicornProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_uvicorn(folder: Path, database_url: str, target: str = "main:app", timeout: float = 60) -> UvicornProcess:
    """Start `python -m uvicorn <target>` in the project folder on a free port and wait until it answers.

    60 s: on a 2-core machine shared with other work, importing FastAPI and SQLAlchemy alone took over 20 s.
    """
    folder, port = Path(folder), free_port()
    log = Path(tempfile.mkstemp(prefix="uvicorn-", suffix=".log")[1])  # outside the project: not one of its files
    command = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port)]
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "DATABASE_URL": database_url},
        )
    server = UvicornProcess(process, port, target, log)
    atexit.register(server.stop)  # never leave a server behind when the kernel stops
    deadline = time.monotonic() + timeout
    # One client for every try: httpx.get makes a client and its TLS context each time (~50 ms of CPU, taken from
    # the server that is starting); on a kept client a refused connection costs ~1 ms, so polling often is free.
    with httpx.Client(timeout=1) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                last = (server.output().strip().splitlines() or ["(no output)"])[-1]
                raise RuntimeError(f"uvicorn {target} stopped at start-up ({last}): fix that, then run the cell again.")
            with contextlib.suppress(httpx.TransportError):
                client.get(server.url + "/openapi.json")
                return server
            time.sleep(0.02)  # the learner waits for the first answer
    server.stop()
    raise RuntimeError(f"uvicorn {target} did not answer within {timeout:.0f} s: see server.output().")
