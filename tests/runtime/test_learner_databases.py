"""LEARNER_DATABASES: on one shared server, each learner's lessons get databases named from them that no other
learner's role may open, made by roles from `progress setup --databases`; on real PostgreSQL (the tests' server)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import closing

import psycopg2
import pytest
from psycopg2 import sql
from sqlalchemy.engine import URL, make_url

from lesson_app.config.settings import override_settings
from lesson_app.runtime.databases import drop_database, lesson_database, plain_url
from lesson_app.runtime.learner_databases import LearnerDatabaseError, learner_database_name
from lesson_app.teaching import progress_class


def test_a_database_name_is_made_safe_from_any_user_name() -> None:
    assert learner_database_name("Ada.Lovelace-2", "10_crud") == "ada_lovelace_2_10_crud"
    assert learner_database_name("grace") == "grace"
    long = learner_database_name("x" * 80, "10b_lost_updates")
    assert len(long.encode()) == 63 and long.endswith("_10b_lost_updates")  # the lesson's part is never cut
    with pytest.raises(LearnerDatabaseError, match="no letter or digit"):
        learner_database_name("...", "10_crud")


def _drop(owner: str, roles: list[str]) -> None:
    connection = psycopg2.connect(owner)
    connection.autocommit = True  # and no `with connection`, which would open a transaction DROP DATABASE refuses
    with closing(connection), connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE pg_get_userbyid(datdba) = ANY(%s)", (roles,))
        for (database,) in cursor.fetchall():
            cursor.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(database)))
        for role in roles:
            cursor.execute(sql.SQL("DROP OWNED BY {}; DROP ROLE {}").format(*[sql.Identifier(role)] * 2))


@pytest.fixture
def class_server(empty_db_url: URL, cli) -> Iterator[dict[str, str]]:
    """Two learners made by `progress setup --databases` (names a hub may give: a dot, a dash); their printed URLs."""
    suffix = uuid.uuid4().hex[:6]
    ada, grace = f"ada.l-{suffix}", f"grace-{suffix}"
    owner = plain_url(empty_db_url)
    made = cli("progress", "setup", "--databases", "--url", owner, ada, grace)
    assert made.returncode == 0, made.stderr
    printed = [line.strip().split("=", 1) for line in made.stdout.splitlines() if "_URL=" in line]
    urls = {"owner": owner, ada: printed[0][1], grace: printed[2][1]}
    yield urls
    _drop(owner, [ada, grace])


def _as(learner: str, urls: dict[str, str]):
    return override_settings(database_url=urls[learner], learner_databases=True, learner=learner)


def test_each_learner_gets_own_lesson_databases_that_others_cannot_open(class_server) -> None:
    ada, grace = [name for name in class_server if name != "owner"]
    assert make_url(class_server[ada]).database == learner_database_name(ada)  # the printed URL: their main one
    with _as(ada, class_server):
        url = lesson_database("10_crud", own=True)
    assert url.database == learner_database_name(ada, "10_crud") == f"ada_l_{ada[-6:]}_10_crud"
    ada_10 = plain_url(url)
    with psycopg2.connect(ada_10) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
        )
        assert cursor.fetchone() == (ada, ada)  # made by her role, so hers
        cursor.execute("INSERT INTO youtube (title, url, channel) VALUES ('Mine', 'https://v.example/ada', 'Ada')")
    connection.close()
    grace_in_ada = plain_url(make_url(class_server[grace]).set(database=url.database))
    with pytest.raises(psycopg2.OperationalError, match="permission denied for database"):
        psycopg2.connect(grace_in_ada)  # refused at the door: PUBLIC has no CONNECT on it
    with psycopg2.connect(class_server["owner"]) as connection, connection.cursor() as cursor:
        # Had the door been left open (an instructor's slip), the table itself still refuses her.
        cursor.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(*map(sql.Identifier, (url.database, grace)))
        )
    connection.close()
    refused = pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied for table youtube")
    with closing(psycopg2.connect(grace_in_ada)) as connection, connection.cursor() as cursor, refused:
        cursor.execute("SELECT title FROM youtube")
    with _as(grace, class_server):
        assert lesson_database("10_crud", own=True).database == learner_database_name(grace, "10_crud")


def test_a_name_that_meets_another_learners_database_is_refused(class_server) -> None:
    ada, grace = [name for name in class_server if name != "owner"]
    with _as(ada, class_server):
        lesson_database("08_models")
    # grace's role, with LEARNER saying ada: the name is ada's database, which grace's role does not own.
    refused = pytest.raises(LearnerDatabaseError, match=f"belongs to the role '{ada}'")
    with override_settings(database_url=class_server[grace], learner_databases=True, learner=ada), refused:
        lesson_database("08_models")


def test_without_createdb_a_lesson_says_to_ask_the_instructor(empty_db_url: URL) -> None:
    learner = f"nocreate-{uuid.uuid4().hex[:6]}"
    owner = plain_url(empty_db_url)
    password = progress_class.setup(owner, [learner])[learner]  # a progress-only role: no CREATEDB
    try:
        theirs = plain_url(make_url(owner).set(username=learner, password=password))
        with override_settings(database_url=theirs, learner_databases=True, learner=learner):
            with pytest.raises(LearnerDatabaseError, match="ask your instructor to grant it CREATEDB"):
                lesson_database("10_crud", own=True)
            with pytest.raises(LearnerDatabaseError, match="CREATEDB"):
                lesson_database("00_start_here")  # not even a lesson that keeps its rows shares a database
    finally:
        _drop(owner, [learner])


def test_off_by_default_a_lesson_on_a_url_keeps_the_urls_name(empty_db_url: URL) -> None:
    with override_settings(database_url=plain_url(empty_db_url), learner="ada"):
        url = lesson_database("00_start_here", migrate=False)
    drop_database(url)
    assert url.database == f"{empty_db_url.database}_00_start_here"
