"""A DATABASE_URL that fails says why in one sentence: a wrong password, TLS required, or no answer at all."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from sqlalchemy.engine import URL

from lesson_app import lesson_database
from lesson_app.config.settings import PROJECT_ROOT
from lesson_app.runtime.databases import DatabaseUnavailableError, drop_database, plain_url, server_url
from lesson_app.runtime.migrations import current, head


def test_wrong_password_in_database_url_says_copy_the_url_again(template_url: URL, fresh_settings) -> None:
    # The message names the host as the URL spells it: 127.0.0.1 for the embedded server, `localhost` in the
    # workflow's service job.
    fresh_settings.setenv("DATABASE_URL", plain_url(server_url("postgres").set(password="not-the-password")))
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailableError) as caught:
        lesson_database("wrong_password")
    server = server_url()
    assert str(caught.value) == (
        f"PostgreSQL at {server.host}:{server.port} refused the password of user 'postgres': copy the whole "
        "URL again from your provider (Neon: Connect, then the connection string) into DATABASE_URL in .env."
    )
    assert time.monotonic() - started < 5


def test_server_that_requires_tls_says_add_sslmode_require(tls_server: dict, fresh_settings) -> None:
    fresh_settings.setenv(
        "DATABASE_URL", f"postgresql://postgres:postgres@127.0.0.1:{tls_server['port']}/postgres?sslmode=disable"
    )
    with pytest.raises(DatabaseUnavailableError, match=r"accepts only encrypted connections: .*`\?sslmode=require`"):
        lesson_database("without_tls")


def test_nothing_listening_says_cannot_reach_and_check_database_url(fresh_settings) -> None:
    fresh_settings.setenv("DATABASE_URL", "postgresql://postgres:postgres@127.0.0.1:1/postgres")
    with pytest.raises(DatabaseUnavailableError, match=r"Cannot reach PostgreSQL at 127.0.0.1:1 .*check DATABASE_URL"):
        lesson_database("nobody_there")


def _pooler_url(port: int, database: str) -> str:
    """Neon's pooled host name, reaching the tests' server: libpq connects to hostaddr and keeps host as the name."""
    host = "ep-cool-darkness-123456-pooler.eu-central-1.aws.neon.tech"
    return f"postgresql://postgres:postgres@{host}:{port}/{database}?hostaddr=127.0.0.1"


def test_alembic_on_the_pooled_endpoint_warns_to_set_direct_database_url(empty_db_url: URL) -> None:
    env = {**os.environ, "DATABASE_URL": _pooler_url(empty_db_url.port, empty_db_url.database)}
    alembic = [sys.executable, "-m", "alembic", "upgrade", "head"]
    pooled = subprocess.run(alembic, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert pooled.returncode == 0, pooled.stderr  # a warning, not a refusal: simple migrations do pass a pooler
    assert "PooledEndpointWarning: DATABASE_URL is a pooled endpoint (`-pooler` in its host name)" in pooled.stderr
    assert "add DIRECT_DATABASE_URL to .env" in pooled.stderr
    env["DIRECT_DATABASE_URL"] = plain_url(empty_db_url)
    direct = subprocess.run([*alembic[:3], "current"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert direct.returncode == 0 and "PooledEndpointWarning" not in direct.stderr, direct.stderr
    assert current(empty_db_url) == head()


def test_lesson_database_on_the_pooled_endpoint_warns_once_and_works(template_url: URL, fresh_settings) -> None:
    fresh_settings.setenv("DATABASE_URL", _pooler_url(server_url().port, "postgres"))
    with pytest.warns(UserWarning, match="DIRECT_DATABASE_URL"):
        url = lesson_database("pooled")
    try:
        assert current(url) == head()
    finally:
        drop_database(url)
