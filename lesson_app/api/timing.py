"""Server-Timing: how long a request spent inside the API, and how much of that in SQL, sent back as a header.

A client that sends the request header ``Want-Server-Timing`` (any value) gets a response header such as

    Server-Timing: app;dur=1.234;desc="inside the app", db;dur=0.456;desc="1 SQL statement",
                   db-connect;dur=0.000;desc="0 new PostgreSQL connections"

``dur`` is in milliseconds, as the Server-Timing standard says. ``app`` runs from the moment the request
enters the application to the moment the response's status line and headers leave it; ``db`` is the part
of ``app`` that SQLAlchemy spent executing SQL (from ``before_cursor_execute`` to ``after_cursor_execute``);
``db-connect`` is the part spent opening new PostgreSQL connections, which a pool mostly avoids.
Responses to other requests are unchanged, so lessons that print headers show the same headers as before.
(The request header is named after ``Want-Content-Digest`` of RFC 9530, a request asking for a response field.)

A request's SQL time is collected in a context variable: every request has its own, and Starlette copies
it into the worker thread that runs a ``def`` route, so requests served at the same time never mix.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from weakref import WeakSet

from sqlalchemy import Engine, event
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_HEADER = "want-server-timing"
RESPONSE_HEADER = "server-timing"


@dataclass
class RequestTiming:
    """What one request has measured so far: when it started, and the SQL it ran."""

    started: float
    query_seconds: float = 0.0
    queries: int = 0
    query_started: float | None = None
    connect_seconds: float = 0.0
    connects: int = 0
    connect_started: float | None = None

    def header(self, now: float) -> str:
        """Render the Server-Timing header value, durations in milliseconds."""
        metrics = [
            ("app", now - self.started, "inside the app"),
            ("db", self.query_seconds, _count(self.queries, "SQL statement")),
            ("db-connect", self.connect_seconds, _count(self.connects, "new PostgreSQL connection")),
        ]
        return ", ".join(f'{name};dur={seconds * 1000:.3f};desc="{desc}"' for name, seconds, desc in metrics)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


_current: ContextVar[RequestTiming | None] = ContextVar("lesson_app_request_timing", default=None)
_instrumented: WeakSet[Engine] = WeakSet()


def _before_cursor_execute(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
    timing = _current.get()
    if timing is not None:
        timing.query_started = time.perf_counter()


def _after_cursor_execute(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
    timing = _current.get()
    if timing is not None and timing.query_started is not None:
        timing.query_seconds += time.perf_counter() - timing.query_started
        timing.queries += 1
        timing.query_started = None


def _do_connect(dialect: Any, connection_record: Any, cargs: Any, cparams: Any) -> None:
    timing = _current.get()
    if timing is not None:
        timing.connect_started = time.perf_counter()


def _connected(dbapi_connection: Any, connection_record: Any) -> None:
    timing = _current.get()
    if timing is not None and timing.connect_started is not None:
        timing.connect_seconds += time.perf_counter() - timing.connect_started
        timing.connects += 1
        timing.connect_started = None


def instrument(engine: Engine) -> None:
    """Let `engine` report to the request being timed (once per engine; later calls do nothing)."""
    if engine not in _instrumented:
        event.listen(engine, "before_cursor_execute", _before_cursor_execute)
        event.listen(engine, "after_cursor_execute", _after_cursor_execute)
        event.listen(engine, "do_connect", _do_connect)  # just before the driver opens a connection
        event.listen(engine, "connect", _connected)  # the pool's event, just after
        _instrumented.add(engine)


def parse_server_timing(value: str) -> dict[str, float]:
    """Turn a Server-Timing header value into {name: milliseconds}, e.g. {'app': 1.234, 'db': 0.456}."""
    metrics: dict[str, float] = {}
    for metric in value.split(","):
        name, *params = (part.strip() for part in metric.split(";"))
        durations = [float(param[4:]) for param in params if param.lower().startswith("dur=")]
        if name:
            metrics[name] = durations[0] if durations else 0.0
    return metrics


class ServerTimingMiddleware:
    """A pure ASGI middleware that adds Server-Timing to the responses of requests that ask for it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not any(name.lower() == REQUEST_HEADER.encode() for name, _ in scope["headers"]):
            await self.app(scope, receive, send)
            return
        engine = getattr(scope["app"].state, "engine", None)  # looked up per request: a lesson may swap it
        if engine is not None:
            instrument(engine)
        timing = RequestTiming(started=time.perf_counter())

        async def send_with_timing(message: Message) -> None:
            if message["type"] == "http.response.start":
                value = timing.header(time.perf_counter()).encode()
                message = {**message, "headers": [*message.get("headers", []), (RESPONSE_HEADER.encode(), value)]}
            await send(message)

        token = _current.set(timing)
        try:
            await self.app(scope, receive, send_with_timing)
        finally:
            _current.reset(token)
