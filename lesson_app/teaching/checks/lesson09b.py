"""Checkers for notebook 09b: a prediction of what `alembic upgrade heads` leaves in alembic_version, a NOT NULL
column added to a table that has rows, the expand step of a rename (expand_step.py) and a prediction of a query
plan (plan_prediction.py).

Exercise 1 builds a real scratch project with two heads in a temporary folder, on a database of its own, and runs
the commands; exercise 2 runs the learner's migration with Alembic's `op` on a temporary `youtube` table inside a
transaction that is always rolled back.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from lesson_app.runtime.databases import lesson_database, plain_url
from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.expand_step import check_expand as check_expand
from lesson_app.teaching.checks.guards import whole_number
from lesson_app.teaching.checks.migration_rehearsal import column_names, python_defaults, rehearsal, run
from lesson_app.teaching.checks.op_hint import explain_unknown_op
from lesson_app.teaching.checks.op_hint import hook_into_ipython as hook_into_ipython
from lesson_app.teaching.checks.plan_prediction import check_plan_prediction as check_plan_prediction
from lesson_app.teaching.restart import make_needs
from lesson_app.teaching.scratch_project import empty_schema, scratch_project, set_functions

# After a kernel restart, `needs(...)` in an exercise cell names the section whose cell makes a missing name.
MADE_IN = {"scratch_engine": "The scratch project, in one call"}
needs = make_needs(MADE_IN)

HEADS_DATABASE = "09b_migrations_in_a_team_heads"
BRANCHES = {"0002a": "duration_seconds", "0002b": "thumbnail_url"}


def rows_after_upgrade_heads(database_url: URL | None = None) -> list[str]:
    """Build 0001 <- 0002a, 0002b (two heads, no merge), run `alembic upgrade heads`, return alembic_version."""
    url = database_url or lesson_database(HEADS_DATABASE, migrate=False, own=True)
    engine = create_engine(url)
    try:
        empty_schema(engine)
        with tempfile.TemporaryDirectory(prefix="alembic-heads-") as folder, contextlib.redirect_stdout(io.StringIO()):
            project = scratch_project(folder, plain_url(url))
            project.alembic('revision --autogenerate -m "create youtube table" --rev-id 0001')
            for revision, column in BRANCHES.items():  # both on 0001: --splice allows a second child
                project.alembic(f'revision -m "add {column}" --rev-id {revision} --head 0001 --splice')
                set_functions(
                    project,
                    revision,
                    f'    op.add_column("youtube", sa.Column("{column}", sa.Integer()))',
                    f'    op.drop_column("youtube", "{column}")',
                )
            project.alembic("upgrade heads")
            if project.exit_status:
                raise RuntimeError(f"`alembic upgrade heads` ended with exit status {project.exit_status}")
        with engine.connect() as conn:
            return sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    finally:
        engine.dispose()


def _as_count(answer: Any) -> int | None:
    """Read a prediction written as 2, 2.0, "2" or "two"; None when it is not a number of rows."""
    words = {"zero": 0, "none": 0, "one": 1, "two": 2, "three": 3}
    if isinstance(answer, str):
        answer = answer.strip().rstrip(".").lower()  # "2." or "Two." as a sentence ends
        answer = words.get(answer, answer)
    return whole_number(answer)


def check_heads_prediction(prediction: Any, database_url: URL | None = None) -> Feedback:
    """Compare a predicted number of alembic_version rows with what `alembic upgrade heads` really leaves."""
    if not_attempted(prediction):
        return waiting("your prediction, a number such as `1`")
    count = _as_count(prediction)
    if count is None:
        return hint(f"write the prediction as a number of rows, e.g. `prediction = 1`; got {prediction!r}.")
    try:
        rows = rows_after_upgrade_heads(database_url)
    except Exception as exc:  # noqa: BLE001 - the database may be down: say so instead of a traceback
        return hint(f"the checker could not run the commands ({type(exc).__name__}: {exc}); run the cell again.")
    happened = f"`alembic upgrade heads` ran, and alembic_version holds {len(rows)} rows: {', '.join(rows)}"
    if count == len(rows):
        return correct(
            f"{happened}. One row per head the database has reached, so that Alembic knows both branches ran; "
            "`alembic merge heads` and `upgrade head` would make it one row, the merge."
        )
    if count == 0:
        return hint(
            f"{happened}. `upgrade heads`, plural, does not refuse as `upgrade head` did: it runs every branch."
        )
    if count == 1:
        return hint(
            f"{happened}, not 1. With no merge revision, no single revision stands for both branches, so Alembic "
            "records each head the database reached."
        )
    return hint(
        f"{happened}, not {count}. A row is replaced as the database moves along a branch (0001 is gone); "
        "only the heads it reached stay."
    )


def _null_column_failure(exc: Exception, python_default: bool = False) -> Feedback:
    """Explain what PostgreSQL (or Alembic) refused in the learner's upgrade."""
    if (unknown := explain_unknown_op(exc)) is not None:
        return unknown
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        first = str(exc.orig).strip().splitlines()[0]
        if "contains null values" in first and python_default:
            return hint(
                f"PostgreSQL refused: {first}. `default=` is Python's: SQLAlchemy fills it in only for the new rows "
                "it INSERTs itself, and PostgreSQL never hears of it; the rows already there need a "
                "`server_default` or an UPDATE."
            )
        if "contains null values" in first:
            return hint(
                f"PostgreSQL refused: {first}. The `youtube` table already has rows, and a NOT NULL column added "
                'in one step has no value for them; the section "A data migration: a NOT NULL column for the rows '
                'already there" met the same refusal and shows the way round it.'
            )
        return hint(f"PostgreSQL refused your upgrade: {first}")
    if isinstance(exc, NameError):
        return hint(f"{exc}: the cell's imports (`import sqlalchemy as sa`, `from alembic import op`) must run first.")
    return hint(f"your upgrade raised {type(exc).__name__}: {exc}")


def check_not_null_column(upgrade: Any, engine: Engine) -> Feedback:
    """Check an upgrade that adds youtube.language NOT NULL, with 'en' for every row already there."""
    if not_attempted(upgrade):
        return waiting("your function: `my_upgrade = upgrade` (first as it is, then fixed)")
    if not callable(upgrade):
        return hint(f"expected the function itself (`my_upgrade = upgrade`, no parentheses); got {upgrade!r}.")
    with rehearsal(engine) as conn:
        conn.execute(text("INSERT INTO youtube (title, channel) VALUES ('Routes, live', 'Request Journey')"))
        with python_defaults() as defaulted:
            error = run(upgrade, conn)
        if error is not None:
            return _null_column_failure(error, python_default="language" in defaulted)
        columns = column_names(conn) or []
        if "language" not in columns:
            return hint(f"there is no `language` column afterwards (the columns are {', '.join(columns) or 'gone'}).")
        not_null, default = conn.execute(
            text(
                "SELECT a.attnotnull, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a LEFT JOIN pg_attrdef d "
                "ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                "WHERE a.attrelid = 'pg_temp.youtube'::regclass AND a.attname = 'language'"
            )
        ).one()
        values = sorted(
            {"NULL" if v is None else repr(v) for v in conn.execute(text("SELECT language FROM youtube")).scalars()}
        )
        if values != ["'en'"]:
            return hint(f"the videos' language is {', '.join(values)}; every video so far should say 'en'.")
        if not not_null:
            return hint(
                "every video says 'en', but the column still accepts NULL: the last of the three steps is missing "
                '(the section "A data migration: a NOT NULL column for the rows already there" ends with it).'
            )
    kept = f" Its default, {default}, stays for new rows." if default else ""
    return correct(f"language is NOT NULL and both videos say 'en'.{kept}")
