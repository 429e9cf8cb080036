"""Checkers for notebook 09: a downgrade that undoes its upgrade, a rename that keeps the data, and the revision
a database is at.

The migration functions a learner writes are run for real, with Alembic's `op`, against a temporary `youtube`
table inside one transaction that is always rolled back. PostgreSQL can roll back `ALTER TABLE` and `DROP TABLE`
too, so a wrong answer changes nothing, and the lesson's own tables are never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DBAPIError

from alembic import op
from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting

ROW = {"title": "Ports explained", "channel": "Request Journey"}


def given_upgrade() -> None:
    """The upgrade of exercise 1, as autogenerate wrote it."""
    op.add_column("youtube", sa.Column("duration_seconds", sa.Integer(), nullable=True))


@contextmanager
def _rehearsal(engine: Engine) -> Iterator[Connection]:
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


def _columns(conn: Connection) -> list[str] | None:
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


def _failure(exc: Exception, function: str) -> Feedback:
    if isinstance(exc, NameError):
        return hint(
            f"{exc}: a migration script starts with `from alembic import op` and `import sqlalchemy as sa`; "
            "run those imports in the notebook too."
        )
    if isinstance(exc, TypeError) and ("drop_column" in str(exc) or "alter_column" in str(exc)):
        return hint(f'{exc}. The table name comes first: `op.drop_column("youtube", "column")`.')
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return hint(f"PostgreSQL refused your {function}: {str(exc.orig).strip().splitlines()[0]}")
    return hint(f"your {function} raised {type(exc).__name__}: {exc}")


def _raised_by_op(exc: BaseException) -> bool:
    """Say whether `exc` came out of Alembic's `op` proxy (its innermost frame is in the module `alembic.op`)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_globals.get("__name__", "").startswith("alembic")


def explain_op_outside_migration(exc: BaseException) -> Feedback | None:
    """Return a hint when `exc` is what `op.<name>(...)` raises when no migration is running, else None.

    That happens when a learner calls the function instead of handing it over, as in
    `check_downgrade(downgrade(), ...)`: `downgrade()` runs at once, before the checker could set up `op`.
    """
    no_proxy = isinstance(exc, NameError) and "proxy object has not yet been established" in str(exc)
    proxy_gone = (
        isinstance(exc, AttributeError)
        and getattr(exc, "obj", ...) is None
        and getattr(exc, "name", None) in _OPERATIONS
    )
    if not (no_proxy or proxy_gone) or not _raised_by_op(exc):
        return None
    return hint(
        "`op` works only while Alembic runs a migration, so calling your function here fails. Pass the "
        "function itself, without (): `my_downgrade = downgrade` (or `my_upgrade = upgrade`). The checker "
        "then calls it for you, inside a migration it rolls back."
    )


_OPERATIONS = frozenset(name for name in dir(Operations) if not name.startswith("_"))


def _show_op_hint(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> None:
    """IPython's handler for AttributeError and NameError: a hint for `op` outside a migration, else as usual."""
    if explain_op_outside_migration(value) is None:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
    else:  # the error's last line, without the frames; the hint is printed when the cell ends, like a checker's
        shell.showtraceback((etype, value, tb), exception_only=True)


def hook_into_ipython(shell: Any = None) -> None:
    """Show `explain_op_outside_migration`'s hint in a notebook, where the error happens before any checker runs.

    Notebook 09 calls this in the cell that imports the first checker; importing this module changes nothing.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return
        shell = get_ipython()
    if shell is None or shell.custom_exceptions not in ((), (AttributeError, NameError)):
        return  # no IPython, or someone else's handler: leave it alone
    shell.set_custom_exc((AttributeError, NameError), _show_op_hint)


def _run(function: Callable[[], Any], conn: Connection) -> Exception | None:
    savepoint = conn.begin_nested()
    try:
        function()
    except Exception as exc:  # noqa: BLE001 - a learner's migration may raise anything; it becomes a hint
        savepoint.rollback()
        return exc
    savepoint.commit()
    return None


def check_downgrade(downgrade: Any, engine: Engine) -> Feedback:
    """Check a `downgrade()` that undoes `given_upgrade()` exactly: the column goes, the table and its rows stay."""
    if not_attempted(downgrade):
        return waiting("your function, e.g. `def downgrade(): ...` and then `my_downgrade = downgrade`")
    if not callable(downgrade):
        return hint(f"expected the function itself (`my_downgrade = downgrade`, no parentheses); got {downgrade!r}.")
    with _rehearsal(engine) as conn:
        before = _columns(conn)
        assert before is not None, "_rehearsal has just created the table"
        given_upgrade()
        error = _run(downgrade, conn)
        if error is not None:
            return _failure(error, "downgrade")
        after = _columns(conn)
        if after is None:
            return hint(
                "after your downgrade the whole `youtube` table is gone: `op.drop_table` would delete every "
                "video. Undo only what the upgrade did: drop the one column it added."
            )
        if after == before:
            rows = conn.execute(text("SELECT count(*) FROM youtube")).scalar()
            if rows != 1:
                return hint(
                    "the columns are right, but the rows are gone: a downgrade should not delete data it did not add."
                )
            return correct(
                "the upgrade added duration_seconds and your downgrade removed exactly that column; "
                "the table and its row are as they were."
            )
        if "duration_seconds" in after:
            extra = [name for name in before if name not in after]
            if extra:
                return hint(f"you dropped {', '.join(extra)}, which the upgrade did not add; drop `duration_seconds`.")
            return hint(
                "`duration_seconds` is still there: a downgrade undoes its upgrade, and this upgrade added "
                "that column. Which `op` function takes a column away again? (Its first argument is the "
                "table's name.)"
            )
        return hint(f"after upgrade and downgrade the columns are {after}, but they should be back to {before}.")


def check_rename(upgrade: Any, engine: Engine) -> Feedback:
    """Check an `upgrade()` that renames youtube.channel to channel_name and keeps every value."""
    if not_attempted(upgrade):
        return waiting("your function, e.g. `def upgrade(): ...` and then `my_upgrade = upgrade`")
    if not callable(upgrade):
        return hint(f"expected the function itself (`my_upgrade = upgrade`, no parentheses); got {upgrade!r}.")
    with _rehearsal(engine) as conn:
        error = _run(upgrade, conn)
        if error is not None:
            if isinstance(error, DBAPIError) and "does not exist" in str(error.orig):
                return hint(
                    f"{str(error.orig).strip().splitlines()[0]}: the column is called `channel` before the "
                    "upgrade, and `channel_name` after it."
                )
            return _failure(error, "upgrade")
        columns = _columns(conn)
        if columns is None:
            return hint("after your upgrade the `youtube` table is gone: rename one column, keep the table.")
        if "channel" in columns and "channel_name" not in columns:
            return hint(
                "nothing was renamed: the column is still `channel`. `op.alter_column` changes a column "
                "that exists, and one of its keyword arguments gives it a new name; the lesson's revision "
                "0004 used it."
            )
        if "channel_name" not in columns:
            return hint(f"there is no `channel_name` column afterwards (the columns are {columns}).")
        if "channel" in columns:
            return hint("both `channel` and `channel_name` exist: the old column must go, by renaming it.")
        value = conn.execute(text("SELECT channel_name FROM youtube")).scalar()
        if value is None:
            return hint(
                "the column is there, but the video's channel is now NULL: that is what add_column + "
                "drop_column does, and the data is lost. Rename the column in place instead, as the lesson "
                "did for `description` in revision 0004."
            )
        if columns != ["id", "title", "channel_name"]:
            return hint(f"the columns should be id, title, channel_name; they are {', '.join(columns)}.")
        return correct(
            f"channel is now channel_name, and the video's value, {value!r}, is still there. "
            "Write its downgrade the other way round."
        )


RELATIVE_NAMES = {"head", "heads", "base", "-1", "+1", "current"}


def check_current_revision(answer: Any, database: Engine | URL) -> Feedback:
    """Check that the scratch database is at 0002 and that `answer` is what its alembic_version table holds."""
    if not_attempted(answer):
        return waiting('the revision id the database is at, as a string, e.g. `"0001"`')
    engine = sa.create_engine(database) if isinstance(database, URL) else database
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT to_regclass('alembic_version')")).scalar()
            versions = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()) if found else []
    finally:
        if engine is not database:
            engine.dispose()
    actual = versions[0] if versions else None
    if actual != "0002":
        where = f"at {actual}" if actual else "at no revision at all (no row in alembic_version)"
        return hint(
            f"the database is {where}. The playlist table came with 0003, so the revision before it is "
            "the one to go back to: downgrade to it, then read alembic_version again."
        )
    if not isinstance(answer, str):
        return hint(f'give the revision id as a string, e.g. "0001"; got {answer!r}.')
    if answer.strip().lower() in RELATIVE_NAMES:
        return hint(
            f"{answer!r} is a name Alembic works out from the scripts; the database stores a revision id. "
            "Read it with `SELECT version_num FROM alembic_version` or `alembic current`."
        )
    if answer.endswith(".py") or "_" in answer:
        return hint("give just the revision id, not the script's file name.")
    if answer.strip() != actual:
        return hint(f"the database's alembic_version holds {actual!r}, not {answer!r}.")
    return correct(
        "the database is at 0002: its alembic_version table holds that one id, and the playlist table "
        "is gone with the downgrade of 0003."
    )
