"""Notebook 11's pool prediction, run for real: connections a NullPool server opens, and a QueuePool's ceiling.

A burst of quick requests may finish before the pool has lent all it can, so the ceiling is measured without
them: n threads borrow a connection each from the engine's pool at the same moment and hold it until every
thread has asked, plus a moment for the pool to open what it may; the most lent at once is the pool's limit.
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import Engine

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
