"""lesson_app: the small FastAPI + PostgreSQL application the request-journey notebooks take apart.

Three parts, one folder each: `api` (the app a request reaches), `runtime` (what runs the lessons: the
embedded PostgreSQL, each lesson's database, Uvicorn in a notebook) and `teaching` (checkers and the
helpers lessons show). `config` and `models` keep the names the notes give them.

The names below are what the notebooks import. Each is loaded on first use (PEP 562), so `import lesson_app`
costs nothing: a notebook that needs only `plain_url` does not load FastAPI, Uvicorn or Alembic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> the module that defines it
_WHERE = {
    "create_app": "lesson_app.api.app",
    "Base": "lesson_app.models",
    "Youtube": "lesson_app.models",
    "PROJECT_ROOT": "lesson_app.config.settings",
    "Settings": "lesson_app.config.settings",
    "get_settings": "lesson_app.config.settings",
    "normalize_url": "lesson_app.config.settings",
    "DatabaseUnavailableError": "lesson_app.runtime.databases",
    "lesson_database": "lesson_app.runtime.databases",
    "plain_url": "lesson_app.runtime.databases",
    "server_url": "lesson_app.runtime.databases",
    "EmbeddedDatabaseError": "lesson_app.runtime.embedded",
    "bundled_psql": "lesson_app.runtime.psql_client",
    "LessonServer": "lesson_app.runtime.server",
    "PortInUseError": "lesson_app.runtime.server",
    "PrivilegedPortError": "lesson_app.runtime.server",
    "start_server": "lesson_app.runtime.server",
    "stop_all": "lesson_app.runtime.server",
    "run_cli": "lesson_app.runtime.cli",
    "check_environment": "lesson_app.teaching.environment",
    "ipv6_loopback": "lesson_app.teaching.ipv6",
    "Scorecard": "lesson_app.teaching.project_check",
    "check_project": "lesson_app.teaching.project_check",
}
# Names whose defining module calls them something else.
_ALIASES = {"run_cli": "main"}

__all__ = [
    "Base",
    "DatabaseUnavailableError",
    "EmbeddedDatabaseError",
    "LessonServer",
    "PROJECT_ROOT",
    "PortInUseError",
    "PrivilegedPortError",
    "Scorecard",
    "Settings",
    "Youtube",
    "bundled_psql",
    "check_environment",
    "check_project",
    "create_app",
    "get_settings",
    "ipv6_loopback",
    "lesson_database",
    "normalize_url",
    "plain_url",
    "run_cli",
    "server_url",
    "start_server",
    "stop_all",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'lesson_app' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), _ALIASES.get(name, name))
    globals()[name] = value  # the next lookup skips __getattr__
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


if TYPE_CHECKING:  # what type checkers and editors see; nothing here runs
    from lesson_app.api.app import create_app
    from lesson_app.config.settings import PROJECT_ROOT, Settings, get_settings, normalize_url
    from lesson_app.models import Base, Youtube
    from lesson_app.runtime.cli import main as run_cli
    from lesson_app.runtime.databases import DatabaseUnavailableError, lesson_database, plain_url, server_url
    from lesson_app.runtime.embedded import EmbeddedDatabaseError
    from lesson_app.runtime.psql_client import bundled_psql
    from lesson_app.runtime.server import LessonServer, PortInUseError, PrivilegedPortError, start_server, stop_all
    from lesson_app.teaching.environment import check_environment
    from lesson_app.teaching.ipv6 import ipv6_loopback
    from lesson_app.teaching.project_check import Scorecard, check_project
