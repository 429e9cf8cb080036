"""What the check's own database shows: the project's migrations, its rows and its open connections."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text
from sqlalchemy.engine import URL

from lesson_app.config.database import make_engine

# Every connection to the check's own database but ours: the project's server is the only other client.
ACTIVITY = text(
    "SELECT count(*) FILTER (WHERE state LIKE 'idle in transaction%'), count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
)
URL_TABLES = text(
    "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.columns "
    "WHERE column_name = 'url' AND table_schema NOT IN ('pg_catalog', 'information_schema')"
)


@contextmanager
def _connection(db_url: URL) -> Iterator[Connection]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def is_migrated(db_url: URL) -> bool:
    """Say whether Alembic recorded a revision in this database (and so migrated this one, not another)."""
    with _connection(db_url) as connection:
        if connection.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None:
            return False
        return connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() > 0


def stores_url(db_url: URL, url: str) -> bool:
    """Say whether a row with this url is in this database, in whichever table has a `url` column."""
    with _connection(db_url) as connection:
        for table in connection.execute(URL_TABLES).scalars():  # names quoted by quote_ident
            if connection.execute(text(f"SELECT count(*) FROM {table} WHERE url = :url"), {"url": url}).scalar():
                return True
    return False


def activity(db_url: URL) -> tuple[int, int]:
    """Return how many connections the project holds on this database: idle in a transaction, and in all."""
    with _connection(db_url) as connection:
        idle_in_transaction, total = connection.execute(ACTIVITY).one()
    return idle_in_transaction, total
