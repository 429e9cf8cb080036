"""One database per notebook and per test, on the embedded server or the one DATABASE_URL names."""

from __future__ import annotations

import re
import warnings

from psycopg2 import errors, sql
from sqlalchemy.engine import URL

from lesson_app.config.settings import get_settings, normalize_url
from lesson_app.runtime import embedded, learner_databases, schema_version
from lesson_app.runtime.connection import DatabaseUnavailableError, cursor

# DatabaseUnavailableError stays importable from here, where lesson_app exports it from.
__all__ = ["DatabaseUnavailableError", "lesson_database", "plain_url", "server_url"]
_NAME = re.compile(r"[^a-z0-9_]+")


def database_name(label: str) -> str:
    """Turn a label such as '07_postgresql' into a safe database name such as 'rj_07_postgresql'."""
    name = _NAME.sub("_", label.lower()).strip("_")
    if not name:
        raise ValueError("A database label needs at least one letter or digit.")
    return f"rj_{name}"[:63]


def server_url(database: str | None = None) -> URL:
    """Return the URL of a database on the configured server (DATABASE_URL, or the embedded one).

    On the embedded server the database is created if it does not exist yet.
    """
    settings = get_settings()
    if settings.database_url:
        url = normalize_url(settings.database_url)
        return url.set(database=database) if database else url
    url = embedded.ensure_running().url(database or settings.default_database)
    create_database(url)
    return url


def plain_url(url: URL) -> str:
    """Render a URL as psql and TablePlus take it: no SQLAlchemy driver suffix, the password shown."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class PooledEndpointWarning(UserWarning):
    """Migrations are about to go through a connection pooler (Neon's `-pooler` host) for want of a direct URL."""


POOLED_FOR_MIGRATIONS = (
    "DATABASE_URL is a pooled endpoint (`-pooler` in its host name), which migrations should not go through: "
    "add DIRECT_DATABASE_URL to .env, the same URL without `-pooler` (Neon's direct connection string)."
)


def migration_url(url: URL | None = None) -> URL:
    """Return the URL to migrate the database `url` names (default: the main one), as `alembic` does.

    That is the direct endpoint when DIRECT_DATABASE_URL is set (Neon's pooled one is not for migrations).
    """
    direct = get_settings().direct_database_url
    if not direct:
        chosen = url or server_url()
        if chosen.host and "-pooler" in chosen.host:
            warnings.warn(POOLED_FOR_MIGRATIONS, PooledEndpointWarning, stacklevel=2)
        return chosen
    return normalize_url(direct).set(database=url.database) if url else normalize_url(direct)


def migrate_to_newest(url: URL) -> None:
    """Bring the database `url` names to the newest revision; one already there costs one query, no Alembic."""
    if not schema_version.is_at_newest(url):
        from lesson_app.runtime import migrations  # Alembic costs ~0.3 s to import: only when there is work

        migrations.upgrade(url)


def _admin_cursor(url: URL):
    """Open an autocommit cursor on the server's `postgres` database (CREATE DATABASE needs one)."""
    return cursor(url.set(database="postgres"))


def _database_name(url: URL) -> str:
    if not url.database:
        raise ValueError(f"The URL {url!r} names no database; add one after the last /, e.g. /rj_00_start_here.")
    return url.database


def database_exists(url: URL) -> bool:
    """Say whether the database the URL names exists on its server."""
    with _admin_cursor(url) as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,))
        return cur.fetchone() is not None


def create_database(url: URL, template: str | None = None) -> bool:
    """Create the database the URL names unless it exists; return whether it was created."""
    with _admin_cursor(url) as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,))
        if cur.fetchone():
            return False
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(_database_name(url)))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        try:
            cur.execute(statement)
        except errors.DuplicateDatabase:  # another process created it a moment ago
            return False
    return True


def drop_database(url: URL) -> None:
    """Drop the database the URL names, closing anyone still connected to it."""
    with _admin_cursor(url) as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(_database_name(url))))


class SharedDatabaseError(RuntimeError):
    """A lesson that empties its tables was about to run on a database other lessons share."""


def lesson_database(label: str, *, migrate: bool = True, own: bool = False) -> URL:
    """Return the URL of this lesson's own database, created on first use and migrated to the newest schema.

    Rows stay between runs: a re-run finds the database and its rows as they were. On a server where the
    role may not create databases, lessons share the one in DATABASE_URL; `own=True` (for a lesson that
    empties its tables) refuses that instead, so a learner's own rows are never wiped. With LEARNER_DATABASES on,
    the database is the learner's alone (`learner_databases`); a role that may not create it is told to ask for one.
    """
    settings = get_settings()
    if settings.database_url and settings.learner_databases:  # a class on one server: never a shared database
        url = learner_databases.private_database(
            normalize_url(settings.database_url), settings.learner, database_name(label)[3:]
        )
    elif settings.database_url:
        base = normalize_url(settings.database_url)
        url = base.set(database=f"{base.database}_{database_name(label)[3:]}")
        try:
            create_database(url)
        except errors.InsufficientPrivilege:
            if own:
                raise SharedDatabaseError(
                    f"Lesson {label} empties its tables, so it needs a database of its own, and the role in "
                    "DATABASE_URL may not create one: grant it CREATEDB, or unset DATABASE_URL to use the "
                    "embedded server."
                ) from None
            warnings.warn(f"This role may not create databases, so {label} shares {base.database}.", stacklevel=2)
            url = base
    else:
        url = embedded.ensure_running().url(database_name(label))
        if migrate and _already_at_newest(url):
            return url  # the usual re-run: one connection, no CREATE DATABASE check on `postgres` first
        create_database(url)
    if migrate:
        migrate_to_newest(migration_url(url))
    return url


def _already_at_newest(url: URL) -> bool:
    """Say whether the embedded server's database `url` exists and is at the newest revision; no means "find out"."""
    if get_settings().direct_database_url:  # migrations would go elsewhere: let migration_url decide
        return False
    try:
        return schema_version.is_at_newest(url)
    except DatabaseUnavailableError:  # most often: it does not exist yet; the usual path creates it, or says why
        return False
