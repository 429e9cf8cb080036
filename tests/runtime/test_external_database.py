"""DATABASE_URL pointing at another server that demands a password and TLS, as Neon does."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from lesson_app import create_app, lesson_database, start_server
from lesson_app.runtime import migrations
from lesson_app.runtime.databases import drop_database, server_url


def test_neon_style_url_works_as_pasted(tls_server: dict, fresh_settings) -> None:
    pasted = (
        f"postgresql://postgres:postgres@127.0.0.1:{tls_server['port']}/postgres"
        "?sslmode=require&channel_binding=require"
    )
    fresh_settings.setenv("DATABASE_URL", pasted)
    url = lesson_database("external")
    try:
        assert url.database == "postgres_external"  # each lesson still gets its own database
        assert migrations.current(url) == migrations.head()
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).scalar()
        engine.dispose()
        with start_server(create_app(url), port=0, name="tls-db") as server:
            created = httpx.post(
                f"{server.url}/videos", json={"title": "t", "url": "https://e.example/1", "channel": "c"}
            )
            assert created.status_code == 201
            assert httpx.get(f"{server.url}/health").json()["database"] == "ok"
    finally:
        drop_database(url)


def test_without_tls_the_server_refuses(tls_server: dict, fresh_settings) -> None:
    fresh_settings.setenv(
        "DATABASE_URL", f"postgresql://postgres:postgres@127.0.0.1:{tls_server['port']}/postgres?sslmode=disable"
    )
    engine = sa.create_engine(server_url())
    with pytest.raises(sa.exc.OperationalError, match="no encryption|rejects connection"):
        engine.connect()
    engine.dispose()


def test_verify_full_with_the_ca_certificate(tls_server: dict, fresh_settings) -> None:
    fresh_settings.setenv(
        "DATABASE_URL",
        f"postgresql://postgres:postgres@127.0.0.1:{tls_server['port']}/postgres"
        f"?sslmode=verify-full&sslrootcert={tls_server['ca']}",
    )
    engine = sa.create_engine(server_url())
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT 1")).scalar() == 1
    engine.dispose()


def test_embedded_commands_step_aside_when_database_url_is_set(cli) -> None:
    result = cli("db", "start", env={"DATABASE_URL": "postgresql://u:p@127.0.0.1:1/x"})
    assert result.returncode == 0
    assert "DATABASE_URL is set" in result.stdout
