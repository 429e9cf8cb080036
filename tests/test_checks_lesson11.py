"""The checkers of notebook 11 against the solutions, the usual wrong answers, and an untouched `...`."""

from __future__ import annotations

import asyncio
import inspect
import re
import time

import httpx
import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from lesson_app import create_app, start_server
from lesson_app.checks.lesson11 import POOL_QUESTIONS, check_connect_ms, check_gather, check_pool_prediction
from lesson_app.config.database import make_sessionmaker

# --- exercise 1: read the trace -----------------------------------------------------------------------------

# A trace as the notebook records it (seconds on the client's clock), with round numbers: connect 0.5 ms,
# send 0.3 ms, wait 1.2 ms.
EVENTS = {
    "connection.connect_tcp.started": 10.0000,
    "connection.connect_tcp.complete": 10.0005,
    "http11.send_request_headers.started": 10.0006,
    "http11.send_request_headers.complete": 10.0008,
    "http11.send_request_body.started": 10.0008,
    "http11.send_request_body.complete": 10.0009,
    "http11.receive_response_headers.started": 10.0009,
    "http11.receive_response_headers.complete": 10.0021,
}


def recorded_trace(server) -> dict[str, float]:
    """Trace one real request with a new client, as the notebook's client program does."""
    events: dict[str, float] = {}

    def trace(name: str, info: dict) -> None:
        events[name] = time.perf_counter()

    with httpx.Client(base_url=server.url) as fresh:
        assert fresh.get("/", extensions={"trace": trace}).status_code == 200
    return events


def test_connect_ms_solution_passes(server) -> None:
    events = recorded_trace(server)
    answer = (events["connection.connect_tcp.complete"] - events["connection.connect_tcp.started"]) * 1000
    feedback = check_connect_ms(answer, events)
    assert feedback.passed is True
    assert re.search(r"took \d+\.\d{3} ms", feedback.message)  # a duration with its unit: the sanitizer masks it


def test_connect_ms_accepts_a_rounded_answer() -> None:
    assert check_connect_ms(0.5, EVENTS).passed is True
    assert check_connect_ms(round(0.5004, 2), EVENTS).passed is True


def test_connect_ms_not_attempted() -> None:
    assert check_connect_ms(..., EVENTS).passed is None


@pytest.mark.parametrize(
    ("answer", "expected_hint"),
    [
        (0.0005, "that is in seconds"),  # forgot the * 1000
        (-0.5, "the sign is wrong"),  # started minus complete
        (0.3, "the time for sending the request"),  # the send events
        (1.2, "the time for waiting for the answer"),
        (7.0, "whose names start with 'connection.connect_tcp'"),
        ("0.5 ms", "expected a number of milliseconds"),
        (True, "expected a number of milliseconds"),
    ],
)
def test_connect_ms_usual_mistakes(answer: object, expected_hint: str) -> None:
    feedback = check_connect_ms(answer, EVENTS)
    assert feedback.passed is False
    assert expected_hint in feedback.message


def test_connect_ms_without_a_connect() -> None:
    """A reused connection has no connect events: the checker says so instead of failing."""
    feedback = check_connect_ms(0.5, {"http11.send_request_headers.started": 1.0})
    assert feedback.passed is False
    assert "holds no connect" in feedback.message
    assert check_connect_ms(0.5, None).passed is False


# --- exercise 2: predict the pool ---------------------------------------------------------------------------

NULLPOOL, QUEUEPOOL = POOL_QUESTIONS


def test_pool_prediction_solution_passes() -> None:
    assert check_pool_prediction(dict(POOL_QUESTIONS)).passed is True


def test_pool_prediction_not_attempted() -> None:
    assert check_pool_prediction(...).passed is None
    assert check_pool_prediction(dict.fromkeys(POOL_QUESTIONS, ...)).passed is None


@pytest.mark.parametrize(
    ("question", "wrong", "expected_hint"),
    [
        (NULLPOOL, 1, "NullPool keeps no connection"),
        (NULLPOOL, 40, "one per request, not two"),
        (NULLPOOL, 3, "think about what the pool keeps"),
        (QUEUEPOOL, 40, "never has more than pool_size + max_overflow"),
        (QUEUEPOOL, 5, "max_overflow = 10 more"),
        (QUEUEPOOL, 10, "the overflow alone"),
    ],
)
def test_pool_prediction_usual_mistakes(question: str, wrong: int, expected_hint: str) -> None:
    feedback = check_pool_prediction({**POOL_QUESTIONS, question: wrong})
    assert feedback.passed is False
    assert expected_hint in feedback.message


def test_pool_prediction_partial_and_malformed() -> None:
    assert "still to fill in" in check_pool_prediction({**POOL_QUESTIONS, QUEUEPOOL: ...}).message
    assert "whole number" in check_pool_prediction({**POOL_QUESTIONS, NULLPOOL: "20"}).message
    assert "dictionary" in check_pool_prediction([20, 15]).message


def test_pool_answers_are_what_the_live_api_does(db_url: URL, server) -> None:
    """The answer key is measured: NullPool opens one connection per request; QueuePool never exceeds 15."""
    app = create_app(db_url)
    app.state.engine = create_engine(db_url, poolclass=NullPool)
    app.state.SessionLocal = make_sessionmaker(app.state.engine)
    with start_server(app, port=0, name="test-lesson11-nullpool") as no_pool, httpx.Client(base_url=no_pool.url) as c:
        headers = [c.get("/videos/1", headers={"Want-Server-Timing": "1"}).headers["server-timing"] for _ in range(20)]
    opened = sum(int(re.search(r"(\d+) new PostgreSQL", header).group(1)) for header in headers)
    assert opened == POOL_QUESTIONS[NULLPOOL]

    pooled = create_app(db_url)
    in_use, peak = 0, 0

    def checkout(*args: object) -> None:
        nonlocal in_use, peak
        in_use += 1
        peak = max(peak, in_use)

    def checkin(*args: object) -> None:
        nonlocal in_use
        in_use -= 1

    event.listen(pooled.state.engine, "checkout", checkout)
    event.listen(pooled.state.engine, "checkin", checkin)

    async def burst(url: str) -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            return await asyncio.gather(*(client.get("/videos/1") for _ in range(40)))

    with start_server(pooled, port=0, name="test-lesson11-pooled") as running:
        responses = asyncio.run(burst(running.url))
    assert {response.status_code for response in responses} == {404}  # an empty table: every request still queries
    assert 1 <= peak <= POOL_QUESTIONS[QUEUEPOOL]
    assert pooled.state.engine.pool.size() == 5


# --- exercise 3: twenty at once -----------------------------------------------------------------------------


def gathered(server, n: int = 20, path: str = "/") -> list[httpx.Response]:
    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=server.url) as aclient:
            return await asyncio.gather(*(aclient.get(path) for _ in range(n)))

    return asyncio.run(burst())


def test_gather_solution_passes(server) -> None:
    feedback = check_gather(gathered(server), n=20)
    assert feedback.passed is True


def test_gather_not_attempted() -> None:
    assert check_gather(..., n=20).passed is None


def test_gather_a_coroutine_is_closed_and_explained(server) -> None:
    async def fetch_all() -> list[httpx.Response]:
        return []

    coroutine = fetch_all()  # forgot the await
    feedback = check_gather(coroutine, n=20)
    assert feedback.passed is False and "Put `await` in front" in feedback.message
    assert inspect.getcoroutinestate(coroutine) == inspect.CORO_CLOSED  # no "never awaited" warning later


def test_gather_a_list_of_coroutines(server) -> None:
    async def scenario() -> tuple[object, list]:
        async with httpx.AsyncClient(base_url=server.url) as aclient:
            coroutines = [aclient.get("/") for _ in range(20)]  # forgot asyncio.gather
            return check_gather(coroutines, n=20), coroutines

    feedback, coroutines = asyncio.run(scenario())
    assert feedback.passed is False and "a list of coroutines" in feedback.message
    assert all(inspect.getcoroutinestate(c) == inspect.CORO_CLOSED for c in coroutines)


def test_gather_not_awaited(server) -> None:
    async def scenario() -> object:
        async with httpx.AsyncClient(base_url=server.url) as aclient:
            future = asyncio.gather(*(aclient.get("/") for _ in range(20)))  # forgot the await
            feedback = check_gather(future, n=20)
            await future
            return feedback

    feedback = asyncio.run(scenario())
    assert feedback.passed is False and "write `await asyncio.gather(...)`" in feedback.message


def test_gather_one_after_another_with_the_sync_client(server) -> None:
    with httpx.Client(base_url=server.url) as sync_client:
        responses = [sync_client.get("/") for _ in range(20)]
    feedback = check_gather(responses, n=20)
    assert feedback.passed is False and "came from the sync `client`" in feedback.message


@pytest.mark.parametrize(
    ("make", "expected_hint"),
    [
        (lambda server: gathered(server, n=5), "5 responses; the exercise asks for 20"),
        (lambda server: gathered(server, path="/videos/999"), "not every request succeeded (status codes [404])"),
        (lambda server: gathered(server, n=1)[0], "that is one response"),
        (lambda server: {"responses": gathered(server)}, "expected a list of responses, got a dict"),
        (lambda server: [*gathered(server, n=19), "not a response"], "some items are not responses"),
    ],
)
def test_gather_usual_mistakes(server, make, expected_hint: str) -> None:
    feedback = check_gather(make(server), n=20)
    assert feedback.passed is False
    assert expected_hint in feedback.message
