"""Exercise checkers: each lesson's checks live in `lesson_app.checks.lessonNN` and return a `Feedback`.

A checker never raises for a wrong or missing answer: it returns feedback, so an exercise the learner has
not tried yet (the answer is still `...`) leaves Restart & Run All and the nbval run green.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Feedback:
    """The result of a check: passed (True), not yet (False), or not attempted (None), with a message."""

    passed: bool | None
    message: str

    def __repr__(self) -> str:
        mark = {True: "✅ Correct", False: "❌ Not yet", None: "✏️ Not attempted yet"}[self.passed]
        return f"{mark}: {self.message}"

    def __bool__(self) -> bool:
        return bool(self.passed)


def not_attempted(answer: Any) -> bool:
    """Say whether the learner left the placeholder (`...`) in place."""
    return answer is Ellipsis


def correct(message: str) -> Feedback:
    """Return a pass with a sentence saying why the answer is right."""
    return Feedback(True, message)


def hint(message: str) -> Feedback:
    """Return a not-yet with a hint aimed at the usual mistake."""
    return Feedback(False, message)


def waiting(task: str) -> Feedback:
    """Return the feedback for an exercise whose answer is still `...`."""
    return Feedback(None, f"replace the `...` with {task}, then run the cell again.")
