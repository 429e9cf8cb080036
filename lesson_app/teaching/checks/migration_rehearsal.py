"""A rehearsal stage for a learner's migration function: Alembic's `op` works on a temporary `youtube` table
inside one transaction that is always rolled back, so nothing the function does outlives the check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, event, text
from sqlalchemy.engine import Connection

ROW = {"title": "Ports explained", "channel": "Request Journey"}


@contextmanager
def rehearsal(engine: Engine) -> Iterator[Connection]:
    """Yield a connection where `op` works on a temporary `youtube` (id, title, channel) with one row; roll back."""
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            conn.execute(
                text(
                    "CREATE TEMPORARY TABLE youtube (id serial PRIMARY KEY, title varchar(200) NOT NULL, "
                    "channel varchar(100) NOT NULL) ON COMMIT DROP"
                )
            )
            conn.execute(text("INSERT INTO youtube (title, channel) VALUES (:title, :channel)"), ROW)
            with Operations.context(MigrationContext.configure(conn)):
                yield conn
        finally:
            transaction.rollback()


def column_names(conn: Connection) -> list[str] | None:
    if conn.execute(text("SELECT to_regclass('pg_temp.youtube')")).scalar() is None:
        return None
    return list(
        conn.execute(
            text(
                "SELECT attname FROM pg_attribute WHERE attrelid = 'pg_temp.youtube'::regclass AND attnum > 0 "
                "AND NOT attisdropped ORDER BY attnum"
            )
        ).scalars()
    )


def run(function: Callable[[], Any], conn: Connection) -> Exception | None:
    savepoint = conn.begin_nested()
    try:
        function()
    except Exception as exc:  # noqa: BLE001 - a learner's migration may raise anything; it becomes a hint
        savepoint.rollback()
        return exc
    savepoint.commit()
    return None


@contextmanager
def python_defaults() -> Iterator[list[str]]:
    """Yield the list of columns a migration in the block adds with `default=` (Python's) and no `server_default`.

    Alembic attaches each column it adds to a Table of its own, so listening for that sees the learner's column
    object, whose `default` PostgreSQL never hears of.
    """
    names: list[str] = []

    def seen(column: Any, _table: Any) -> None:
        if column.default is not None and column.server_default is None:
            names.append(column.name)

    event.listen(Column, "after_parent_attach", seen)
    try:
        yield names
    finally:
        event.remove(Column, "after_parent_attach", seen)
