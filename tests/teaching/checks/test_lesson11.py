"""The checkers of notebook 11 against the solutions, the usual wrong answers, and an untouched `...`."""

from __future__ import annotations

import asyncio
import gc
import inspect
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from lesson_app import create_app, start_server
from lesson_app.config.database import make_engine, make_sessionmaker
from lesson_app.teaching.checks.lesson11 import (
    POOL_QUESTIONS,
    check_first_byte_ms,
    check_gather,
    check_pool_prediction,
    explain_gather_slips,
)

# --- exercise 1: time to the first byte ---------------------------------------------------------------------

# A trace as the notebook records it (seconds on the client's clock), with round numbers: resolve 0.1 ms,
# connect 0.5 ms, send 0.3 ms, then 1.2 ms until the headers are in, 0.4 ms more for the body.
EVENTS = {
    "resolve.started": 9.9998,
    "resolve.complete": 9.9999,
    "connection.connect_tcp.started": 10.0000,
    "connection.connect_tcp.complete": 10.0005,
    "http11.send_request_headers.started": 10.0006,
    "http11.send_request_headers.complete": 10.0008,
    "http11.send_request_body.started": 10.0008,
    "http11.send_request_body.complete": 10.0009,
    "http11.receive_response_headers.started": 10.0009,
    "http11.receive_response_headers.complete": 10.0021,
    "http11.receive_response_body.started": 10.0021,
    "http11.receive_response_body.complete": 10.0025,
}
FIRST_BYTE_MS = 2.1
# The table the lesson prints: each step on its own (route, query and respond come from the server's timing).
TABLE = {"resolve": 0.1, "connect": 0.5, "send": 0.3, "route": 0.9, "query": 0.15, "respond": 0.17}


def recorded_trace(server) -> dict[str, float]:
    """Trace one real request with a new client, as the notebook's client program does."""
    events: dict[str, float] = {}

    def trace(name: str, info: dict) -> None:
        events[name] = time.perf_counter()

    with httpx.Client(base_url=server.url) as fresh:
        assert fresh.get("/", extensions={"trace": trace}).status_code == 200
    return events


def test_first_byte_solution_passes(server) -> None:
    events = recorded_trace(server)
    answer = (events["http11.receive_response_headers.complete"] - events["connection.connect_tcp.started"]) * 1000
    feedback = check_first_byte_ms(answer, events)
    assert feedback.passed is True
    assert re.search(r"^\d+\.\d{3} ms from", feedback.message)  # a duration with its unit: the sanitizer masks it


def test_first_byte_accepts_a_rounded_answer() -> None:
    assert check_first_byte_ms(FIRST_BYTE_MS, EVENTS, TABLE).passed is True
    assert check_first_byte_ms(round(2.1004, 2), EVENTS, TABLE).passed is True


def test_first_byte_rounded_near_the_body_end_is_not_blamed_on_the_body() -> None:
    """Headers in after 2.46 ms, body after 2.503 ms: 2.5 is the right answer rounded, 2.503 is the body's end."""
    events = {
        **EVENTS,
        "http11.receive_response_headers.complete": 10.00246,
        "http11.receive_response_body.complete": 10.002503,
    }
    assert check_first_byte_ms(2.5, events).passed is True
    assert check_first_byte_ms(2, events).passed is True
    assert "last byte of the body" in check_first_byte_ms((10.002503 - 10.0) * 1000, events).message


def test_first_byte_sum_of_the_steps_names_resolve_too() -> None:
    """`sum(steps.values())` adds resolve (0.1) to connect-to-body-end (2.5): the hint names both ends."""
    table = {**TABLE, "respond": 0.65}  # steps that add up to 2.6 ms, as the lesson's do, to its total
    feedback = check_first_byte_ms(sum(table.values()), EVENTS, table)
    assert feedback.passed is False
    assert "sum of the table's steps" in feedback.message
    assert "resolving the name" in feedback.message and "last byte of the body" in feedback.message


def test_first_byte_connect_to_body_end_is_named_from_both_ends_even_near_the_tables_total() -> None:
    """Connect to the body's last byte (2.5 ms) is within 1% of a table that adds up to 2.52 ms: the hint names the
    interval the number really is, with its right start and its wrong end, not the table's total."""
    table = {**TABLE, "respond": 0.57}  # 2.52 ms in all
    message = check_first_byte_ms(2.5, EVENTS, table).message
    assert "the time from `connection.connect_tcp.started` to `http11.receive_response_body.complete`" in message
    assert "the start is right, the end is not" in message and "last byte of the body" in message
    assert "sum of the table" not in message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (1.6, "the end is right, the start is not. That starts once the connection was open"),
        (0.4, "neither end is the one asked for"),  # send_request_headers.started to receive_response_headers.started
        (0.2, "Start when the client began to connect."),  # resolve.started to connect_tcp.started
    ],
)
def test_first_byte_other_intervals_say_which_end_is_off(answer: float, expected: str) -> None:
    feedback = check_first_byte_ms(answer, EVENTS)
    assert feedback.passed is False and expected in feedback.message


def test_first_byte_not_attempted() -> None:
    assert check_first_byte_ms(..., EVENTS, TABLE).passed is None


@pytest.mark.parametrize(
    ("answer", "expected_hint"),
    [
        (0.0021, "that is in seconds"),  # forgot the * 1000
        (-2.1, "the sign is wrong"),  # started minus complete
        (0.9, "the 'route' row of the table above"),  # copied from the table
        (0.5, "the 'connect' row of the table above"),
        (2.5, "runs to the last byte of the body"),
        (0.9 + 1e-9, "the 'route' row"),  # copied with all its digits
        (1.6, "starts once the connection was open"),
        (1.5, "starts when the request was sent"),
        (2.3, "includes resolving the name"),
        (7.0, "the later time minus the earlier"),
        ("2.1 ms", "expected a number of milliseconds"),
        (True, "expected a number of milliseconds"),
    ],
)
def test_first_byte_usual_mistakes(answer: object, expected_hint: str) -> None:
    feedback = check_first_byte_ms(answer, EVENTS, TABLE)
    assert feedback.passed is False
    assert expected_hint in feedback.message


def test_first_byte_mix_ups_that_the_table_also_shows() -> None:
    """The connect alone is in the table, and the hint says so; without a table, the hint names the mix-up."""
    assert "'connect' row" in check_first_byte_ms(0.5, EVENTS, TABLE).message
    assert "the connect alone" in check_first_byte_ms(0.5, EVENTS).message
    waited = {**EVENTS, "http11.receive_response_headers.started": 10.0015}  # ends when the wait began
    assert "had only begun to wait" in check_first_byte_ms(1.5, waited).message


def test_first_byte_without_a_connect() -> None:
    """A reused connection has no connect events: the checker says so instead of failing."""
    feedback = check_first_byte_ms(0.5, {"http11.send_request_headers.started": 1.0})
    assert feedback.passed is False
    assert "holds no connect" in feedback.message
    assert check_first_byte_ms(0.5, None).passed is False


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
        (NULLPOOL, 0, "each request reads a video from PostgreSQL, so each needs a connection, and NullPool keeps"),
        (NULLPOOL, 1, "used again by every request is what a pool does; NullPool keeps none"),
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


def test_pool_prediction_accepts_whole_numbers_written_as_floats() -> None:
    assert check_pool_prediction({key: float(value) for key, value in POOL_QUESTIONS.items()}).passed is True
    assert "not 20; " in check_pool_prediction({**POOL_QUESTIONS, QUEUEPOOL: 20.0}).message
    assert "whole number" in check_pool_prediction({**POOL_QUESTIONS, NULLPOOL: 20.5}).message


def test_pool_prediction_partial_and_malformed() -> None:
    assert "still to fill in" in check_pool_prediction({**POOL_QUESTIONS, QUEUEPOOL: ...}).message
    assert "whole number" in check_pool_prediction({**POOL_QUESTIONS, NULLPOOL: "twenty"}).message
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


def test_pool_prediction_is_compared_with_a_real_run(db_url: URL) -> None:
    """Given the NullPool server's client and a default engine, the checker measures both numbers and says so."""
    app = create_app(db_url)
    app.state.engine = create_engine(db_url, poolclass=NullPool)
    app.state.SessionLocal = make_sessionmaker(app.state.engine)
    engine = make_engine(db_url)
    try:
        with start_server(app, port=0, name="test-lesson11-run") as no_pool, httpx.Client(base_url=no_pool.url) as c:
            right = check_pool_prediction(dict(POOL_QUESTIONS), c, engine)
            overflow_only = check_pool_prediction({**POOL_QUESTIONS, QUEUEPOOL: 10}, c, engine)
            one = check_pool_prediction({**POOL_QUESTIONS, NULLPOOL: 1}, c, engine)
        with httpx.Client(base_url="http://127.0.0.1:1") as nowhere:
            unreachable = check_pool_prediction(dict(POOL_QUESTIONS), nowhere, engine)
    finally:
        engine.dispose()
    assert right.passed is True and "20 and 15, measured just now" in right.message, right.message
    assert overflow_only.passed is False and "(the checker measured 15)" in overflow_only.message
    assert "the overflow alone" in overflow_only.message
    assert one.passed is False and "(the checker measured 20)" in one.message
    assert unreachable.passed is False and "could not run the situations" in unreachable.message


def test_pool_prediction_wrong_answers_are_refused_before_anything_runs() -> None:
    """A malformed answer gets its hint without the checker touching the servers it was given."""
    assert "whole number" in check_pool_prediction({**POOL_QUESTIONS, NULLPOOL: "many"}, object(), object()).message


# --- exercise 3: twenty at once -----------------------------------------------------------------------------


def gathered(server, n: int = 20, path: str = "/") -> list[httpx.Response]:
    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=server.url) as aclient:
            return await asyncio.gather(*(aclient.get(path) for _ in range(n)))

    return asyncio.run(burst())


def test_gather_solution_passes(server) -> None:
    feedback = check_gather(gathered(server), n=20)
    assert feedback.passed is True


def test_gather_with_a_task_group_passes_and_the_praise_names_no_gather(server) -> None:
    """A TaskGroup sends the requests together too; the pass says what happened, not how gather would do it."""

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=server.url) as aclient, asyncio.TaskGroup() as group:
            tasks = [group.create_task(aclient.get("/")) for _ in range(20)]
        return [task.result() for task in tasks]

    feedback = check_gather(asyncio.run(burst()), n=20)
    assert feedback.passed is True, feedback.message
    assert "awaited together" in feedback.message and "gather" not in feedback.message


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


def test_gather_not_awaited_is_cancelled_and_leaves_nothing_behind(server) -> None:
    """Without the checker's cancel, the requests would run after the `async with` closed the client, fail, and
    asyncio would print "_GatheringFuture exception was never retrieved" into whichever cell ran next."""
    logged: list[str] = []

    async def scenario() -> tuple[object, asyncio.Future]:
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: logged.append(context["message"]))
        async with httpx.AsyncClient(base_url=server.url) as aclient:
            future = asyncio.gather(*(aclient.get("/") for _ in range(20)))  # forgot the await
            feedback = check_gather(future, n=20)
        await asyncio.sleep(0.05)  # the loop runs what was scheduled, as the kernel's does after the cell
        return feedback, future

    feedback, future = asyncio.run(scenario())
    assert feedback.passed is False and "write `await asyncio.gather(...)`" in feedback.message
    assert future.done()
    del future
    gc.collect()
    assert logged == []


def test_gather_already_finished_and_not_awaited(server) -> None:
    """A gather that has already failed (its client closed) is read too, so it is not reported later either."""
    logged: list[str] = []

    async def scenario() -> object:
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: logged.append(context["message"]))
        async with httpx.AsyncClient(base_url=server.url) as aclient:
            future = asyncio.gather(*(aclient.get("/") for _ in range(2)))
        await asyncio.sleep(0.05)  # it ran, after the client closed, and failed
        assert future.done() and not future.cancelled()
        return check_gather(future, n=20)

    assert "write `await asyncio.gather(...)`" in asyncio.run(scenario()).message
    gc.collect()
    assert logged == []


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


def test_gather_an_await_in_a_loop_is_not_praised_as_at_once(server) -> None:
    """Async responses, all 200, but one after another: one connection was enough, so one request was in flight."""

    async def one_by_one() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=server.url) as aclient:
            return [await aclient.get("/") for _ in range(20)]

    feedback = check_gather(asyncio.run(one_by_one()), n=20)
    assert feedback.passed is False
    assert "went one after another: all came over one connection" in feedback.message
    assert "gather" not in feedback.message  # a debug-this: the hint names the cause, the solution names the fix


def a_stored_video(server) -> str:
    """Store a video through the API and return its path: a route that runs SQL in a worker thread."""
    video = {"title": "t", "url": f"https://videos.example/{uuid.uuid4().hex}", "channel": "c"}
    with httpx.Client(base_url=server.url) as client:
        return client.post("/videos", json=video).headers["location"]


@pytest.mark.parametrize("route", ["home", "video"])
def test_gather_a_new_client_per_request_in_a_loop_is_not_praised_as_at_once(server, route: str) -> None:
    """A new AsyncClient per awaited request: twenty connections, yet one request in flight at a time."""
    path = "/" if route == "home" else a_stored_video(server)

    async def one_client_each() -> list[httpx.Response]:
        responses = []
        for _ in range(20):
            async with httpx.AsyncClient(base_url=server.url) as aclient:
                responses.append(await aclient.get(path))
        return responses

    responses = asyncio.run(one_client_each())
    assert len({id(response.extensions["network_stream"]) for response in responses}) == 20
    feedback = check_gather(responses, n=20)
    assert feedback.passed is False
    assert "the server answered each before the next arrived" in feedback.message


def test_gather_passes_on_a_route_that_waits_on_the_database(server) -> None:
    """/videos/1 runs in a worker thread, so the requests overlap inside the server too."""
    assert check_gather(gathered(server, path=a_stored_video(server)), n=20).passed is True


def test_gather_given_one_list_gets_the_star_hint_and_its_requests_are_closed(server) -> None:
    async def scenario() -> tuple[TypeError, list]:
        async with httpx.AsyncClient(base_url=server.url) as aclient:
            requests = [aclient.get("/") for _ in range(3)]
            with pytest.raises(TypeError) as raised:
                await asyncio.gather(requests)  # the list as one argument, without *
            return raised.value, requests

    error, requests = asyncio.run(scenario())
    feedback = explain_gather_slips(error)
    assert feedback is not None and feedback.passed is False
    assert "put a `*` in front of the list" in feedback.message
    assert all(inspect.getcoroutinestate(c) == inspect.CORO_CLOSED for c in requests)  # no "never awaited"
    assert explain_gather_slips(TypeError("unhashable type: 'list'")) is None  # not from gather: no hint


GATHER_SESSION = """
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance(colors="nocolor")
shell.run_cell("from lesson_app.teaching.checks.lesson11 import explain_gather_slips\\nexplain_gather_slips()")
shell.run_cell("import asyncio\\n\\nasync def fetch():\\n    return 1")
print("--- cell 1")
shell.run_cell("responses = await asyncio.gather([fetch() for _ in range(3)])")  # the list without *
print("--- cell 2")
shell.run_cell("{[1]: 2}")                                                       # the same error, not from gather
print("--- cell 3")
shell.run_cell("responses = asyncio.run(fetch())\\nawait asyncio.sleep(0)")  # in a running loop, as in a notebook
"""


def test_in_ipython_gather_given_a_list_shows_the_hint_instead_of_a_traceback() -> None:
    """`asyncio.gather([...])` fails in the learner's own cell, before the checker runs: IPython shows only the
    hint, and no "never awaited" warning. Other TypeErrors keep their traceback."""
    result = subprocess.run(
        [sys.executable, "-W", "always", "-c", GATHER_SESSION],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[3],
    )
    first, second = result.stdout.split("--- cell 1")[1].split("--- cell 2")
    assert "❌ Not yet: `asyncio.gather` takes the requests as separate arguments" in first, result.stdout
    assert "Traceback" not in first and "never awaited" not in result.stderr
    assert "TypeError" not in first and "An exception has occurred" not in first  # the hint alone
    second, third = second.split("--- cell 3")
    assert "Traceback (most recent call last)" in second and "Not yet" not in second
    assert "❌ Not yet: the notebook already runs an event loop, so `asyncio.run(...)` refuses here" in third
    assert "Traceback" not in third and "RuntimeError" not in third
