"""A class on one shared server: each learner's lesson databases are named from them and are theirs alone.

With LEARNER_DATABASES=true and a DATABASE_URL, lesson 10's database is `ada_10_crud` for the learner `ada`. Her
role makes it, so her role owns it, and CONNECT is taken from PUBLIC, which PostgreSQL grants on every new
database: another learner's role cannot even open it. `python -m lesson_app progress setup --databases` makes the
roles (with CREATEDB) and each learner's own main database.
"""

from __future__ import annotations

import re
from typing import Any

from psycopg2 import errors, sql
from sqlalchemy.engine import URL

from lesson_app.runtime.connection import cursor

_UNSAFE = re.compile(r"[^a-z0-9_]+")
MAX_NAME_BYTES = 63  # PostgreSQL cuts longer identifiers, so two lessons' names could meet


class LearnerDatabaseError(RuntimeError):
    """A learner's lesson could not have a database of its own on the class's server; the message says why."""


def learner_part(learner: str) -> str:
    """Turn a user name such as 'Ada.Lovelace-2' into the safe start of a database name, 'ada_lovelace_2'."""
    name = _UNSAFE.sub("_", learner.lower()).strip("_")
    if not name:
        raise LearnerDatabaseError(f"The learner name {learner!r} has no letter or digit: set LEARNER in .env.")
    return name


def learner_database_name(learner: str, lesson: str = "") -> str:
    """The database of `learner` for `lesson` (e.g. '10_crud'): 'ada_10_crud', or 'ada' for their main one."""
    who = learner_part(learner)
    if not lesson:
        return who[:MAX_NAME_BYTES]
    return f"{who[: MAX_NAME_BYTES - len(lesson) - 1]}_{lesson}"


def _private(cur: Any, database: str) -> None:
    # PUBLIC gets CONNECT and TEMPORARY on every new database: without this, any role could open it.
    cur.execute(sql.SQL("REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC").format(sql.Identifier(database)))


def private_database(base: URL, learner: str, lesson: str) -> URL:
    """Return the URL of `learner`'s own database for `lesson` on base's server, made theirs alone on first use."""
    name = learner_database_name(learner, lesson)
    url = base.set(database=name)
    with cursor(base) as cur:
        cur.execute("SELECT pg_get_userbyid(datdba), current_user FROM pg_database WHERE datname = %s", (name,))
        found = cur.fetchone()
        if found is None:
            try:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except errors.InsufficientPrivilege:
                raise LearnerDatabaseError(
                    f"Lesson {lesson} needs a database of its own on the class's server (LEARNER_DATABASES is on) and "
                    f"your role {base.username!r} may not create one: ask your instructor to grant it CREATEDB."
                ) from None
            except errors.DuplicateDatabase:  # the learner's other kernel made it a moment ago, and closes it
                return url
            _private(cur, name)
        elif found[0] != found[1]:
            raise LearnerDatabaseError(
                f"The database {name} belongs to the role {found[0]!r}, not to yours ({found[1]!r}): ask your "
                "instructor, since two learners' names make the same database name."
            )
    return url


def make_main_database(owner_cursor: Any, learner: str) -> str:
    """As the instructor, make `learner`'s main database (owned by their role, closed to others); return its name."""
    name = learner_database_name(learner)
    owner_cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
    if owner_cursor.fetchone() is None:
        statement = sql.SQL("CREATE DATABASE {} OWNER {}")
        owner_cursor.execute(statement.format(sql.Identifier(name), sql.Identifier(learner)))
    _private(owner_cursor, name)
    return name
