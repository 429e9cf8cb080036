"""The embedded PostgreSQL server: the binaries pip installed, listening on 127.0.0.1, data in one folder.

One server serves every notebook, test and process on the machine: whoever comes first starts it, the rest
find it through PostgreSQL's own `postmaster.pid` (which records its pid, port and readiness) and reuse it.
A file lock keeps two processes from starting or stopping it at the same moment. A data folder keeps the
port it was first given (recorded beside it), so apps and URLs made before a restart still reach it.
"""

from __future__ import annotations

import logging
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import fasteners
import psutil
from sqlalchemy.engine import URL

from lesson_app.config.settings import get_settings
from lesson_app.runtime import pg_access
from lesson_app.runtime.pg_access import EmbeddedDatabaseError, give
from lesson_app.runtime.pg_programs import PASSWORD, USER, bin_dir, binary_version, check_version, initdb, unreachable
from lesson_app.runtime.ports import accepts, first_free_port, free_port, port_is_free

__all__ = [
    "EmbeddedDatabaseError",
    "RunningServer",
    "bin_dir",
    "binary_version",
    "ensure_running",
    "free_port",
    "port_is_free",
    "reset",
    "status",
    "stop",
]
logger = logging.getLogger(__name__)
PORT_RECORD = "port"  # beside data/: the port this data folder was given, reused at every start
START_TIMEOUT = 15.0


@dataclass(frozen=True)
class RunningServer:
    """Where the running embedded server can be reached."""

    pid: int
    port: int
    version: int
    data_dir: Path

    def url(self, database: str = "postgres") -> URL:
        """Return the SQLAlchemy URL of one database on this server."""
        return URL.create(
            "postgresql+psycopg2",
            username=USER,
            password=PASSWORD,
            host="127.0.0.1",
            port=self.port,
            database=database,
        )


def _paths(pg_dir: Path | None = None) -> tuple[Path, Path, Path]:
    home = pg_access.recorded_home(pg_dir or get_settings().pg_dir)
    return home, home / "data", home / "server.log"


def _read_postmaster_pid(data: Path) -> list[str] | None:
    try:
        return (data / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None


def _postmaster(data: Path) -> psutil.Process | None:
    """Return the server process of this data folder, never another that reuses a stale pid (after a reboot)."""
    lines = _read_postmaster_pid(data)
    if not lines:
        return None
    try:
        process = psutil.Process(int(lines[0]))
        if not process.name().startswith("postgres"):
            return None
        try:  # the postmaster works inside its data folder
            return process if Path(process.cwd()).resolve() == data.resolve() else None
        except psutil.AccessDenied:  # another user's process: its name has to do
            return process
    except (ValueError, psutil.NoSuchProcess):
        return None


def _running(data: Path) -> RunningServer | None:
    lines = _read_postmaster_pid(data)
    # postmaster.pid: pid, data dir, start time, port, socket dir, listen address, shmem, status.
    if not lines or len(lines) < 8 or lines[7].strip() != "ready":
        return None
    pid, port = int(lines[0]), int(lines[3])
    if _postmaster(data) is None or not accepts(port):
        return None
    version = int((data / "PG_VERSION").read_text().strip())
    return RunningServer(pid=pid, port=port, version=version, data_dir=data)


def _lock(root: Path | None = None) -> fasteners.InterProcessLock:
    root = root or get_settings().pg_dir
    root.mkdir(parents=True, exist_ok=True)
    return fasteners.InterProcessLock(str(root / ".lock"))


def _log_tail(log: Path) -> str:
    try:
        lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return "no log"
    errors = [line for line in lines if "FATAL" in line or "ERROR" in line]
    return (errors or lines or ["no log"])[-1]


def _choose_port(record: Path) -> int:
    """Reuse the port this data folder was given, so apps and URLs made before a restart still reach it."""
    try:
        kept = int(record.read_text())
    except (OSError, ValueError):
        kept = None
    chosen = first_free_port([kept or get_settings().pg_port])
    if chosen == (kept or get_settings().pg_port):
        return chosen
    if kept:
        logger.warning(
            "Another program now uses port %d, where this PostgreSQL ran before, so it moved to port %d: "
            "make again every app and URL made before (re-run a notebook's first cells, restart uvicorn).",
            kept,
            chosen,
        )
    return chosen


def _launch(bins: Path, data: Path, log: Path, who: dict) -> RunningServer:
    port = _choose_port(data.parent / PORT_RECORD)
    if _read_postmaster_pid(data) and _postmaster(data) is None:
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
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        server = _running(data)
        if server:
            (data.parent / PORT_RECORD).write_text(f"{server.port}\n")
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


def ensure_running() -> RunningServer:
    """Return the embedded server, starting it (and creating its data folder) only if it is not running."""
    server = status()
    if server:  # the common case, no lock needed: someone already started it
        return server
    bins = bin_dir()
    with _lock():
        server = status()
        if server:
            return server
        who = pg_access.run_as()
        version = binary_version(bins)
        home = pg_access.choose_home(get_settings().pg_dir, who)
        runnable = pg_access.runnable_binaries(bins, version, who)
        data = home / "data"
        if not (data / "PG_VERSION").exists():
            initdb(runnable, data, who)
        check_version(data, version)
        return _launch(runnable, data, home / "server.log", who)


def status(pg_dir: Path | None = None) -> RunningServer | None:
    """Return the embedded server running on `pg_dir` (default: PG_DIR's), or None."""
    return _running(_paths(pg_dir)[1])


def stop(timeout: float = 15.0, pg_dir: Path | None = None) -> bool:
    """Stop the embedded server (a fast shutdown: sessions end, committed rows stay); say if it ran."""
    root = pg_dir or get_settings().pg_dir
    _, data, _ = _paths(root)
    if not data.exists():  # nothing was ever started there: no lock file to leave behind either
        return False
    with _lock(root):
        process = _postmaster(data)
        if process is None:
            return False
        process.send_signal(signal.SIGINT)
        # Not process.wait(): the server is not our child, and where nothing reaps orphans (a container's
        # PID 1) it stays a zombie; it removes postmaster.pid when its shutdown is complete.
        deadline = time.monotonic() + timeout
        while (data / "postmaster.pid").exists() and _postmaster(data) is not None:
            if time.monotonic() > deadline:
                raise EmbeddedDatabaseError(
                    f"PostgreSQL (pid {process.pid}) did not stop within {timeout:.0f} s: try again."
                )
            time.sleep(0.01)
    return True


def reset() -> None:
    """Stop the server and delete its data folder (wherever it lives); the next use creates an empty one."""
    _, data, log = _paths()
    stop()
    with _lock():
        shutil.rmtree(data, ignore_errors=True)
        log.unlink(missing_ok=True)
        (data.parent / PORT_RECORD).unlink(missing_ok=True)
        pg_access.forget_home(get_settings().pg_dir)
