"""The embedded PostgreSQL server: the binaries pip installed, listening on 127.0.0.1, data in one folder.

One server serves every notebook, test and process on the machine: whoever comes first starts it, the rest
find it through PostgreSQL's own `postmaster.pid` (which records its pid, port and readiness) and reuse it.
A file lock keeps two processes from starting, stopping or deleting it at the same moment. A data folder keeps
the port it was first given (recorded beside it), so apps and URLs made before a restart still reach it.
"""

from __future__ import annotations

import logging
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import fasteners

from lesson_app.config.settings import Settings, get_settings
from lesson_app.runtime import pg_access, pg_launch, postmaster
from lesson_app.runtime.pg_access import EmbeddedDatabaseError
from lesson_app.runtime.pg_programs import PASSWORD_FILE, bin_dir, binary_version, check_version, initdb
from lesson_app.runtime.ports import first_free_port, free_port, port_is_free
from lesson_app.runtime.postmaster import RunningServer

# Module-level names other modules import from here (free_port and port_is_free live in `ports`).
__all__ = [
    "EmbeddedDatabaseError",
    "EmbeddedServer",
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


@dataclass(frozen=True)
class EmbeddedServer:
    """The embedded server whose data lives under `pg_dir`; `pg_port` is where a new data folder starts."""

    pg_dir: Path
    pg_port: int = 5432
    # As root: who runs PostgreSQL, and where its binaries and data go when that user cannot reach the project.
    system_user: str = "lessonpg"
    shared_bin_dir: Path = Path("/var/cache/request-journey")
    shared_data_dir: Path = Path("/var/lib/request-journey")
    # Other people share this machine's loopback (a JupyterHub): a new data folder gets a random password.
    private: bool = False

    @classmethod
    def from_settings(cls, settings: Settings | None = None, pg_dir: Path | None = None) -> EmbeddedServer:
        """The server the settings describe (the current ones unless others are given); `pg_dir` overrides PG_DIR."""
        settings = settings or get_settings()
        return cls(
            pg_dir or settings.pg_dir,
            settings.pg_port,
            settings.pg_system_user,
            settings.pg_shared_bin_dir,
            settings.pg_shared_data_dir,
            settings.pg_private,
        )

    @property
    def home(self) -> Path:
        """The folder that holds data/ and server.log: pg_dir, or where a pointer in it says (as root)."""
        return pg_access.recorded_home(self.pg_dir)

    def lock(self) -> fasteners.InterProcessLock:
        """The lock every start, stop and reset of this server holds, in every process."""
        self.pg_dir.mkdir(parents=True, exist_ok=True)
        return fasteners.InterProcessLock(str(self.pg_dir / ".lock"))

    def status(self) -> RunningServer | None:
        """Return this server if it is running, else None."""
        return postmaster.running(self.home / "data")

    def ensure_running(self) -> RunningServer:
        """Return this server, starting it (and creating its data folder) only if it is not running."""
        server = self.status()
        if server:  # the common case, no lock needed: someone already started it
            return server
        bins = bin_dir()
        with self.lock():
            return self.status() or self._start(bins)

    def stop(self, timeout: float = 15.0) -> bool:
        """Stop the server (a fast shutdown: sessions end, committed rows stay); say if it ran."""
        if not (self.home / "data").exists():  # nothing was ever started there: no lock file to leave behind either
            return False
        with self.lock():
            return self._stop_locked(timeout)

    def reset(self) -> None:
        """Stop the server and delete its data folder (wherever it lives), under one lock from start to end.

        No other process can start the server between the stop and the delete; the next use creates it empty.
        """
        with self.lock():
            self._stop_locked(15.0)
            home = self.home
            shutil.rmtree(home / "data", ignore_errors=True)
            (home / "server.log").unlink(missing_ok=True)
            (home / PORT_RECORD).unlink(missing_ok=True)
            (home / PASSWORD_FILE).unlink(missing_ok=True)  # the next folder gets a password of its own
            pg_access.forget_home(self.pg_dir)

    def _stop_locked(self, timeout: float) -> bool:
        data = self.home / "data"
        process = postmaster.process(data)
        if process is None:
            return False
        process.send_signal(signal.SIGINT)  # psutil refuses if the pid now belongs to another process
        # Not process.wait(): the server is not our child, and where nothing reaps orphans (a container's
        # PID 1) it stays a zombie; it removes postmaster.pid when its shutdown is complete.
        deadline = time.monotonic() + timeout
        while (data / "postmaster.pid").exists() and postmaster.process(data) is not None:
            if time.monotonic() > deadline:
                raise EmbeddedDatabaseError(
                    f"PostgreSQL (pid {process.pid}) did not stop within {timeout:.0f} s: try again."
                )
            time.sleep(0.01)
        return True

    def _start(self, bins: Path) -> RunningServer:
        """Create the data folder if needed and launch the server (the caller holds the lock)."""
        who = pg_access.run_as(self.system_user)
        version = binary_version(bins)
        home = pg_access.choose_home(self.pg_dir, who, self.shared_data_dir)
        runnable = pg_access.runnable_binaries(bins, version, who, self.shared_bin_dir)
        data = home / "data"
        if not (data / "PG_VERSION").exists():
            initdb(runnable, data, who, private=self.private)
        elif self.private and not (home / PASSWORD_FILE).exists():
            logger.warning(
                "This data folder was made with the password `postgres`, which every user of this machine may "
                "use: run `python -m lesson_app db reset --yes` (it deletes the stored rows) to make it afresh "
                "with a secret password."
            )
        check_version(data, version)
        port = self._port(home / PORT_RECORD)
        server = pg_launch.launch(runnable, data, port, who)
        (home / PORT_RECORD).write_text(f"{server.port}\n")
        return server

    def _port(self, record: Path) -> int:
        """Reuse the port this data folder was given, so apps and URLs made before a restart still reach it."""
        try:
            kept: int | None = int(record.read_text())
        except (OSError, ValueError):
            kept = None
        wanted = kept or self.pg_port
        chosen = first_free_port([wanted])
        if kept and chosen != wanted:
            logger.warning(
                "Another program now uses port %d, where this PostgreSQL ran before, so it moved to port %d: "
                "make again every app and URL made before (re-run a notebook's first cells, restart uvicorn).",
                kept,
                chosen,
            )
        return chosen


# The module functions many callers use: each acts on the server the current settings describe.
def ensure_running() -> RunningServer:
    """Return the embedded server, starting it (and creating its data folder) only if it is not running."""
    return EmbeddedServer.from_settings().ensure_running()


def status(pg_dir: Path | None = None) -> RunningServer | None:
    """Return the embedded server running on `pg_dir` (default: PG_DIR's), or None."""
    return EmbeddedServer.from_settings(pg_dir=pg_dir).status()


def stop(timeout: float = 15.0, pg_dir: Path | None = None) -> bool:
    """Stop the embedded server on `pg_dir` (default: PG_DIR's); say if it ran."""
    return EmbeddedServer.from_settings(pg_dir=pg_dir).stop(timeout)


def reset() -> None:
    """Stop the server and delete its data folder, under one lock; the next use creates an empty one."""
    EmbeddedServer.from_settings().reset()
