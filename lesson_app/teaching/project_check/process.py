"""The learner's project as separate processes: its own `alembic` commands and its own `uvicorn main:app`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from lesson_app.runtime.embedded import free_port

# Seconds. Uvicorn with FastAPI and SQLAlchemy starts in about 1 s, and in 6 s on a 2-core machine shared by
# five busy developers (measured); past this, the project is taken to hang at start-up.
START_TIMEOUT = 15.0
ALEMBIC_TIMEOUT = 60.0
TAIL_LINES = 15
DRIVER = Path(__file__).resolve().parent / "alembic_commands.py"
MARK = "@@ lesson_app: alembic exit status"  # alembic_commands.py prints it after each command
GUARD = "--stop-unless-migrated"  # a line of run_alembic's: stop unless all went well and DATABASE_URL's is migrated


def project_env(database_url: str) -> dict[str, str]:
    """Return the environment the project runs in: ours, with DATABASE_URL pointing at the check's database."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    env.pop("DIRECT_DATABASE_URL", None)  # the project knows only DATABASE_URL; ours must not leak in
    # A check starts Python three times (the alembic commands, the server twice): without cached bytecode each
    # start compiles FastAPI, Pydantic and SQLAlchemy again, about 3 s of CPU, so let Python keep its .pyc files.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def tail(text: str, lines: int = TAIL_LINES) -> str:
    """Return the last lines of a log, where the error a learner needs to read usually is."""
    return "\n".join(text.rstrip().splitlines()[-lines:])


@dataclass(frozen=True)
class AlembicRun:
    """What one `alembic ...` command printed, and whether it succeeded."""

    ok: bool
    output: str


def run_alembic(path: Path, env: dict[str, str], *commands: str) -> list[AlembicRun]:
    """Run `alembic COMMAND` for each command in the project folder, as the learner would in a terminal there.

    All in one Python process (see alembic_commands.py, and its GUARD line); returns one result per command.
    """
    try:
        done = subprocess.run(
            [sys.executable, "-c", DRIVER.read_text(), MARK, GUARD, *commands],
            cwd=path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=ALEMBIC_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:  # one result per command still, so that callers can unpack them
        late = AlembicRun(False, f"`alembic {commands[0]}` and the rest did not finish within {ALEMBIC_TIMEOUT:.0f} s.")
        return [late] * len(commands)
    runs, output = [], done.stdout
    while MARK in output:
        printed, _, rest = output.partition(MARK)
        status, _, output = rest.partition("\n")
        runs.append(AlembicRun(status.strip() == "0", printed.strip()))
    if len(runs) < len(commands) and (output.strip() or not runs):  # Python itself failed before a marker
        runs.append(AlembicRun(False, output.strip() or f"python exited with status {done.returncode}"))
    runs += [AlembicRun(False, "Python stopped before this command ran.")] * (len(commands) - len(runs))
    return runs


class ServerStartError(RuntimeError):
    """The project's server exited or did not answer in time; the message says which."""


class ProjectServer:
    """`python -m uvicorn main:app` started from the project folder on a free port, its output in a log file."""

    def __init__(self, path: Path, env: dict[str, str], log_file: Path, start_timeout: float = START_TIMEOUT) -> None:
        self.path, self.env, self.log_file, self.start_timeout = path, env, log_file, start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> None:
        """Start the server and return once it answers HTTP; raise ServerStartError otherwise."""
        timeout = self.start_timeout
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port)]
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=self.path, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + timeout
        # One client for every try: httpx.get makes a client, and its TLS context, each time (~50 ms of CPU), which
        # a 2-core machine takes from the server that is starting; a refused connection on a kept client is ~1 ms.
        with httpx.Client(timeout=0.5) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise ServerStartError(f"`uvicorn main:app` exited with status {self.process.returncode}")
                try:
                    client.get(self.url + "/")  # any answer, even 404, means it is serving
                    return
                except httpx.TransportError:
                    time.sleep(0.02)
        self.stop(grace=0.5)  # still importing the app: no requests or connections to finish
        raise ServerStartError(f"`uvicorn main:app` did not answer within {timeout:.0f} s")

    def stop(self, grace: float = 5.0) -> None:
        """Stop the server (SIGTERM first, so Uvicorn shuts down cleanly; then a kill) and its connections."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def log_tail(self) -> str:
        """Return the last lines the server printed."""
        try:
            return tail(self.log_file.read_text(errors="replace"))
        except FileNotFoundError:
            return ""
