"""When each request started and ended on the server's clock, for the last 200: which requests overlapped.

Lesson 11's exercise 3 asks for twenty requests sent at once. The client's side alone cannot tell a burst from
a loop that awaits each request on a client of its own (each comes over a new connection either way); these
intervals, set beside how long each client waited, can.
"""

from __future__ import annotations

import collections
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
        recorded = False

        async def send_and_record(message: Message) -> None:
            nonlocal recorded
            # Recorded BEFORE the last byte goes out: by the time a client holds every answer, every interval
            # is in the record, and a client that then sends its next request (on a new connection, say) can
            # never appear to overlap, however late this task resumes.
            if message["type"] == "http.response.body" and not message.get("more_body", False) and not recorded:
                self.intervals.append((started, time.perf_counter()))
                recorded = True
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            if not recorded:  # no answer was sent (the client went away): still a request that was inside
                self.intervals.append((started, time.perf_counter()))
