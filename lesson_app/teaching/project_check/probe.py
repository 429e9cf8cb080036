"""Real HTTP requests to the project's server, and the scorecard rows they lead to."""

from __future__ import annotations

import time
from typing import Any

import httpx

from lesson_app.teaching.project_check.migration_rows import MISSING_IN_DATABASE, MODELS_DIFFER_HINT
from lesson_app.teaching.project_check.process import ProjectServer
from lesson_app.teaching.project_check.scorecard import Scorecard

REQUEST_TIMEOUT = 5.0


class Probe:
    """One HTTP client on the project's server; records rows, with the server's log tail after a 500."""

    def __init__(self, card: Scorecard, server: ProjectServer, client: httpx.Client) -> None:
        self.card, self.server, self.client = card, server, client

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        """Send one request to the server as it runs now; None when it did not answer in time."""
        try:
            return self.client.request(method, self.server.url + path, timeout=REQUEST_TIMEOUT, **kwargs)
        except httpx.TransportError:
            return None

    def passed(self, name: str) -> bool:
        """Record a passing row."""
        return self.card.add(name, True)

    def failed(self, name: str, hint: str, response: httpx.Response | None = None, *, log: bool | None = None) -> bool:
        """Record a failing row; a 500 or no answer at all (or log=True) brings the end of the server's log."""
        if log is None:
            log = response is None or response.status_code >= 500
        if log:
            time.sleep(0.3)  # Uvicorn writes the traceback just after it sends the 500
        tail = self.server.log_tail() if log else ""
        crashed = response is None or response.status_code >= 500
        if crashed and self.models_differ(tail):  # the cause is the schema, not the route or get_db
            hint = MODELS_DIFFER_HINT
        return self.card.add(name, False, hint, tail)

    def models_differ(self, tail: str) -> bool:
        """Say whether `alembic check` found models ahead of migrations, or the log shows a missing column/table."""
        check = self.card.row("migrations match models")
        if check is not None and check.hint == MODELS_DIFFER_HINT:
            return True
        return any(word in (tail or self.server.log_tail()) for word in MISSING_IN_DATABASE)


def answered(method: str, path: str, response: httpx.Response | None) -> str:
    """Describe an answer for a hint: 'POST /videos answered 500' or '... did not answer within 5 s'."""
    if response is None:
        return f"{method} {path} did not answer within {REQUEST_TIMEOUT:.0f} s"
    return f"{method} {path} answered {response.status_code}"


def json_or_none(response: httpx.Response | None) -> Any:
    """Return the answer's JSON, or None when there is no answer or it is not JSON."""
    if response is None:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def list_items(body: Any) -> list | None:
    """Return the rows of a list answer: a JSON array, or an object with `items`; None for another shape."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        return body["items"]
    return None
