"""What a data folder's `postmaster.pid` says about its server, checked against the live process through psutil."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL

from lesson_app.runtime.pg_programs import PASSWORD, USER, password_for
from lesson_app.runtime.ports import accepts

if TYPE_CHECKING:
    import psutil


@dataclass(frozen=True)
class RunningServer:
    """Where the running embedded server can be reached."""

    pid: int
    port: int
    version: int
    data_dir: Path
    # The superuser's password: `postgres`, or the data folder's own secret (PG_PRIVATE); never in a repr.
    password: str = field(default=PASSWORD, repr=False)

    def url(self, database: str = "postgres") -> URL:
        """Return the SQLAlchemy URL of one database on this server."""
        return URL.create(
            "postgresql+psycopg2",
            username=USER,
            password=self.password,
            host="127.0.0.1",
            port=self.port,
            database=database,
        )


def read_pid_file(data: Path) -> list[str] | None:
    """Return the lines of `postmaster.pid`, or None when there is none (or we may not read it)."""
    try:
        return (data / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None


def process(data: Path) -> psutil.Process | None:
    """Return the server process of this data folder, never another that reuses a stale pid (after a reboot).

    psutil remembers the process's start time, so a signal sent through what this returns never reaches a
    process that took the pid later (psutil raises NoSuchProcess instead).
    """
    import psutil  # ~25 ms to import: only where a process is signalled or the system has no /proc

    lines = read_pid_file(data)
    if not lines:
        return None
    try:
        found = psutil.Process(int(lines[0]))
        if not found.name().startswith("postgres"):
            return None
        try:  # the postmaster works inside its data folder
            return found if Path(found.cwd()).resolve() == data.resolve() else None
        except psutil.AccessDenied:  # another user's process: its name has to do
            return found
    except (ValueError, psutil.NoSuchProcess):
        return None


def running(data: Path) -> RunningServer | None:
    """Return the server of this data folder if it is ready and answers on its port, else None."""
    lines = read_pid_file(data)
    # postmaster.pid: pid, data dir, start time, port, socket dir, listen address, shmem, status.
    if not lines or len(lines) < 8 or lines[7].strip() != "ready":
        return None
    pid, port = int(lines[0]), int(lines[3])
    alive = _postmaster_in_proc(pid, data)
    if alive is None:
        alive = process(data) is not None
    if not alive or not accepts(port):
        return None
    version = int((data / "PG_VERSION").read_text().strip())
    return RunningServer(pid=pid, port=port, version=version, data_dir=data, password=password_for(data.parent))


def _postmaster_in_proc(pid: int, data: Path) -> bool | None:
    """`process(data) is not None`, read from Linux's /proc without psutil; None where there is no /proc.

    The check every lesson's first cell makes: psutil reads the same two entries, after ~25 ms of importing.
    """
    entry = Path("/proc", str(pid))
    if not Path("/proc/self/cwd").exists():  # not Linux: psutil knows how to ask this system
        return None
    try:
        if not (entry / "comm").read_text().startswith("postgres"):
            return False
        return Path(os.readlink(entry / "cwd")).resolve() == data.resolve()
    except FileNotFoundError:  # no such process (or it just ended)
        return False
    except PermissionError:  # another user's process: its name has to do, as in `process`
        return True
