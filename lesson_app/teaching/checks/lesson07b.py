"""Checkers for notebook 07b (SQL from Python): what one request sends, a rename an apostrophe breaks, a search."""

from __future__ import annotations

# Notebook 07b imports every checker of its lesson from here; each lives in a module named for its exercise.
from lesson_app.teaching.checks.rename_video import check_rename as check_rename
from lesson_app.teaching.checks.request_sql import check_request_sql as check_request_sql
from lesson_app.teaching.checks.title_search import check_title_search as check_title_search
from lesson_app.teaching.restart import make_needs

# After a kernel restart, `needs(...)` in an exercise cell names the section whose cell makes a missing name.
MADE_IN = {"engine": "SQL, statement by statement", "client": "Start the real parts"}
needs = make_needs(MADE_IN)
