"""Checkers for notebook 11 (the whole journey): time to the first byte, a pool predicted then run, a burst debugged."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from lesson_app.teaching.checks import Feedback, correct, exception_text, hint, not_attempted, waiting

# Notebook 11 imports every checker of its lesson from here; exercise 3's lives in a module of its own.
from lesson_app.teaching.checks.gather_check import check_gather as check_gather
from lesson_app.teaching.checks.gather_check import explain_gather_slips as explain_gather_slips
from lesson_app.teaching.checks.guards import a_type, all_placeholders, whole_number
from lesson_app.teaching.checks.pool_run import most_at_once, nullpool_connections
from lesson_app.teaching.restart import make_needs

# After a kernel restart, `needs(...)` in an exercise cell names the section whose cell makes a missing name.
MADE_IN = {
    "server": "Start the real parts",
    "events": "The journey, measured",
    "steps": "The journey, measured",
    "main": "`asyncio.run()` in a notebook",
    "engine": "Start the real parts",
    "no_pool_client": "What the connection pool buys",
}
needs = make_needs(MADE_IN)

# Exercise 1: from the start of the connect to the response headers, the part of the answer that comes first.
FIRST_BYTE = ("connection.connect_tcp.started", "http11.receive_response_headers.complete")
_FIRST_BYTE_MIX_UPS = {
    (
        "connection.connect_tcp.started",
        "http11.receive_response_headers.started",
    ): "that ends when httpx began to wait for the answer (…receive_response_headers.started), before anything "
    "had come back; end when the headers had been received.",
    (
        "connection.connect_tcp.started",
        "http11.receive_response_body.complete",
    ): "that runs to the last byte of the body; the exercise ends earlier, when the headers had been received.",
    (
        "connection.connect_tcp.started",
        "connection.connect_tcp.complete",
    ): "that is the connect alone; go on until the response's headers had been received.",
    (
        "connection.connect_tcp.complete",
        "http11.receive_response_headers.complete",
    ): "that starts once the connection was open; start when the client began to connect.",
    (
        "http11.send_request_headers.started",
        "http11.receive_response_headers.complete",
    ): "that starts when the request was sent, after the connect; start when the client began to connect.",
    (
        "resolve.started",
        "http11.receive_response_headers.complete",
    ): "that includes resolving the name, which happens before the connect; start when the client began to connect.",
}


def _near(value: float, expected: float) -> bool:
    return math.isclose(value, expected, rel_tol=0.01, abs_tol=0.0005)


def _rounded(answer: float, expected: float) -> bool:
    """Say whether `answer` is `expected` rounded to some number of decimals (it is then the right number)."""
    return answer != 0 and any(math.isclose(answer, round(expected, places), abs_tol=1e-9) for places in range(7))


def check_first_byte_ms(answer: Any, events: Mapping[str, float], table: Mapping[str, float] | None = None) -> Feedback:
    """Check `answer`: the milliseconds from the start of the TCP connect to the arrival of the response headers.

    `events` is the trace (event name: `perf_counter()` seconds). `table`, the step times the lesson printed, lets
    the checker tell a number copied from that table from one computed from the events.
    """
    if not_attempted(answer):
        return waiting("the time in milliseconds, computed from `events`")
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        return hint(f"expected a number of milliseconds (a float), got {a_type(answer)}: {answer!r}.")
    if not isinstance(events, Mapping) or not all(name in events for name in FIRST_BYTE):
        return hint("`events` holds no connect: run the cell that records the trace with a new client first.")

    def ms(pair: tuple[str, str]) -> float:
        return (events[pair[1]] - events[pair[0]]) * 1000

    expected = ms(FIRST_BYTE)
    if _near(answer, expected) or _rounded(answer, expected):
        return correct(
            f"{expected:.3f} ms from the first packet of the connect to the last byte of the headers: "
            "the connect, the sending, and the whole time the server worked on the answer."
        )
    if _near(-answer, expected):
        return hint("the sign is wrong: subtract the earlier time (…started) from the later one (…complete).")
    if _near(answer * 1000, expected):
        return hint("that is in seconds (perf_counter counts seconds); multiply by 1000 for milliseconds.")
    for name, ms_shown in (table or {}).items():
        if isinstance(ms_shown, int | float) and _near(answer, ms_shown):
            return hint(
                f"that is the {name!r} row of the table above. This exercise asks for a time the table does "
                "not show: compute it from two of the events."
            )
    return _first_byte_slip(answer, events, table, ms)


def _first_byte_slip(
    answer: float, events: Mapping[str, float], table: Mapping[str, float] | None, ms: Any
) -> Feedback:
    """Name the two events an answer measured between, when it matches a usual slip."""
    shown = [value for value in (table or {}).values() if isinstance(value, int | float)]
    # Checked before the mix-ups: the sum is within a rounding of "connect to the last byte of the body".
    if shown and _near(answer, sum(shown)):
        return hint(
            "that is the sum of the table's steps, its total: from resolving the name, before the connect, to the "
            "last byte of the body. Start when the client began to connect; end when the headers had been received."
        )
    for pair, says in _FIRST_BYTE_MIX_UPS.items():
        if all(name in events for name in pair) and _near(answer, ms(pair)):
            return hint(says)
    return hint(
        "start at the event that opens the TCP connect, and end at the event that says the response's "
        "headers have been received; the later time minus the earlier, times 1000."
    )


POOL_QUESTIONS = {
    "NullPool: PostgreSQL connections opened for 20 requests, one after another": 20,
    "QueuePool (pool_size=5, max_overflow=10): most connections open at once during 40 requests at once": 15,
}

_POOL_HINTS = {
    (0, 1): "one (or none) is what a pool opens; NullPool keeps no connection, so every request opens its own.",
    (0, 40): "one per request, not two: each request uses a single session, and so a single connection.",
    (1, 40): "the pool never has more than pool_size + max_overflow connections; the other requests wait "
    "(up to pool_timeout, 30 s) for one to come back.",
    (1, 5): "5 connections stay in the pool, but under load it opens up to max_overflow = 10 more, "
    "and closes those when they come back.",
    (1, 10): "10 is the overflow alone; add the pool_size of 5 that the pool keeps.",
}


def _measured(no_pool_client: Any, engine: Any) -> dict[str, int]:
    """What really happens in each situation: 20 requests to the NullPool server, 40 borrowers on a QueuePool."""
    nullpool, queuepool = POOL_QUESTIONS
    return {nullpool: nullpool_connections(no_pool_client, 20), queuepool: most_at_once(engine, 40)}


# Over 40 lines on purpose: the answers are checked in full before anything is run, then compared with the run;
# split up, which of the two a hint comes from would be harder to see.
def check_pool_prediction(answers: Any, no_pool_client: Any = None, engine: Any = None) -> Feedback:
    """Check the learner's numbers for each situation in POOL_QUESTIONS, against a real run when given the parts.

    With `no_pool_client` (a client of the NullPool server) and `engine` (a default QueuePool engine), the checker
    measures each situation and compares with that; without them, with the numbers SQLAlchemy's defaults give.
    """
    if all_placeholders(answers):
        return waiting("a number for each situation")
    if not isinstance(answers, dict):
        return hint(f"expected the dictionary of situations and numbers, got {a_type(answers)}.")
    given_numbers = {}
    for question in POOL_QUESTIONS:
        given = answers.get(question, ...)
        if not_attempted(given):
            return hint(f"still to fill in: {question!r}.")
        if (number := whole_number(given)) is None:  # 20, 20.0 and "20" are all the number 20
            return hint(f"{question!r}: write a whole number, not {given!r}.")
        given_numbers[question] = number
    real, ran = dict(POOL_QUESTIONS), no_pool_client is not None and engine is not None
    if ran:
        try:
            real = _measured(no_pool_client, engine)
        except Exception as exc:  # noqa: BLE001 - a checker never raises: the cause becomes the message
            return hint(f"the checker could not run the situations ({exception_text(exc)}); run the cells above first.")
    for index, (question, expected) in enumerate(real.items()):
        given = given_numbers[question]
        if given != expected:
            specific = _POOL_HINTS.get((index, given), "think about what the pool keeps and what it may add.")
            measured = f" (the checker measured {expected})" if ran else ""
            return hint(f"{question!r}: not {given}{measured}; {specific}")
    numbers = " and ".join(str(value) for value in real.values())
    return correct(
        f"{numbers}{', measured just now' if ran else ''}: without a pool every request pays for a new connection; "
        "with one, at most pool_size + max_overflow are open and the rest wait their turn."
    )
