"""One database per notebook and test: names, creation on demand, migration, rows kept between runs."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lesson_app.runtime import migrations
from lesson_app.runtime.databases import create_database, database_name, drop_database, lesson_database, server_url


def test_database_name_is_safe_and_prefixed() -> None:
    assert database_name("07_postgresql") == "rj_07_postgresql"
    assert database_name("10 CRUD: videos!") == "rj_10_crud_videos"
    assert len(database_name("x" * 100)) == 63  # PostgreSQL's limit for names


def test_create_or_drop_without_a_database_name_says_so() -> None:
    server = server_url()
    url = sa.URL.create(server.drivername, server.username, server.password, server.host, server.port)
    for action in (create_database, drop_database):
        with pytest.raises(ValueError, match="names no database"):
            action(url)


def test_lesson_database_is_created_migrated_and_keeps_rows() -> None:
    url = lesson_database("test_keeps_rows")
    try:
        assert migrations.current(url) == migrations.head()
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO youtube (title, url, channel) VALUES ('t', 'https://k.example/1', 'c')"))
        engine.dispose()
        again = lesson_database("test_keeps_rows")  # what a re-run of the notebook does
        assert again == url
        engine = sa.create_engine(again)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM youtube")).scalar_one() == 1
        engine.dispose()
    finally:
        drop_database(url)


def test_lesson_database_without_migration_has_no_tables() -> None:
    url = lesson_database("test_unmigrated", migrate=False)
    try:
        assert migrations.current(url) is None
    finally:
        drop_database(url)


def test_role_that_may_not_create_databases_shares_its_own(fresh_settings) -> None:
    import pytest

    from lesson_app.runtime.databases import plain_url, server_url

    admin = sa.create_engine(server_url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS rj_test_nocreate_db WITH (FORCE)"))
        conn.execute(sa.text("DROP ROLE IF EXISTS rj_test_nocreate"))
        conn.execute(sa.text("CREATE ROLE rj_test_nocreate LOGIN PASSWORD 'secret' NOCREATEDB"))
        conn.execute(sa.text("CREATE DATABASE rj_test_nocreate_db OWNER rj_test_nocreate"))
    base = server_url("rj_test_nocreate_db").set(username="rj_test_nocreate", password="secret")
    try:
        fresh_settings.setenv("DATABASE_URL", plain_url(base))
        with pytest.warns(UserWarning, match="may not create databases"):
            url = lesson_database("07_postgresql")
        assert url.database == "rj_test_nocreate_db"
        assert migrations.current(url) == migrations.head()
        from lesson_app.runtime.databases import SharedDatabaseError

        with pytest.raises(SharedDatabaseError, match="needs a database of its own.*CREATEDB"):
            lesson_database("10_crud", own=True)  # a lesson that empties its tables must not share
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text("DROP DATABASE IF EXISTS rj_test_nocreate_db WITH (FORCE)"))
            conn.execute(sa.text("DROP ROLE IF EXISTS rj_test_nocreate"))
        admin.dispose()


def test_unreachable_database_url_is_one_sentence_within_seconds(fresh_settings, cli) -> None:
    import time

    import pytest

    from lesson_app import DatabaseUnavailableError
    from lesson_app.runtime.embedded import free_port

    port = free_port()
    fresh_settings.setenv("DATABASE_URL", f"postgresql://u:p@127.0.0.1:{port}/x")
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailableError, match=rf"Cannot reach PostgreSQL at 127.0.0.1:{port} .*DATABASE_URL"):
        lesson_database("07_postgresql")
    assert time.monotonic() - started < 5
    result = cli("load-data", env={"DATABASE_URL": f"postgresql://u:p@127.0.0.1:{port}/x"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: Cannot reach PostgreSQL")


def test_newest_revision_read_without_alembic_matches_alembic() -> None:
    from lesson_app.runtime.schema_version import newest_revision

    assert newest_revision() == migrations.head()


def test_fast_path_still_migrates_a_database_that_is_behind() -> None:
    url = lesson_database("test_behind")
    try:
        migrations.downgrade(url, "0001")
        assert lesson_database("test_behind") == url
        assert migrations.current(url) == migrations.head()
    finally:
        drop_database(url)


def test_a_rerun_on_a_database_at_the_newest_revision_opens_one_connection(monkeypatch) -> None:
    from lesson_app.runtime import connection

    url = lesson_database("test_one_connection")
    opened: list[str] = []
    real_connect = connection.psycopg2.connect

    def counting_connect(*args, **kwargs):  # the real connection, only recorded
        opened.append(kwargs["dbname"])
        return real_connect(*args, **kwargs)

    try:
        monkeypatch.setattr(connection.psycopg2, "connect", counting_connect)
        assert lesson_database("test_one_connection") == url  # a notebook's first cell, run again
        assert opened == [url.database]  # not first the `postgres` database, to ask whether it exists
    finally:
        monkeypatch.undo()
        drop_database(url)


def test_a_new_lesson_database_is_still_created_and_migrated() -> None:
    url = server_url("rj_test_brand_new")
    drop_database(url)
    try:
        assert lesson_database("test_brand_new") == url
        assert migrations.current(url) == migrations.head()
    finally:
        drop_database(url)
