"""Settings and URL handling: what a learner pastes must work as pasted."""

from __future__ import annotations

import getpass

import pytest

from lesson_app.config.settings import Settings, escape_for_alembic, get_settings, normalize_url

NEON = (
    "postgresql://alex:AbC123dEf@ep-cool-darkness-123456-pooler.eu-central-1.aws.neon.tech/neondb"
    "?sslmode=require&channel_binding=require"
)


def test_normalize_bare_postgresql_uses_psycopg2() -> None:
    # SQLAlchemy 2.1 would pick psycopg 3 for a bare postgresql://, which is not installed.
    assert normalize_url("postgresql://u:p@h:5432/db").drivername == "postgresql+psycopg2"


def test_normalize_heroku_style_postgres_scheme() -> None:
    assert normalize_url("postgres://u:p@h/db").drivername == "postgresql+psycopg2"


def test_normalize_keeps_explicit_driver() -> None:
    assert normalize_url("postgresql+psycopg2://u@h/db").drivername == "postgresql+psycopg2"


def test_normalize_neon_url_keeps_its_options() -> None:
    url = normalize_url(NEON)
    assert url.host == "ep-cool-darkness-123456-pooler.eu-central-1.aws.neon.tech"
    assert url.database == "neondb"
    assert url.port is None  # libpq's default, 5432
    assert dict(url.query) == {"sslmode": "require", "channel_binding": "require"}
    assert url.password == "AbC123dEf"


def test_normalize_strips_pasted_whitespace() -> None:
    assert normalize_url("  postgresql://u@h/db\n").database == "db"


def test_normalize_rejects_other_databases() -> None:
    with pytest.raises(ValueError, match="not a PostgreSQL URL"):
        normalize_url("mysql://u@h/db")


def test_escape_for_alembic_doubles_percent_signs() -> None:
    url = normalize_url("postgresql://u:p%40ss%25word@h/db")  # password "p@ss%word"
    rendered = escape_for_alembic(url)
    assert "%%" in rendered
    assert normalize_url(rendered.replace("%%", "%")).password == "p@ss%word"


def test_settings_read_environment(fresh_settings) -> None:
    fresh_settings.setenv("DATABASE_URL", NEON)
    fresh_settings.setenv("MAINTENANCE_MODE", "true")
    settings = get_settings()
    assert settings.database_url == NEON
    assert settings.maintenance_mode is True


def test_settings_read_dotenv_file(tmp_path, fresh_settings) -> None:
    # The test run blanks both in the environment (which beats .env); this test reads a .env on purpose.
    fresh_settings.delenv("DATABASE_URL", raising=False)
    fresh_settings.delenv("DIRECT_DATABASE_URL", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text(f"DATABASE_URL={NEON}\nDIRECT_DATABASE_URL=postgresql://alex@direct.example/neondb\n")
    settings = Settings(_env_file=env_file)
    assert settings.database_url == NEON
    assert settings.direct_database_url == "postgresql://alex@direct.example/neondb"


def test_settings_are_read_once() -> None:
    assert get_settings() is get_settings()


def test_blank_database_url_means_unset_and_beats_dotenv(tmp_path, fresh_settings) -> None:
    # What a test run exports: an empty DATABASE_URL must win over the learner's .env and mean "embedded".
    fresh_settings.setenv("DATABASE_URL", "")
    fresh_settings.setenv("DIRECT_DATABASE_URL", " ")
    env_file = tmp_path / ".env"
    env_file.write_text(f"DATABASE_URL={NEON}\nDIRECT_DATABASE_URL={NEON}\n")
    settings = Settings(_env_file=env_file)
    assert settings.database_url is None
    assert settings.direct_database_url is None


def test_a_test_run_reads_no_dotenv(tmp_path, monkeypatch, fresh_settings) -> None:
    # lesson_app.runtime.pytest_isolation marks the run; a learner's .env (here the cwd's) must not reach the tests.
    (tmp_path / ".env").write_text(f"DATABASE_URL={NEON}\n")
    monkeypatch.chdir(tmp_path)
    fresh_settings.delenv("DATABASE_URL", raising=False)
    assert get_settings().database_url is None
    fresh_settings.delenv("LESSON_APP_TEST_RUN")
    assert get_settings().database_url == NEON  # what a learner's own process reads


def test_learner_defaults_to_the_jupyterhub_user_then_the_login_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEARNER", raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "ada")
    assert Settings(_env_file=None).learner == "ada"
    monkeypatch.setenv("LEARNER", "grace")
    assert Settings(_env_file=None).learner == "grace"
    monkeypatch.delenv("LEARNER")
    monkeypatch.delenv("JUPYTERHUB_USER")
    assert Settings(_env_file=None).learner == getpass.getuser()


def test_class_database_is_off_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLASS_DATABASE_URL", " ")
    assert Settings(_env_file=None).class_database_url is None  # blank, as in a .env template, means off
    monkeypatch.delenv("CLASS_DATABASE_URL")
    assert Settings(_env_file=None).class_database_url is None
