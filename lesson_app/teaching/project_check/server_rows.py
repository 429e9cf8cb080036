"""The rows about the server as a process: sessions closed after each request, rows kept across a restart."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.engine import URL

from lesson_app.teaching.project_check.check_database import activity
from lesson_app.teaching.project_check.probe import Probe, answered, json_or_none
from lesson_app.teaching.project_check.process import ServerStartError

READS = 12  # fewer than SQLAlchemy's default pool (5 + 10 overflow), so a leaking project answers slowly, not never
MAX_CONNECTIONS = 5  # sequential requests need one pooled connection; more means sessions are kept open
SETTLE_SECONDS = 2.0  # FastAPI closes a yield dependency just after the response is sent: give it a moment


def check_sessions(probe: Probe, db_url: URL, video_id: int) -> None:
    """Read a row READS times, then ask PostgreSQL whether the server left sessions open ("idle in transaction")."""
    name = "sessions are closed"
    for _ in range(READS):
        if probe.send("GET", f"/videos/{video_id}") is None:
            probe.failed(
                name,
                f"GET /videos/{video_id} stopped answering after a few reads, as when every "
                "request keeps its session: close it in get_db (try: yield db / finally: db.close()).",
            )
            return
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        idle_in_transaction, total = activity(db_url)
        if idle_in_transaction == 0 and total <= MAX_CONNECTIONS:
            probe.passed(name)
            return
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    probe.failed(
        name,
        f"after {READS} reads the server holds {total} connections, {idle_in_transaction} idle in "
        "transaction: close each request's session (get_db: try: yield db / finally: db.close()).",
        log=False,
    )


def check_restart(probe: Probe, row: dict[str, Any]) -> None:
    """Stop the server, start it again, and read the row created before."""
    name, path = "row survives a restart", f"/videos/{row['id']}"
    probe.server.stop()
    try:
        probe.server.start()
    except ServerStartError as exc:
        probe.failed(name, f"{exc} after a restart: read the log below.", log=True)
        return
    response = probe.send("GET", path)
    body = json_or_none(response)
    if (
        isinstance(body, dict)
        and response is not None
        and response.status_code == 200
        and body.get("url") == row.get("url")
    ):
        probe.passed(name)
    else:
        probe.failed(
            name,
            f"after a restart, {answered('GET', path, response)}: commit each change "
            "(db.commit()) and keep rows in PostgreSQL, not in Python lists.",
            response,
        )
