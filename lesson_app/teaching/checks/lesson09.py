"""Checkers for notebook 09: a downgrade that undoes its upgrade, a rename that keeps the data, and a prediction of
the revision `alembic downgrade -2` leaves the database at.

The migration functions a learner writes are run for real, with Alembic's `op`, against a temporary `youtube`
table inside one transaction that is always rolled back. PostgreSQL can roll back `ALTER TABLE` and `DROP TABLE`
too, so a wrong answer changes nothing, and the lesson's own tables are never touched.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from alembic import op
from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting

# Notebook 09 imports these from here with its checkers.
from lesson_app.teaching.checks.downgrade_prediction import check_downgrade_prediction as check_downgrade_prediction
from lesson_app.teaching.checks.migration_rehearsal import column_names, rehearsal, run
from lesson_app.teaching.checks.op_hint import explain_op_outside_migration as explain_op_outside_migration
from lesson_app.teaching.checks.op_hint import explain_unknown_op
from lesson_app.teaching.checks.op_hint import hook_into_ipython as hook_into_ipython
from lesson_app.teaching.restart import make_needs

# After a kernel restart, `needs(...)` in an exercise cell names the section whose cell makes a missing name.
MADE_IN = {
    "scratch_engine": "A scratch project and a scratch database",
    "alembic": "Running the `alembic` command",
}
needs = make_needs(MADE_IN)


def given_upgrade() -> None:
    """The upgrade of exercise 1, as autogenerate wrote it."""
    op.add_column("youtube", sa.Column("duration_seconds", sa.Integer(), nullable=True))


def _failure(exc: Exception, function: str) -> Feedback:
    if (unknown := explain_unknown_op(exc)) is not None:
        return unknown
    if isinstance(exc, NameError):
        return hint(
            f"{exc}: a migration script starts with `from alembic import op` and `import sqlalchemy as sa`; "
            "run those imports in the notebook too."
        )
    if isinstance(exc, TypeError) and "_set_parent" in str(exc):  # a Column object where a name belongs
        return hint(
            'drop_column takes the column\'s NAME, a string, not an `sa.Column(...)`: `op.drop_column("youtube", '
            '"duration_seconds")`.'
        )
    if isinstance(exc, TypeError) and "alter_column" in str(exc) and "'name'" in str(exc):
        return hint(
            "alter_column's own `name` is the column to change; the new name goes in `new_column_name=`: "
            '`op.alter_column("youtube", "channel", new_column_name="channel_name")`.'
        )
    if isinstance(exc, TypeError) and ("drop_column" in str(exc) or "alter_column" in str(exc)):
        return hint(f'{exc}. The table name comes first: `op.drop_column("youtube", "column")`.')
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return hint(f"PostgreSQL refused your {function}: {str(exc.orig).strip().splitlines()[0]}")
    return hint(f"your {function} raised {type(exc).__name__}: {exc}")


def _not_a_function(answer: Any, name: str) -> Feedback | None:
    """Refuse the placeholder, and anything but the migration function itself (`my_{name} = {name}`)."""
    if not_attempted(answer):
        return waiting(f"your function, e.g. `def {name}(): ...` and then `my_{name} = {name}`")
    if not callable(answer):
        return hint(f"expected the function itself (`my_{name} = {name}`, no parentheses); got {answer!r}.")
    return None


def check_downgrade(downgrade: Any, engine: Engine) -> Feedback:
    """Check a `downgrade()` that undoes `given_upgrade()` exactly: the column goes, the table and its rows stay."""
    if (refused := _not_a_function(downgrade, "downgrade")) is not None:
        return refused
    with rehearsal(engine) as conn:
        before = column_names(conn)
        assert before is not None, "_rehearsal has just created the table"
        given_upgrade()
        error = run(downgrade, conn)
        if error is not None:
            return _failure(error, "downgrade")
        after = column_names(conn)
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


def _rename_failure(error: Exception) -> Feedback:
    """Explain an upgrade that raised; a column that does not exist gets the column's names before and after."""
    if isinstance(error, DBAPIError) and "does not exist" in str(error.orig):
        return hint(
            f"{str(error.orig).strip().splitlines()[0]}: the column is called `channel` before the "
            "upgrade, and `channel_name` after it."
        )
    return _failure(error, "upgrade")


def check_rename(upgrade: Any, engine: Engine) -> Feedback:
    """Check an `upgrade()` that renames youtube.channel to channel_name and keeps every value."""
    if (refused := _not_a_function(upgrade, "upgrade")) is not None:
        return refused
    with rehearsal(engine) as conn:
        error = run(upgrade, conn)
        if error is not None:
            return _rename_failure(error)
        columns = column_names(conn)
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
        attnum, not_null = _place_and_not_null(conn)
        if attnum == 3 and not not_null:  # renamed in place, and NOT NULL taken away as well
            return hint(
                "the column was renamed in place and kept its values, but you also changed NOT NULL: `channel` "
                "was NOT NULL and `channel_name` now takes NULL. A rename changes only the name: leave out "
                "`nullable=`."
            )
        if attnum != 3 or not not_null:
            return hint(
                "the values arrived, but by copying: add_column + UPDATE + drop_column rewrites every row (slow on "
                "a big table) and loses the column's place and its constraints (NOT NULL here). Rename in place: "
                '`op.alter_column("youtube", "channel", new_column_name="channel_name")`.'
            )
        if columns != ["id", "title", "channel_name"]:
            return hint(f"the columns should be id, title, channel_name; they are {', '.join(columns)}.")
        return correct(
            f"channel is now channel_name, and the video's value, {value!r}, is still there. "
            "Write its downgrade the other way round."
        )


def _place_and_not_null(conn: Any) -> tuple[int, bool]:
    """The number and NOT NULL of `channel_name`: a rename keeps the column's number, 3, and its NOT NULL."""
    attnum, not_null = conn.execute(
        text(
            "SELECT attnum, attnotnull FROM pg_attribute WHERE attrelid = 'pg_temp.youtube'::regclass "
            "AND attname = 'channel_name'"
        )
    ).one()
    return int(attnum), bool(not_null)
