"""Notebook 09's exercise 3: predict the revision `alembic downgrade -2` leaves the scratch database at, then the
checker runs `upgrade head` and `downgrade -2` for real and compares the prediction with alembic_version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting

RELATIVE_NAMES = {"head", "heads", "base", "-1", "-2", "+1", "current"}


def _refused(prediction: Any) -> Feedback | None:
    """A hint when the prediction is not a revision id written as alembic_version stores it, else None."""
    if not_attempted(prediction):
        return waiting('the revision id you expect, as a string, e.g. `"0001"`')
    if not isinstance(prediction, str):
        return hint(
            f'write the revision id as a string, the way alembic_version stores it, e.g. "0001"; got {prediction!r}.'
        )
    if prediction.strip().lower() in RELATIVE_NAMES:
        return hint(
            f"{prediction!r} is a name Alembic works out from the scripts; alembic_version stores a revision id, "
            'such as "0001". Which id will it hold?'
        )
    if prediction.endswith(".py") or "_" in prediction:
        return hint('give just the revision id, such as "0001", not the script\'s file name.')
    return None


_BROKEN = (
    "the `alembic` commands failed, so your prediction was not judged: the scratch project lives in a temporary "
    "folder that goes with the kernel, so use Kernel > Restart Kernel and Run All Cells to rebuild it, then run "
    "this cell again."
)


def _succeeded(alembic: Callable[[str], None], command: str) -> bool:
    """Run one command; the lesson's helper keeps its exit status on its project (`alembic.__self__`)."""
    try:
        alembic(command)
    except Exception:  # noqa: BLE001 - any helper that raises has failed, and that is all this needs to know
        return False
    return getattr(getattr(alembic, "__self__", None), "exit_status", 0) == 0


def check_downgrade_prediction(prediction: Any, alembic: Callable[[str], None], engine: Engine) -> Feedback:
    """Run `alembic upgrade head` then `alembic downgrade -2`, and compare alembic_version with the prediction."""
    if (refused := _refused(prediction)) is not None:
        return refused
    if not callable(alembic):
        return hint("the second argument is the lesson's `alembic` helper, as the cell passes it.")
    # Judge the prediction only on commands that worked: a failed one says nothing about it.
    if not all(_succeeded(alembic, command) for command in ("upgrade head", "downgrade -2")):
        return hint(_BROKEN)
    try:
        with engine.connect() as conn:
            versions = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except SQLAlchemyError:  # no alembic_version: the scratch database was emptied, or never built
        return hint(_BROKEN)
    actual = versions[0] if versions else None
    if prediction.strip() == actual:
        return correct(
            f"alembic_version holds {actual!r}. `-2` counts two steps back from where the database was (head, "
            "0004), and each step runs one revision's downgrade(): 0004's, then 0003's, which dropped the playlist "
            'table. `alembic("upgrade head")` brings both back.'
        )
    return hint(
        f"alembic_version holds {actual!r}, not {prediction.strip()!r}. `-2` counts two steps back from where the "
        "database was (head, 0004); each step runs one revision's downgrade() (the INFO lines above show both), "
        "and a revision's downgrade() leaves the database at the revision before it."
    )
