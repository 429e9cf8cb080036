"""The command line a learner types: `python -m lesson_app db url|psql`, and its refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from lesson_app.config.settings import get_settings, normalize_url
from lesson_app.runtime.databases import plain_url
from tests.conftest import run_cli
from tests.helpers import lesson_database_name


# This one runs `python -m lesson_app` in a process of its own, as a learner's terminal does; the others call the
# same `main` in this process (the `cli` fixture), which checks the same output without a second import.
def test_url_of_a_lesson_database_uses_the_notebook_name() -> None:
    result = run_cli("db", "url", "--database", "10_crud")
    assert result.returncode == 0, result.stderr
    name = lesson_database_name("10_crud")
    if get_settings().database_url:  # a run on a server by URL: that server, the lesson's database on it
        assert result.stdout.strip() == plain_url(normalize_url(get_settings().database_url).set(database=name))
    else:
        assert result.stdout.strip().startswith("postgresql://postgres:postgres@127.0.0.1:")
    assert result.stdout.strip().endswith(f"/{name}")


def test_url_refuses_a_name_no_lesson_uses_and_lists_the_real_ones(cli) -> None:
    result = cli("db", "url", "--database", "07")
    assert result.returncode == 2
    assert "No lesson uses a database called '07'" in result.stderr
    assert "07_postgresql_and_urls" in result.stderr
    assert "Traceback" not in result.stderr


def test_psql_runs_the_bundled_client_with_its_arguments(cli) -> None:
    result = cli("db", "psql", "--database", "10_crud", "--", "-At", "-c", "SELECT current_database()")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == lesson_database_name("10_crud")


def test_psql_arguments_keep_their_order_and_a_bare_word_before_the_dashes_is_refused(cli) -> None:
    """After `--` argparse never sees psql's arguments; before it, options pass but a bare word would be a name."""
    flags = cli("db", "psql", "--database", "10_crud", "-At", "-c", "SELECT current_database()")
    assert flags.returncode == 0 and flags.stdout.strip() == lesson_database_name("10_crud"), flags.stderr
    word = cli("db", "psql", "rj_10_crud")
    assert word.returncode == 2
    assert word.stderr.strip() == "psql's own arguments go after `--`: `python -m lesson_app db psql -- -c 'SELECT 1'`."


def test_other_commands_refuse_stray_arguments(cli) -> None:
    result = cli("db", "status", "--bogus")
    assert result.returncode == 2
    assert "unrecognized arguments: --bogus" in result.stderr


def _bundled_major() -> int:
    from lesson_app.runtime import embedded

    return embedded.binary_version(embedded.bin_dir())


def test_psql_with_database_url_runs_the_bundled_client(template_url: URL, cli) -> None:
    """With DATABASE_URL set (here: the embedded test server's URL), `\\l` works: the bundled psql, not the system's."""
    env = {"DATABASE_URL": plain_url(template_url)}
    result = cli("db", "psql", "--", "-At", "-c", r"\echo :VERSION_NUM", "-c", r"\l", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(str(_bundled_major()))
    assert template_url.database in result.stdout


def test_psql_with_a_tls_url_says_the_bundled_client_has_no_tls(template_url: URL, cli) -> None:
    from lesson_app.runtime import embedded, psql_client

    if psql_client.has_tls(embedded.bin_dir()):
        pytest.skip("these PostgreSQL binaries were built with TLS, so the bundled psql serves TLS URLs too")
    env = {"DATABASE_URL": plain_url(template_url.update_query_dict({"sslmode": "require"}))}
    result = cli("db", "psql", "--", "-At", "-c", "SELECT 1", env=env)
    assert "The bundled psql was built without TLS, which this DATABASE_URL asks for (sslmode=require)" in result.stderr
    assert "not compiled in" not in result.stderr  # the bundled psql was not run
    assert "Traceback" not in result.stderr


def test_stop_inside_a_test_run_leaves_the_runs_own_server_alone(template_url, private_pg, cli) -> None:
    # Tests run `db stop` on private servers; this run's own server is not one "left behind" by a run.
    # In a run on a server by URL no embedded server is this run's: then the URL's server must still answer.
    from lesson_app.config.settings import TESTS_PG_DIR
    from lesson_app.runtime import embedded

    before = embedded.status(TESTS_PG_DIR)
    result = cli("db", "stop", env=private_pg)
    assert result.stdout.strip() == "PostgreSQL was not running."
    assert embedded.status(TESTS_PG_DIR) == before
    with create_engine(template_url, poolclass=NullPool).connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1


def test_status_with_database_url_tries_it_and_says_why_it_fails(template_url: URL, cli) -> None:
    """`db status` with DATABASE_URL connects: an instructor's wrong password shows here in one sentence."""
    right = cli("db", "status", env={"DATABASE_URL": plain_url(template_url)})
    assert right.returncode == 0, right.stdout + right.stderr
    assert "It answers: PostgreSQL " in right.stdout
    wrong = cli("db", "status", env={"DATABASE_URL": plain_url(template_url.set(password="not-the-password"))})
    assert wrong.returncode == 3
    assert f"refused the password of user {template_url.username!r}: copy the whole URL again" in wrong.stdout
    assert "Traceback" not in wrong.stdout + wrong.stderr


def test_create_makes_a_database_of_your_own_and_never_empties_it(cli) -> None:
    """`db create NAME` for a project outside the series: its URL alone on stdout, and a second call changes nothing."""
    import uuid

    from lesson_app.runtime.databases import drop_database

    name = f"own_{uuid.uuid4().hex[:8]}"
    made = cli("db", "create", name)
    assert made.returncode == 0, made.stderr
    assert made.stderr.startswith(f"Created the database {name} on ")
    url = made.stdout.strip()
    assert url.startswith("postgresql://") and url.endswith(f"/{name}") and "\n" not in url
    engine = create_engine(normalize_url(url), poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE kept (title text)"))
            conn.execute(text("INSERT INTO kept VALUES ('my row')"))
        again = cli("db", "create", name)
        assert again.returncode == 0 and again.stdout.strip() == url
        assert f"The database {name} already exists on " in again.stderr and "nothing in it changed" in again.stderr
        with engine.connect() as conn:
            assert conn.execute(text("SELECT title FROM kept")).scalars().all() == ["my row"]
        found = cli("db", "url", "--database", name)  # the same database, by the name you chose
        assert found.returncode == 0 and found.stdout.strip() == url
    finally:
        engine.dispose()
        drop_database(normalize_url(url))


@pytest.mark.parametrize("name", ["My-Tube", "1tube", "rj_10_crud", "postgres", "template1"])
def test_create_refuses_a_name_that_is_not_yours_to_make(name: str, cli) -> None:
    result = cli("db", "create", name)
    assert result.returncode == 2
    assert result.stderr.startswith(f"{name!r} cannot be your project's database name: use lower-case letters")
    assert result.stdout == "" and "Traceback" not in result.stderr
    if name == "My-Tube":  # a name that only needs lower case and _ gets it spelt out
        assert result.stderr.rstrip().endswith("a name starting with rj_. Try my_tube.")
    if name == "postgres":
        assert "Try" not in result.stderr


def test_only_create_takes_a_name(cli) -> None:
    for args in (("db", "create"), ("db", "url", "my_tube")):
        result = cli(*args)
        assert result.returncode == 2
        assert "Only `db create` takes a name: `python -m lesson_app db create my_tube`." in result.stderr
