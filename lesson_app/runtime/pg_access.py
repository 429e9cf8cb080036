"""Who runs the embedded PostgreSQL, and what that user can reach.

PostgreSQL refuses to run as root, so as root it runs as a system user (`lessonpg`). A clone often sits where
no other user may enter: a home folder with mode 700, a `mktemp -d` folder, Poetry's virtualenvs under /root.
The learner's folders keep their permissions: we try, as that user, whether it reaches the binaries and the
data folder, and when it cannot, the binaries are copied once into a root-owned, world-readable cache and the
data lives in a folder of that user's own outside the project, recorded beside the project's data folder.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
from pathlib import Path

import fasteners

log = logging.getLogger(__name__)
POINTER = "data-lives-in"  # in PG_DIR: the folder that really holds data/ and server.log, when moved


class EmbeddedDatabaseError(RuntimeError):
    """The embedded server could not do what was asked; the message says why and what to do."""


def run_as(name: str) -> dict:
    """Return the subprocess arguments that run as the system user `name` when we are root (else empty)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return {}
    import pwd

    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        try:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                check=True,
                capture_output=True,
                text=True,
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            raise EmbeddedDatabaseError(
                f"PostgreSQL refuses to run as root and the system user {name!r} could not be created "
                f"({exc}): create it with `useradd --system {name}` or run as an ordinary user."
            ) from exc
        entry = pwd.getpwnam(name)
    # cwd="/": the caller's folder may be one the system user cannot enter, and initdb and pg_ctl look at it.
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": [], "cwd": "/"}


def _name(who: dict) -> str:
    """The name of the user `who` (run_as's arguments) runs as, for messages."""
    import pwd  # Unix only, as is running as root: who is empty elsewhere and this is never called

    return pwd.getpwuid(who["user"]).pw_name


def give(path: Path, who: dict) -> None:
    """Hand a file or folder we made to the user PostgreSQL runs as."""
    if who:
        os.chown(path, who["user"], who["group"])


def reaches(who: dict, folder: Path, program: Path | None = None) -> bool:
    """Say whether the server's user can enter `folder` (and run `program`), tried as that user for real."""
    if not who:
        return True
    script = 'cd "$1" || exit 1; [ -z "$2" ] || exec "$2" --version'
    probe = subprocess.run(
        ["/bin/sh", "-c", script, "sh", str(folder), str(program or "")], capture_output=True, timeout=30, **who
    )
    return probe.returncode == 0


def recorded_home(pg_dir: Path) -> Path:
    """Return the folder that holds data/ and server.log: PG_DIR, or where a pointer there says."""
    try:
        return Path((pg_dir / POINTER).read_text().strip())
    except FileNotFoundError:
        return pg_dir


def choose_home(pg_dir: Path, who: dict, shared_data_dir: Path) -> Path:
    """Return the recorded home; for a new data folder the server's user cannot reach, make one it owns."""
    home = recorded_home(pg_dir)
    if home != pg_dir or (pg_dir / "data" / "PG_VERSION").exists() or reaches(who, pg_dir):
        return home
    key = hashlib.sha256(str((pg_dir / "data").resolve()).encode()).hexdigest()[:16]
    home = _shared_folder(shared_data_dir) / key
    home.mkdir(mode=0o700, exist_ok=True)
    give(home, who)
    (pg_dir / POINTER).write_text(f"{home}\n")
    log.warning(
        "PostgreSQL runs as the system user %r, who cannot enter %s, so this project's rows live in %s "
        "(`python -m lesson_app db status` shows where, `db reset` deletes them).",
        _name(who),
        pg_dir,
        home,
    )
    return home


def forget_home(pg_dir: Path) -> None:
    """Delete a moved home and its pointer (`db reset`); the next start chooses again."""
    home = recorded_home(pg_dir)
    if home != pg_dir:
        shutil.rmtree(home, ignore_errors=True)
        (pg_dir / POINTER).unlink(missing_ok=True)


def runnable_binaries(bins: Path, version: int, who: dict, shared_bin_dir: Path) -> Path:
    """Return binaries the server's user can run: `bins` itself, or a copy of their install in a shared cache."""
    # initdb, not postgres: it also loads the wheel's vendored libpq, so this proves the libraries too.
    if reaches(who, bins, bins / "initdb"):
        return bins
    # Keyed by the content of the server program: clones with the same wheel share one copy.
    digest = hashlib.sha256((bins / "postgres").read_bytes()).hexdigest()[:12]
    target = _shared_folder(shared_bin_dir) / f"pg{version}-{digest}"
    install, package = bins.parent, bins.parent.parent
    copied = target / package.name / install.name / bins.name
    if not (copied / "postgres").exists():
        _copy_install(_parts(install), target)
        log.warning(
            "The system user %r cannot reach the PostgreSQL programs in %s, so they were copied once to %s, "
            "which every user can read.",
            _name(who),
            install,
            target,
        )
    if not reaches(who, copied, copied / "initdb"):
        raise EmbeddedDatabaseError(
            f"PostgreSQL runs as the system user {_name(who)!r} because we are root, and "
            f"it cannot run the programs even in {target}: check that folder's permissions, or set DATABASE_URL."
        )
    return copied


def _parts(install: Path) -> dict[Path, Path]:
    """Map what to copy to where, keeping the layout the programs find their libraries by."""
    package = install.parent
    parts = {install: Path(package.name, install.name)}
    # A wheel repaired by auditwheel keeps its libraries (libpq) in `<package>.libs` beside the package, and
    # its programs find them through RPATH $ORIGIN/../../../<package>.libs.
    libs = package.parent / f"{package.name}.libs"
    if libs.is_dir():
        parts[libs] = Path(libs.name)
    return parts


def _shared_folder(path: Path) -> Path:
    """Create a root-owned folder every user may enter (ours, never the learner's)."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o755)
    return path


def _copy_install(parts: dict[Path, Path], target: Path) -> None:
    """Copy an install (bin, lib, share; not the C headers) to `target`, world-readable, all or nothing."""
    with fasteners.InterProcessLock(str(target.parent / ".lock")):
        if target.exists():
            return
        staging = target.parent / f".{target.name}.{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        for source, where in parts.items():
            skip_headers = lambda folder, _, top=str(source): ["include"] if folder == top else []  # noqa: E731
            shutil.copytree(source, staging / where, symlinks=True, ignore=skip_headers)
        for folder, _, files in os.walk(staging):
            os.chmod(folder, 0o755)
            for name in files:
                path = os.path.join(folder, name)
                if not os.path.islink(path):
                    os.chmod(path, 0o755 if os.stat(path).st_mode & 0o100 else 0o644)
        os.rename(staging, target)
