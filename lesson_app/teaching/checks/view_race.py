"""A learner's `add_view(session, video_id)` served by a small app of the checker's own, and raced for real.

The app has one route, `POST /videos/{video_id}/view`, that calls the function with a session of its own. Its
engine pauses before every SQL statement, as a route that does other work first would, so that requests sent at
once really overlap: their reads all happen before any of them writes, and a read-modify-write loses updates on
every run, not only when the machine happens to interleave the requests, while a row lock (`SELECT ... FOR
UPDATE`) or an atomic `UPDATE ... SET views = views + 1` still counts each one. Pausing before a statement rather
than after it keeps the pause out of the time a write holds its row lock: a buggy function's twenty UPDATEs do not
queue behind one another's pauses, and only a function that locks the row while it reads pays for taking turns.
"""

from __future__ import annotations

import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI, HTTPException
from sqlalchemy import Connection, Engine, delete, event, insert, select

from lesson_app.config.database import make_engine, make_sessionmaker
from lesson_app.models import Youtube
from lesson_app.runtime.server import LessonServer, start_server

PAUSE_S = 0.05  # before each statement: long enough that twenty requests sent at once all read before any writes
COUNTING = "checker_counting"  # an execution option: the checker's own reads of the views, which never pause


@dataclass
class Race:
    """The checker's server, a client for it, and the ids of the two videos it made (one published, one draft)."""

    engine: Engine
    server: LessonServer
    client: httpx.Client
    published: int
    draft: int
    errors: list[BaseException] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)  # every SQL statement the app sent, in order

    @property
    def locked(self) -> bool:
        """Say whether the function took a row lock (`SELECT ... FOR UPDATE`) at some point."""
        return any("FOR UPDATE" in statement.upper() for statement in self.statements)

    def views(self, video_id: int) -> int:
        with self.engine.connect().execution_options(**{COUNTING: True}) as conn:
            return int(conn.scalar(select(Youtube.views).where(Youtube.id == video_id)) or 0)

    def one_after_another(self, video_id: int, n: int) -> list[int]:
        """Send n requests, each after the answer to the one before; return their status codes."""
        return [self.client.post(f"/videos/{video_id}/view").status_code for _ in range(n)]

    def at_once(self, video_id: int, n: int) -> list[int]:
        """Send n requests at the same moment from n threads; return their status codes."""
        start = threading.Barrier(n)

        def send(_: int) -> int:
            start.wait()
            return self.client.post(f"/videos/{video_id}/view").status_code

        with ThreadPoolExecutor(max_workers=n) as pool:
            return list(pool.map(send, range(n)))


def _app(engine: Engine, add_view: Callable[..., Any], errors: list[BaseException]) -> FastAPI:
    sessions = make_sessionmaker(engine)
    app = FastAPI()

    @app.post("/videos/{video_id}/view", status_code=204)
    def view_video(video_id: int) -> None:
        """Add one view, the learner's way."""
        with sessions() as session:
            try:
                add_view(session, video_id)
            except Exception as exc:  # noqa: BLE001 - the learner's exception becomes a hint, not a traceback
                errors.append(exc)
                raise HTTPException(status_code=500, detail=f"{type(exc).__name__}: {exc}") from None

    return app


def _pause(conn: Connection, *_: object) -> None:
    if not conn.get_execution_options().get(COUNTING):
        time.sleep(PAUSE_S)


@contextmanager
def raced(db_url: Any, add_view: Callable[..., Any], n: int = 20) -> Iterator[Race]:
    """Serve `add_view` on the lesson's database with two videos of the checker's own, deleted afterwards."""
    engine = make_engine(db_url)
    tag = uuid.uuid4().hex[:12]
    rows = [
        {"title": "Checker video", "url": f"https://videos.example/race-{tag}-{kind}", "channel": "Checker",
         "views": 0, "is_published": kind == "published"}
        for kind in ("published", "draft")
    ]  # fmt: skip
    with engine.begin() as conn:
        published, draft = conn.scalars(insert(Youtube).returning(Youtube.id, sort_by_parameter_order=True), rows).all()
    event.listen(engine, "before_cursor_execute", _pause)  # only the app's statements pause, not the ones above
    statements: list[str] = []

    def sent(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)  # list.append is atomic: the route's threads may call this at once

    event.listen(engine, "before_cursor_execute", sent)
    errors: list[BaseException] = []
    server = start_server(_app(engine, add_view, errors), port=0, name=f"checker-race-{tag}")
    limits = httpx.Limits(max_connections=n)  # one connection per request in flight, or they would queue here
    # Plain http to the checker's own server: a TLS context that trusts nothing spares the client loading the CA
    # bundle, which is most of what making an httpx.Client costs (about 50 ms).
    plain_http = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        with httpx.Client(base_url=server.url, timeout=60, limits=limits, verify=plain_http) as client:
            yield Race(engine, server, client, published, draft, errors, statements)
    finally:
        server.stop()
        event.remove(engine, "before_cursor_execute", _pause)
        event.remove(engine, "before_cursor_execute", sent)
        with engine.begin() as conn:
            conn.execute(delete(Youtube).where(Youtube.url.like(f"https://videos.example/race-{tag}-%")))
        engine.dispose()
