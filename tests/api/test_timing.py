"""The Server-Timing header of the lesson API, measured on a real server and a real PostgreSQL database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from lesson_app import Youtube, create_app, lesson_database, start_server
from lesson_app.api.timing import parse_server_timing
from lesson_app.config.database import make_engine, make_sessionmaker
from lesson_app.teaching.sample_data import load_videos

ASK = {"Want-Server-Timing": "1"}


@pytest.fixture(scope="module")
def timing_url() -> URL:
    """The tests' own database, holding the sample videos (loading again skips what is there)."""
    url = lesson_database("test_timing")
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        load_videos(session)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def video_id(timing_url: URL) -> int:
    engine = make_engine(timing_url)
    with make_sessionmaker(engine)() as session:
        found = session.scalar(select(Youtube.id).where(Youtube.url == "https://videos.example/watch/url-anatomy"))
    engine.dispose()
    assert found is not None
    return found


@pytest.fixture(scope="module")
def timed(timing_url: URL) -> Iterator[httpx.Client]:
    with (
        start_server(create_app(timing_url), port=0, name="test-timing") as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        yield client


def timing_of(response: httpx.Response) -> tuple[dict[str, float], str]:
    value = response.headers["server-timing"]
    return parse_server_timing(value), value


def test_no_header_unless_asked(timed: httpx.Client, video_id: int) -> None:
    """Responses are unchanged for clients that do not ask, so other lessons' printed headers stay the same."""
    response = timed.get(f"/videos/{video_id}")
    assert response.status_code == 200
    assert "server-timing" not in response.headers


def test_one_row_one_statement(timed: httpx.Client, video_id: int) -> None:
    response = timed.get(f"/videos/{video_id}", headers=ASK)
    assert response.status_code == 200
    metrics, value = timing_of(response)
    assert set(metrics) == {"app", "db", "db-connect"}
    assert 0 < metrics["db"] <= metrics["app"]
    assert metrics["db-connect"] <= metrics["app"]
    assert 'desc="1 SQL statement"' in value
    assert "new PostgreSQL connection" in value


def test_list_runs_two_statements(timed: httpx.Client) -> None:
    metrics, value = timing_of(timed.get("/videos", headers=ASK))
    assert 'desc="2 SQL statements"' in value  # the count for `total`, then the page
    assert 0 < metrics["db"] <= metrics["app"]


def test_routes_without_sql_report_none(timed: httpx.Client) -> None:
    metrics, value = timing_of(timed.get("/", headers=ASK))
    assert metrics["db"] == 0 and metrics["app"] > 0
    assert 'desc="0 SQL statements"' in value


def test_errors_are_timed_too(timed: httpx.Client) -> None:
    response = timed.get("/videos/999999", headers=ASK)
    assert response.status_code == 404
    assert 'desc="1 SQL statement"' in timing_of(response)[1]
    response = timed.get("/videos", params={"limit": 0}, headers=ASK)  # refused before the route runs
    assert response.status_code == 422
    assert timing_of(response)[0]["db"] == 0


def test_requests_at_the_same_time_do_not_mix(timed: httpx.Client, video_id: int) -> None:
    """Each request counts only its own SQL, even with many in flight on the server's worker threads at once."""

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=timed.base_url, timeout=10) as client:
            paths = ["/", f"/videos/{video_id}", "/videos"] * 20
            return await asyncio.gather(*(client.get(path, headers=ASK) for path in paths))

    expected = {"/": "0 SQL statements", f"/videos/{video_id}": "1 SQL statement", "/videos": "2 SQL statements"}
    for response in asyncio.run(burst()):
        assert response.status_code == 200
        assert f'desc="{expected[response.request.url.path]}"' in response.headers["server-timing"]


def test_writes_send_no_second_read(timed: httpx.Client) -> None:
    """POST is one INSERT ... RETURNING, PATCH and PUT a SELECT and an UPDATE: no refresh after the commit."""
    # A URL of its own on every run: the tests' database keeps its rows between runs.
    body = {"title": "Counted", "url": f"https://videos.example/watch/{uuid.uuid4().hex}", "channel": "Tests"}
    created = timed.post("/videos", json=body, headers=ASK)
    assert created.status_code == 201, created.text
    path = f"/videos/{created.json()['id']}"
    try:
        assert 'desc="1 SQL statement"' in timing_of(created)[1]
        changed = timed.patch(path, json={"views": 7}, headers=ASK)
        assert 'desc="2 SQL statements"' in timing_of(changed)[1]
        replaced = timed.put(path, json={**body, "title": "Counted again"}, headers=ASK)
        assert 'desc="2 SQL statements"' in timing_of(replaced)[1]
        # What the writes answered is the stored row, as a fresh read returns it.
        assert replaced.json() == timed.get(path).json()
        assert created.json()["created_at"] == replaced.json()["created_at"]
        assert changed.json()["views"] == 7 and replaced.json()["views"] == 0
    finally:
        timed.delete(path)


def test_new_connections_are_counted(timing_url: URL, video_id: int) -> None:
    """Without a pool every request opens a PostgreSQL connection, and the header says so."""
    app = create_app(timing_url)
    app.state.engine = create_engine(timing_url, poolclass=NullPool)
    app.state.SessionLocal = make_sessionmaker(app.state.engine)
    with (
        start_server(app, port=0, name="test-timing-nullpool") as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        for _ in range(3):
            metrics, value = timing_of(client.get(f"/videos/{video_id}", headers=ASK))
            assert 'desc="1 new PostgreSQL connection"' in value
            assert 0 < metrics["db-connect"] <= metrics["app"]
    app.state.engine.dispose()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('app;dur=1.5;desc="inside the app", db;dur=0.25', {"app": 1.5, "db": 0.25}),
        ("cache;desc=hit, total;dur=12", {"cache": 0.0, "total": 12.0}),
        ("db;DUR=3", {"db": 3.0}),
        ("", {}),
    ],
)
def test_parse_server_timing(value: str, expected: dict[str, float]) -> None:
    assert parse_server_timing(value) == expected
