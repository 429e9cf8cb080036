"""The learner's own project, built in lessons 12 and up: its folder, the solutions, and ways to run it."""

from lesson_app.teaching.your_project.folder import catch_up, project_folder, shown, start_empty, tree
from lesson_app.teaching.your_project.pytest_run import run_pytest
from lesson_app.teaching.your_project.running import UvicornProcess, load_app, project_imports, run_uvicorn

__all__ = [
    "UvicornProcess",
    "catch_up",
    "load_app",
    "project_folder",
    "project_imports",
    "run_pytest",
    "run_uvicorn",
    "shown",
    "start_empty",
    "tree",
]
