"""A plain connection to a PostgreSQL server, or the one error a lesson sees when it does not answer.

A module of its own, shared by `databases`, `schema_version` and `migrations`, so none of them imports another
to connect or to raise that error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg2
from sqlalchemy.engine import URL

from lesson_app.config.settings import get_settings


class DatabaseUnavailableError(ConnectionError):
    """The configured PostgreSQL server did not answer; the message says where and what to do."""


def unavailable_error(url: URL, exc: Exception) -> DatabaseUnavailableError:
    """Say in one sentence that the server at `url` did not answer, or refused us and why, and what to do."""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    where = f"{url.host}:{url.port or 5432}"
    if "password authentication failed" in reason:
        return DatabaseUnavailableError(
            f"PostgreSQL at {where} refused the password of user {url.username!r}: copy the whole URL again "
            "from your provider (Neon: Connect, then the connection string) into DATABASE_URL in .env."
        )
    if "no encryption" in reason:  # pg_hba.conf admits only TLS connections, as Neon and most hosted servers do
        return DatabaseUnavailableError(
            f"PostgreSQL at {where} accepts only encrypted connections: end DATABASE_URL in .env with "
            "`?sslmode=require`, as the URL your provider shows does."
        )
    fix = (
        "check DATABASE_URL in .env (or unset it to use the embedded server)"
        if get_settings().database_url
        else "run `python -m lesson_app db status`, then `db start`"
    )
    return DatabaseUnavailableError(f"Cannot reach PostgreSQL at {where} ({reason}): {fix}.")


@contextmanager
def cursor(url: URL) -> Iterator[psycopg2.extensions.cursor]:
    """Yield an autocommit cursor on the database the URL names, through psycopg2 directly."""
    try:
        # libpq takes any parameter a URL's query may hold (sslmode, options, ...); as keywords they are Any.
        query: dict[str, Any] = dict(url.query)
        conn = psycopg2.connect(
            **url.translate_connect_args(username="user", database="dbname"),
            **query,
            connect_timeout=get_settings().connect_timeout_seconds,
        )
    except psycopg2.OperationalError as exc:
        raise unavailable_error(url, exc) from None
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


def server_version(url: URL) -> str:
    """The version of the PostgreSQL server at `url`, or the one sentence of `DatabaseUnavailableError`."""
    with cursor(url) as cur:
        cur.execute("SHOW server_version")
        row = cur.fetchone()
    return str(row[0]) if row else "?"
