"""Grade a learner's own FastAPI + PostgreSQL project: `check_project(path)` returns a Scorecard.

`REFERENCE` is a project that passes every row, in the notes' layout, for the notebooks to show.
"""

from pathlib import Path

from lesson_app.teaching.project_check.runner import check_project
from lesson_app.teaching.project_check.scorecard import ROWS, Row, Scorecard

REFERENCE = Path(__file__).resolve().parent / "reference"

__all__ = ["REFERENCE", "ROWS", "Row", "Scorecard", "check_project"]
