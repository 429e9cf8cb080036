"""Checkers for notebook 11 (the whole journey): time to the first byte, a pool predicted then run, a burst debugged."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting

# Notebook 11 imports every checker of its lesson from here; exercise 3's lives in a module of its own.
from lesson_app.teaching.checks.gather_check import check_gather as check_gather
from lesson_app.teaching.checks.gather_check import explain_gather_slips as explain_gather_slips
from lesson_app.teaching.checks.guards import a_type
from lesson_app.teaching.checks.pool_run import POOL_QUESTIONS as POOL_QUESTIONS
from lesson_app.teaching.checks.pool_run import check_pool_prediction as check_pool_prediction
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
    ): "At that moment httpx had only begun to wait for the answer, and nothing had come back; end when the "
    "headers had been received.",
    (
        "connection.connect_tcp.started",
        "http11.receive_response_body.complete",
    ): "That runs to the last byte of the body; the exercise ends earlier, when the headers had been received.",
    (
        "connection.connect_tcp.started",
        "connection.connect_tcp.complete",
    ): "That is the connect alone; go on until the response's headers had been received.",
    (
        "connection.connect_tcp.complete",
        "http11.receive_response_headers.complete",
    ): "That starts once the connection was open; start when the client began to connect.",
    (
        "http11.send_request_headers.started",
        "http11.receive_response_headers.complete",
    ): "That starts when the request was sent, after the connect; start when the client began to connect.",
    (
        "resolve.started",
        "http11.receive_response_headers.complete",
    ): "That includes resolving the name, which happens before the connect; start when the client began to connect.",
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
    """Name the two events an answer measured between, and which end of it is off, when some pair matches."""
    pairs = [(start, end) for start in events for end in events if events[end] > events[start]]
    # Events can share a moment (the headers' end is the body's start): of the pairs within a rounding, the
    # usual mix-ups come first, then the pairs with more right ends, then the nearest.
    matching = sorted(
        (
            pair not in _FIRST_BYTE_MIX_UPS,
            (pair[0] != FIRST_BYTE[0]) + (pair[1] != FIRST_BYTE[1]),
            abs(ms(pair) - answer),
            pair,
        )
        for pair in pairs
        if _near(answer, ms(pair))
    )
    shown = [value for value in (table or {}).values() if isinstance(value, int | float)]
    # The table's total runs from resolve to the body's last byte: an answer nearer to it than to every pair of
    # events is that sum; one that is exactly a pair of events (connect to the body's end) is that pair.
    nearest = min((distance for *_, distance, _ in matching), default=math.inf)
    if shown and _near(answer, sum(shown)) and abs(sum(shown) - answer) <= nearest:
        return hint(
            "that is the sum of the table's steps, its total: from resolving the name, before the connect, to the "
            "last byte of the body. Start when the client began to connect; end when the headers had been received."
        )
    if matching:
        return hint(_both_ends(matching[0][-1]))
    return hint(
        "start at the event that opens the TCP connect, and end at the event that says the response's "
        "headers have been received; the later time minus the earlier, times 1000."
    )


def _both_ends(pair: tuple[str, str]) -> str:
    """Say which interval of the trace the answer is, whether its start and its end are right, and why not."""
    start_ok, end_ok = pair[0] == FIRST_BYTE[0], pair[1] == FIRST_BYTE[1]
    verdict = {
        (True, False): "the start is right, the end is not",
        (False, True): "the end is right, the start is not",
        (False, False): "neither end is the one asked for",
    }[(start_ok, end_ok)]
    why = _FIRST_BYTE_MIX_UPS.get(pair) or " ".join(
        part for ok, part in ((start_ok, "Start when the client began to connect."), (end_ok, END_AT_HEADERS)) if not ok
    )
    return f"your number is the time from `{pair[0]}` to `{pair[1]}`: {verdict}. {why}"


END_AT_HEADERS = "End when the response's headers had been received."
