"""Launch PostgreSQL on a data folder with pg_ctl and wait until it is ready to answer."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from lesson_app.runtime import postmaster
from lesson_app.runtime.pg_access import EmbeddedDatabaseError, give
from lesson_app.runtime.pg_programs import unreachable
from lesson_app.runtime.postmaster import RunningServer

START_TIMEOUT = 15.0


def launch(bins: Path, data: Path, port: int, who: dict) -> RunningServer:
    """Start PostgreSQL on `data` at `port` with pg_ctl and return once it is ready (the caller holds the lock)."""
    log = data.parent / "server.log"
    if postmaster.read_pid_file(data) and postmaster.process(data) is None:
        (data / "postmaster.pid").unlink(missing_ok=True)  # left by a machine that was switched off
    log.touch()
    give(log, who)
    log_start = log.stat().st_size
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
    # pg_ctl detaches the server from this process (it outlives the kernel); -W returns at once and we
    # poll postmaster.pid ourselves, faster than pg_ctl's own wait in 100 ms steps.
    try:
        subprocess.run(
            [bins / "pg_ctl", "-D", data, "-l", log, "-o", options, "-W", "start"],
            check=True,
            capture_output=True,
            timeout=30,
            **who,
        )
    except PermissionError as exc:
        raise unreachable(bins, exc) from exc
    except subprocess.CalledProcessError as exc:
        raise EmbeddedDatabaseError(
            f"PostgreSQL did not start ({exc.stderr.decode(errors='replace').strip()}); see {log}."
        ) from exc
    return _wait_ready(data, log, log_start, port)


def _wait_ready(data: Path, log: Path, log_start: int, port: int) -> RunningServer:
    """Poll postmaster.pid until the server is ready; stop early when its log says it failed."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        server = postmaster.running(data)
        if server:
            return server
        with log.open(errors="replace") as handle:
            handle.seek(log_start)
            fresh = handle.read()
        if "FATAL" in fresh or "could not bind" in fresh:
            break
        time.sleep(0.005)
    raise EmbeddedDatabaseError(
        f"PostgreSQL did not start on port {port}: {_log_tail(log)} (full log: {log}); run "
        "`python -m lesson_app db status` to see what is there."
    )


def _log_tail(log: Path) -> str:
    try:
        lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return "no log"
    errors = [line for line in lines if "FATAL" in line or "ERROR" in line]
    return (errors or lines or ["no log"])[-1]
