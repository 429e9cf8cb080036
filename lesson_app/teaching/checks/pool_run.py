"""Notebook 11's exercise 2, the pool prediction, run for real: connections a NullPool server opens, and a
QueuePool's ceiling.

A burst of quick requests may finish before the pool has lent all it can, so the ceiling is measured without
them: n threads borrow a connection each from the engine's pool at the same moment and hold it until every
thread has asked, plus a moment for the pool to open what it may; the most lent at once is the pool's limit.
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import Engine

from lesson_app.teaching.checks import Feedback, correct, exception_text, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import all_placeholders, whole_number

HOLD_S = 0.5  # how long a borrowed connection is kept once every thread has asked: time for the others to open


def nullpool_connections(no_pool_client: httpx.Client, n: int) -> int:
    """Send n requests one after another; add up the new PostgreSQL connections the server reports for them."""
    opened = 0
    for _ in range(n):
        timing = no_pool_client.get("/videos/1", headers={"Want-Server-Timing": "1"}).headers["server-timing"]
        found = re.search(r"(\d+) new PostgreSQL", timing)
        opened += int(found.group(1)) if found else 0
    return opened


def most_at_once(engine: Engine, n: int) -> int:
    """Borrow n connections from the engine's pool at the same moment; return the most it lent at once."""
    lock = threading.Lock()
    counts = {"asked": 0, "lent": 0, "most": 0}
    everyone_asked = threading.Event()

    def borrow(_: int) -> None:
        with lock:
            counts["asked"] += 1
            if counts["asked"] == n:
                everyone_asked.set()
        with engine.connect():
            with lock:
                counts["lent"] += 1
                counts["most"] = max(counts["most"], counts["lent"])
            everyone_asked.wait(timeout=30)
            time.sleep(HOLD_S)
            with lock:
                counts["lent"] -= 1

    with ThreadPoolExecutor(max_workers=n) as pool:
        list(pool.map(borrow, range(n)))
    return counts["most"]


POOL_QUESTIONS = {
    "NullPool: PostgreSQL connections opened for 20 requests, one after another": 20,
    "QueuePool (pool_size=5, max_overflow=10): most connections open at once during 40 requests at once": 15,
}

_POOL_HINTS = {
    (0, 0): "each request reads a video from PostgreSQL, so each needs a connection, and NullPool keeps none "
    "between requests: every request opens one of its own and closes it when it ends.",
    (0, 1): "one connection used again by every request is what a pool does; NullPool keeps none, so every "
    "request opens one of its own and closes it when it ends.",
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
        return hint(f"expected the dictionary of situations and numbers, got a {type(answers).__name__}.")
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
