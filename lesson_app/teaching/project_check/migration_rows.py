"""The rows about migrations: the project's own `alembic upgrade head`, `alembic check`, and a round trip."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL

from lesson_app.teaching.project_check.check_database import is_migrated
from lesson_app.teaching.project_check.process import GUARD, run_alembic, tail
from lesson_app.teaching.project_check.scorecard import Scorecard

BARE_URL_HINT = (
    "SQLAlchemy 2.1 reads a bare postgresql:// URL as psycopg 3, which is not installed: turn DATABASE_URL into "
    "postgresql+psycopg2://... wherever your code reads it (config/database.py, alembic/env.py)."
)

MODELS_DIFFER_HINT = (
    "your models and your migrations differ: make a migration first (`alembic revision --autogenerate -m "
    '"..."`, check the new file, then `alembic upgrade head`).'
)
MISSING_IN_DATABASE = ("UndefinedColumn", "UndefinedTable")  # in a server log: a model ahead of its migrations

ELSEWHERE_HINT = (
    "`alembic upgrade head` migrated a database other than the one in DATABASE_URL: in alembic/env.py, "
    "set sqlalchemy.url from os.environ['DATABASE_URL'] instead of a pasted URL."
)


def failure_hint(output: str, what: str) -> str:
    """Return a one-line hint for a command that failed, naming the usual cause when the output shows it."""
    if "No module named 'psycopg'" in output:
        return BARE_URL_HINT
    if "DATABASE_URL" in output and ("KeyError" in output or "not set" in output):
        return f"{what} could not read DATABASE_URL: read it with os.environ['DATABASE_URL'] and nothing else."
    last = tail(output, 1) or "no output"
    return f"{what} failed ({last[:160]}): run it in the project folder and fix the error it shows."


def check_hint(output: str) -> str:
    """Say why `alembic check` found the models and the migrations apart."""
    if "does not provide a MetaData object" in output:
        return "alembic/env.py says target_metadata = None: set it to Base.metadata (from models.youtube_model)."
    detected = output[output.find("New upgrade operations detected") :]
    if "remove_table" in detected and "add_" not in detected:
        return (
            "alembic check would drop your tables, so env.py's metadata has none: import the module that defines "
            "your models in alembic/env.py and use its Base.metadata."
        )
    if "New upgrade operations detected" in output:
        return MODELS_DIFFER_HINT
    return failure_hint(output, "`alembic check`")


def check_migrations(card: Scorecard, path: Path, env: dict[str, str], db_url: URL) -> bool:
    """Upgrade the fresh database to head, compare models with migrations, and round-trip; return upgrade's result."""
    # One Python process for all (each start imports SQLAlchemy and Alembic again, seconds on a busy machine); GUARD
    # stops it after the upgrade unless that succeeded on the check's own database, so a downgrade never reaches a
    # learner's. The last upgrade brings the database back to head even after a failed downgrade, for the API rows.
    round_trip = card.wants("migrations match models", "migrations round-trip")
    more = (GUARD, "check", "downgrade base", "upgrade head") if round_trip else ()
    upgrade, *rest = run_alembic(path, env, "upgrade head", *more)
    hint = failure_hint(upgrade.output, "`alembic upgrade head`")
    if not card.add("alembic upgrade head", upgrade.ok, hint, tail(upgrade.output)):
        return False
    if not is_migrated(db_url):  # it migrated another database: a downgrade there would drop the learner's tables
        return card.add("alembic upgrade head", False, ELSEWHERE_HINT, tail(upgrade.output))
    if not round_trip:
        return True
    _, check, down, up_again = rest
    card.add("migrations match models", check.ok, check_hint(check.output), tail(check.output))
    if not down.ok:
        hint = "`alembic downgrade base` failed: give each revision a downgrade() that undoes its upgrade()."
        card.add("migrations round-trip", False, hint, tail(down.output))
    else:
        hint = "`alembic upgrade head` failed after `downgrade base`: a downgrade() leaves something behind."
        card.add("migrations round-trip", up_again.ok, hint, tail(up_again.output))
    return up_again.ok
