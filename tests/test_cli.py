"""The command line a learner types: `python -m lesson_app db url|psql`, and its refusals."""

from __future__ import annotations

from tests.conftest import run_cli


def test_url_of_a_lesson_database_uses_the_notebook_name() -> None:
    result = run_cli("db", "url", "--database", "10_crud")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("postgresql://postgres:postgres@127.0.0.1:")
    assert result.stdout.strip().endswith("/rj_10_crud")


def test_url_refuses_a_name_no_lesson_uses_and_lists_the_real_ones() -> None:
    result = run_cli("db", "url", "--database", "07")
    assert result.returncode == 2
    assert "No lesson uses a database called '07'" in result.stderr
    assert "07_postgresql_and_urls" in result.stderr
    assert "Traceback" not in result.stderr


def test_psql_runs_the_bundled_client_with_its_arguments() -> None:
    result = run_cli("db", "psql", "--database", "10_crud", "--", "-At", "-c", "SELECT current_database()")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "rj_10_crud"


def test_other_commands_refuse_stray_arguments() -> None:
    result = run_cli("db", "status", "--bogus")
    assert result.returncode == 2
    assert "unrecognized arguments: --bogus" in result.stderr


def test_stop_inside_a_test_run_leaves_the_runs_own_server_alone(template_url, private_pg) -> None:
    # Tests run `db stop` on private servers; this run's own server is not one "left behind" by a run.
    from lesson_app import embedded
    from lesson_app.settings import TESTS_PG_DIR

    result = run_cli("db", "stop", env=private_pg)
    assert result.stdout.strip() == "PostgreSQL was not running."
    assert embedded.status(TESTS_PG_DIR) is not None
