"""Databases at a solution project's schema, migrated once per run by that project's own `alembic upgrade head`.

Lessons 13 to 15's checkers run a learner's project against a database its migrations made. Each test needs a fresh
one, but not a fresh `alembic upgrade head` (the project's env.py and revisions loaded and run, then a new empty
database as well): its result is the same for every test of a lesson, which changes the project's code only after
its database exists. So each lesson's solution migrates one template per run, and each test gets a copy
(`CREATE DATABASE ... TEMPLATE`). 35 migrations a run became 3. The migration itself is what lesson 12's checker
tests test.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import URL

from lesson_app.runtime.databases import create_database, drop_database, server_url
from lesson_app.teaching.your_project.folder import write_solution
from tests.helpers import migrate


def _new_url(prefix: str) -> URL:
    return server_url("postgres").set(database=f"{prefix}_{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="session")
def solution_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[int], URL]]:
    """Return lesson N's template database, migrated by its solution project on first use."""
    made: dict[int, URL] = {}

    def template(lesson: int) -> URL:
        if lesson not in made:
            url = _new_url(f"rj_test_solution{lesson}")
            create_database(url)
            made[lesson] = migrate(write_solution(lesson, tmp_path_factory.mktemp(f"schema{lesson}")), url)
        return made[lesson]

    yield template
    for url in made.values():
        drop_database(url)


@pytest.fixture
def solution_database(solution_schema: Callable[[int], URL]) -> Iterator[Callable[[int], URL]]:
    """Return a fresh database of this test's own at lesson N's schema, as if the project had just migrated it."""
    copies: list[URL] = []

    def copy(lesson: int) -> URL:
        url = _new_url("rj_test")
        create_database(url, template=solution_schema(lesson).database)
        copies.append(url)
        return url

    yield copy
    for url in copies:
        drop_database(url)
