"""The learner's project as separate processes: its own `alembic` commands and its own `uvicorn main:app`."""

from __future__ import annotations

import contextlib
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


# A Python that imports what `uvicorn main:app` imports before the app, then reads Uvicorn's arguments on stdin and
# runs Uvicorn as `python -m uvicorn` does (same interpreter, folder, environment, sys.path). Started ahead of
# need (during the migrations; while the first server answers, for the restart), its imports, most of a start's
# seconds, overlap the check's other work. The learner's own modules are imported only after the arguments come.
WARM = """
import sys
import fastapi, psycopg2, sqlalchemy.orm, uvicorn.main
words = sys.stdin.readline().split()
if words:
    sys.argv = ["uvicorn", *words]
    uvicorn.main.main()
"""


class ProjectServer:
    """`python -m uvicorn main:app` started from the project folder on a free port, its output in a log file."""

    def __init__(self, path: Path, env: dict[str, str], log_file: Path, start_timeout: float = START_TIMEOUT) -> None:
        self.path, self.env, self.log_file, self.start_timeout = path, env, log_file, start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._spare: subprocess.Popen[bytes] | None = None  # the WARM Python the next start will use
        self.url = ""

    def warm(self) -> None:
        """Start the Python the next `start` uses, so that its imports run while the check does other work."""
        if self._spare is None or self._spare.poll() is not None:
            with self.log_file.open("ab") as log:
                self._spare = subprocess.Popen(
                    [sys.executable, "-c", WARM], cwd=self.path, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.PIPE,
                )  # fmt: skip

    def start(self, *, spare: bool = False) -> None:
        """Start the server and return once it answers HTTP; raise ServerStartError otherwise.

        `spare`: once it answers, warm the Python a restart will use.
        """
        timeout = self.start_timeout
        self.warm()
        self.process, self._spare = self._spare, None
        assert self.process is not None and self.process.stdin is not None
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        with contextlib.suppress(BrokenPipeError):  # it exited already: the loop below says with which status
            self.process.stdin.write(f"main:app --host 127.0.0.1 --port {port}\n".encode())
            self.process.stdin.close()
        deadline = time.monotonic() + timeout
        # One client for every try: httpx.get makes a client, and its TLS context, each time (~50 ms of CPU), which
        # a 2-core machine takes from the server that is starting; a refused connection on a kept client is ~1 ms.
        with httpx.Client(timeout=0.5) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise ServerStartError(f"`uvicorn main:app` exited with status {self.process.returncode}")
                try:
                    client.get(self.url + "/")  # any answer, even 404, means it is serving
                except httpx.TransportError:
                    time.sleep(0.02)
                    continue
                if spare:
                    self.warm()
                return
        self.stop(grace=0.5)  # still importing the app: no requests or connections to finish
        raise ServerStartError(f"`uvicorn main:app` did not answer within {timeout:.0f} s")

    def close(self) -> None:
        """Stop the server, and the Python that was waiting to be the next one."""
        self.stop()
        if self._spare is not None and self._spare.poll() is None:
            self._spare.kill()
            self._spare.wait(5)
        self._spare = None

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
