"""The app when its database is down or not migrated: a 503 with a sentence, within seconds, never a 500."""

from __future__ import annotations

import time

import httpx

from lesson_app import create_app, start_server
from lesson_app.runtime.embedded import free_port


def test_503_when_the_database_cannot_be_reached() -> None:
    nowhere = f"postgresql+psycopg2://postgres:postgres@127.0.0.1:{free_port()}/gone"
    with start_server(create_app(nowhere), port=0, name="db-down") as server, httpx.Client(base_url=server.url) as c:
        started = time.monotonic()
        for path in ("/videos", "/videos/1", "/health"):
            response = c.get(path)
            assert response.status_code == 503, path
            assert response.headers["retry-after"] == "30"
            assert "database" in response.json()["detail"]
        assert time.monotonic() - started < 5
        assert c.get("/").status_code == 200  # routes that need no database still answer


def test_503_names_the_fix_when_migrations_have_not_run(empty_db_url) -> None:
    with start_server(create_app(empty_db_url), port=0, name="unmigrated") as server:
        response = httpx.get(f"{server.url}/videos")
    assert response.status_code == 503
    assert "alembic upgrade head" in response.json()["detail"]


def test_health_ok_with_a_database(client: httpx.Client) -> None:
    assert client.get("/health").json() == {"status": "ok", "database": "ok"}


def test_maintenance_mode_from_settings(db_url) -> None:
    with start_server(create_app(db_url, maintenance=True), port=0, name="maint") as server:
        assert httpx.get(f"{server.url}/videos").status_code == 503
        assert httpx.get(f"{server.url}/openapi.json").status_code == 200
