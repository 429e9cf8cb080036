"""The one error a lesson sees when its PostgreSQL server does not answer, shared by `databases` and `migrations`.

A module of its own so that neither of those two has to import the other to raise it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lesson_app.config.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import URL


class DatabaseUnavailableError(ConnectionError):
    """The configured PostgreSQL server did not answer; the message says where and what to do."""


def unavailable_error(url: URL, exc: Exception) -> DatabaseUnavailableError:
    """Say in one sentence that the server at `url` did not answer, and what to do about it."""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    where = f"{url.host}:{url.port or 5432}"
    fix = (
        "check DATABASE_URL in .env (or unset it to use the embedded server)"
        if get_settings().database_url
        else "run `python -m lesson_app db status`, then `db start`"
    )
    return DatabaseUnavailableError(f"Cannot reach PostgreSQL at {where} ({reason}): {fix}.")
