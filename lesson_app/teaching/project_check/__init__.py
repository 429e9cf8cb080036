"""Grade a learner's own FastAPI + PostgreSQL project: `check_project(path)` returns a Scorecard.

The project lessons 12 and 13 build passes every row: `write_solution(13, folder)` (from
`lesson_app.teaching.your_project.folder`) writes it.
"""

from lesson_app.teaching.project_check.runner import check_project
from lesson_app.teaching.project_check.scorecard import ROWS, Row, Scorecard

__all__ = ["ROWS", "Row", "Scorecard", "check_project"]
