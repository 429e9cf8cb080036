"""Notebook 09's exercise 3: the revision the scratch database is at, read from its alembic_version table, with a
hint that says which way to go when the database is not at 0002."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting


def _not_at_0002(actual: str | None) -> Feedback:
    """Where the database is instead, and which way to go: back when not far enough, forward when too far."""
    if actual in ("0003", "0004"):
        return hint(
            f"the database is at {actual}: not far enough back, the playlist table (which came with 0003) is "
            "still there. Downgrade to the revision just before 0003, then read alembic_version again."
        )
    if actual in ("0001", None):
        where = "at 0001" if actual else "at no revision at all (no row in alembic_version)"
        lost = "the views column (0002) went too" if actual else "every table of the chain went"
        return hint(
            f"the database is {where}: that went too far back, {lost}. Upgrade to the revision "
            "just before the playlist table (0003) came, then read alembic_version again."
        )
    return hint(
        f"the database is at {actual}. The playlist table came with 0003, so the revision before it is "
        "the one to go back to: downgrade to it, then read alembic_version again."
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
        return _not_at_0002(actual)
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
