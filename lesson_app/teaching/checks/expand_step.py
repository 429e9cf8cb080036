"""Notebook 09b's exercise 3: the expand step of renaming youtube.title to headline. The learner's upgrade runs with
Alembic's `op` on a temporary `youtube` table, then the old code's own statements (a SELECT and an INSERT that
name `title` only) run against the result: the step is right when the old code still works and every row
already has its headline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.migration_rehearsal import column_names, rehearsal, run
from lesson_app.teaching.checks.op_hint import explain_unknown_op

OLD_SELECT = "SELECT id, title, channel FROM youtube"
OLD_INSERT = "INSERT INTO youtube (title, channel) VALUES ('Written by the old code', 'Request Journey')"
# With one row, copying the first title to every row, or to row 1 only, looked right: three titles tell them apart.
MORE_ROWS = "INSERT INTO youtube (title, channel) VALUES ('DNS, step by step', 'Ana'), ('Status codes', 'Ben')"


def _old_code_error(conn: Connection) -> str | None:
    """Run what the old code sends; return PostgreSQL's first line when it refuses, else None (rolled back)."""
    savepoint = conn.begin_nested()
    try:
        conn.execute(text(OLD_SELECT)).all()
        conn.execute(text(OLD_INSERT))
    except DBAPIError as exc:
        return str(exc.orig).strip().splitlines()[0]
    finally:
        savepoint.rollback()
    return None


def _raised(exc: Exception) -> Feedback:
    if (unknown := explain_unknown_op(exc)) is not None:
        return unknown
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return hint(f"PostgreSQL refused your upgrade: {str(exc.orig).strip().splitlines()[0]}")
    return hint(f"your upgrade raised {type(exc).__name__}: {exc}")


def _uncopied(conn: Connection) -> Feedback | None:
    """A hint when some stored video's `headline` is not its own `title`, else None."""
    total, empty, other = conn.execute(
        text(
            "SELECT count(*), count(*) FILTER (WHERE headline IS NULL), "
            "count(*) FILTER (WHERE headline IS DISTINCT FROM title AND headline IS NOT NULL) FROM youtube"
        )
    ).one()
    if empty == total:
        return hint(
            f"`headline` is there, but the {total} videos already stored have none (NULL): filling it from the rows "
            "is a data migration, like revision 0005, which filled `channel_name`."
        )
    if other:
        return hint(
            f"{other} of the {total} videos stored have another video's title in `headline`: each row must get "
            "the `title` of that same row."
        )
    if empty:
        return hint(
            f"{empty} of the {total} videos stored still have no `headline` (NULL): the copy must reach every row."
        )
    return None


def check_expand(upgrade: Any, engine: Engine) -> Feedback:
    """Check an expand step: `headline` added and filled from `title`, and the old code's statements still work."""
    if not_attempted(upgrade):
        return waiting("your function, e.g. `def upgrade(): ...` and then `my_expand = upgrade`")
    if not callable(upgrade):
        return hint(f"expected the function itself (`my_expand = upgrade`, no parentheses); got {upgrade!r}.")
    with rehearsal(engine) as conn:
        conn.execute(text(MORE_ROWS))
        error = run(upgrade, conn)
        if error is not None:
            return _raised(error)
        columns = column_names(conn) or []
        if "title" not in columns:
            return hint(
                "`title` is gone, and the running code still reads and writes it: that is the one-step rename "
                "(or a drop). The expand step only adds; `title` goes in the contract step, after the release."
            )
        if "headline" not in columns:
            return hint(f"there is no `headline` column afterwards (the columns are {', '.join(columns)}).")
        if (uncopied := _uncopied(conn)) is not None:
            return uncopied
        refused = _old_code_error(conn)
        if refused is not None:
            return hint(
                f"the old code's INSERT, which names only `title`, now fails: {refused}. Keep `headline` nullable "
                "until the contract step (the new code, or a trigger, fills it meanwhile)."
            )
    return correct(
        "`headline` holds every video's title, and the old code's SELECT and INSERT (which know only `title`) "
        "still work. Next: write both, release the code that reads `headline`, then contract."
    )
