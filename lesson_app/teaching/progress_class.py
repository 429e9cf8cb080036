"""The instructor's side of the class database: make the `attempts` table and the learners' roles, read progress.

Privacy lives in PostgreSQL, not in Python: row-level security lets each learner's role insert only rows naming
itself (`learner = current_user`) and read only its own rows; the table's owner, the instructor, reads them all.
"""

from __future__ import annotations

import csv
import secrets
from collections.abc import Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from lesson_app.config.settings import normalize_url
from lesson_app.runtime import learner_databases

LEARNERS_GROUP = "class_learners"  # the role every learner's role belongs to; the table's grants go to it
SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id bigserial PRIMARY KEY,
    learner text NOT NULL DEFAULT current_user,
    lesson text NOT NULL,
    exercise text NOT NULL,
    passed boolean NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE attempts ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS own_rows ON attempts;
CREATE POLICY own_rows ON attempts USING (learner = current_user) WITH CHECK (learner = current_user);
"""
GRANTS = """
GRANT SELECT, INSERT ON attempts TO class_learners;
GRANT USAGE ON SEQUENCE attempts_id_seq TO class_learners;
"""


def connect(raw_url: str) -> Any:
    """Connect with psycopg2 to a URL as pasted (Neon's too), committing each statement."""
    import psycopg2

    url = normalize_url(raw_url).set(drivername="postgresql")
    connection = psycopg2.connect(url.render_as_string(hide_password=False), connect_timeout=10)
    connection.autocommit = True
    return connection


def setup(owner_url: str, learners: Iterable[str] = (), *, databases: bool = False) -> dict[str, str]:
    """Make the table and its policy (again, harmlessly), and a login role per learner; return new passwords.

    A learner whose role exists already keeps it and its password (it is not in the result). With `databases`, each
    role may also create databases (LEARNER_DATABASES' lessons make their own) and gets a main one named after it.
    """
    from psycopg2 import sql

    passwords: dict[str, str] = {}
    connection = connect(owner_url)
    # Not `with connection`: since psycopg2 2.9 it opens a transaction even in autocommit, where CREATE DATABASE fails.
    with closing(connection), connection.cursor() as cursor:
        cursor.execute(SCHEMA)
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (LEARNERS_GROUP,))
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(LEARNERS_GROUP)))
        cursor.execute(GRANTS)
        for name in learners:
            if (password := _make_role(cursor, name)) is not None:
                passwords[name] = password
            if databases:
                cursor.execute(sql.SQL("ALTER ROLE {} CREATEDB").format(sql.Identifier(name)))
                learner_databases.make_main_database(cursor, name)
    return passwords


def name_problems(learners: Sequence[str], *, databases: bool = False) -> list[str]:
    """What is wrong with these learners' names, one sentence each, checked before any role is made."""
    problems = []
    for name in learners:
        if name != name.lower():
            # JupyterHub's authenticators lower-case login names, and a recorded row must name the role writing it.
            problems.append(
                f"{name!r} has capitals, which the hub lower-cases, so its rows would be refused: use {name.lower()!r}."
            )
    if databases:
        owners: dict[str, str] = {}
        for name in learners:
            database = learner_databases.learner_database_name(name)
            if owners.setdefault(database, name) != name:
                problems.append(
                    f"{owners[database]!r} and {name!r} would share the databases {database}_*: rename one."
                )
    return problems


def _make_role(cursor: Any, name: str) -> str | None:
    """Make `name` a login role in the learners' group and return its new password; None if it existed."""
    from psycopg2 import sql

    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
    if cursor.fetchone() is not None:
        return None
    password = secrets.token_urlsafe(18)
    statement = sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}")
    cursor.execute(statement.format(sql.Identifier(name), sql.Literal(password), sql.Identifier(LEARNERS_GROUP)))
    return password


def read_attempts(url: str) -> list[tuple[str, str, str, bool]]:
    """Return (learner, lesson, exercise, passed) for every row this role may read, oldest first."""
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT learner, lesson, exercise, passed FROM attempts ORDER BY at, id")
        rows = cursor.fetchall()
    connection.close()
    return rows


def progress_grid(attempts: Sequence[tuple[str, str, str, bool]]) -> tuple[list[str], list[list[str]]]:
    """Learners by exercises: `✓ n` passed at least once in n attempts, `✗ n` tried n times, not passed; blank."""
    columns = sorted({f"{lesson}/{exercise}" for _, lesson, exercise, _ in attempts}, key=_column_order)
    tally: dict[tuple[str, str], list[int]] = {}  # (learner, column) -> [attempts, passes]
    for learner, lesson, exercise, passed in attempts:
        counts = tally.setdefault((learner, f"{lesson}/{exercise}"), [0, 0])
        counts[0] += 1
        counts[1] += bool(passed)
    rows = []
    for learner in sorted({attempt[0] for attempt in attempts}):
        cells = [_cell(tally.get((learner, column))) for column in columns]
        rows.append([learner, *cells])
    return ["learner", *columns], rows


def _column_order(column: str) -> tuple[int, str]:
    return (1 if column.startswith("project/") else 0, column)  # lessons in order, the project checker last


def _cell(counts: list[int] | None) -> str:
    if counts is None:
        return ""
    return f"{'✓' if counts[1] else '✗'} {counts[0]}"


def write_csv(path: Path, columns: list[str], rows: list[list[str]]) -> None:
    """Write the grid as the table shows it, one learner a line."""
    with Path(path).open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        writer.writerows(rows)
