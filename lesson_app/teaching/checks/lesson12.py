"""Checkers for notebook 12 (build the project): the steps (from `project_steps`) and the two exercises."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import make_url

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.project_steps import check_env_py, check_main, check_migration, check_model

__all__ = [
    "check_driver_url",
    "check_env_py",
    "check_main",
    "check_migration",
    "check_model",
    "check_tables_after_downgrade",
]


def check_tables_after_downgrade(prediction: Any) -> Feedback:
    """Check the prediction of which tables the database holds after `alembic downgrade -1` from 0001."""
    if not_attempted(prediction):
        return waiting('the set of table names you expect, e.g. `{"youtube"}`')
    if isinstance(prediction, str) or not all(isinstance(name, str) for name in prediction):
        return hint('give a set of table names as strings, e.g. `{"youtube", "alembic_version"}`.')
    names = {name.strip().lower() for name in prediction}
    if names == {"alembic_version"}:
        return correct(
            "downgrade ran 0001's downgrade() (drop_table youtube) and emptied alembic_version, "
            "but keeps that table: it is Alembic's bookkeeping, not one of your models."
        )
    if "youtube" in names:
        return hint("0001's downgrade() is `op.drop_table('youtube')`: below 0001 the table is gone, rows and all.")
    if not names:
        return hint("one table is left: Alembic empties its bookkeeping table on the way down but does not drop it.")
    return hint(
        f"{sorted(names - {'alembic_version'})} never existed in this database: which tables did "
        "`upgrade head` make, and which did 0001's downgrade() drop?"
    )


CASES = [
    ("postgresql://alex:secret@db.example:5432/videos", "db.example", "secret"),
    ("postgresql+psycopg2://alex:secret@db.example/videos", "db.example", "secret"),
    ("postgres://alex:secret@db.example/videos", "db.example", "secret"),
    ("postgresql://alex:p%40ss@ep-cool.neon.tech/neondb?sslmode=require", "ep-cool.neon.tech", "p@ss"),
]


def check_driver_url(function: Any) -> Feedback:
    """Check a function that turns a pasted URL into one SQLAlchemy opens with psycopg2, keeping everything else."""
    if not_attempted(function):
        return waiting("your function, e.g. `def with_driver(raw): ...` and then `my_function = with_driver`")
    if not callable(function):
        return hint("set `my_function` to the function itself, without `()`: the checker calls it with URLs.")
    for raw, host, password in CASES:
        try:
            url = make_url(function(raw))
        except Exception as exc:  # noqa: BLE001 - the learner's own code: show what it raised
            return hint(f"with {raw!r} your function raised {type(exc).__name__}: {exc}.")
        if url.drivername != "postgresql+psycopg2":
            if raw.startswith("postgres://"):
                return hint(
                    f"{raw!r} (Heroku's spelling) came back as {url.drivername}://: parse it with make_url "
                    "and set the drivername instead of replacing text."
                )
            return hint(f"{raw!r} came back with driver {url.drivername!r}; it must be 'postgresql+psycopg2'.")
        if url.host != host or url.password != password or dict(url.query) != dict(make_url(raw).query):
            return hint(f"{raw!r} lost part of itself on the way (host, password or ?options): change only the driver.")
    return correct(
        "every URL, Heroku's and Neon's included, now names psycopg2 and keeps its host, password and options."
    )
