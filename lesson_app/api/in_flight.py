"""When each request started and ended on the server's clock, for the last 200: which requests overlapped.

Lesson 11's exercise 3 asks for twenty requests sent at once. The client's side alone cannot tell a burst from
a loop that awaits each request on a client of its own (each comes over a new connection either way); these
intervals, set beside how long each client waited, can.
"""

from __future__ import annotations

import collections
import time

from starlette.types import ASGIApp, Receive, Scope, Send

Intervals = collections.deque[tuple[float, float]]


def new_intervals() -> Intervals:
    """An empty record that keeps the most recent 200 (start, end) pairs, in `time.perf_counter()` seconds."""
    return collections.deque(maxlen=200)


class RequestIntervals:
    """A pure ASGI middleware that appends each HTTP request's (start, end) to `intervals`."""

    def __init__(self, app: ASGIApp, intervals: Intervals) -> None:
        self.app, self.intervals = app, intervals

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.intervals.append((started, time.perf_counter()))
