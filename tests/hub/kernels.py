"""Run a notebook's code cells in a kernel of a learner's server, through the hub's proxy, as JupyterLab does.

JupyterLab creates a kernel with `POST /user/NAME/api/kernels`, then sends each cell as an `execute_request` over
the kernel's websocket (`/api/kernels/ID/channels`) and shows what comes back on the iopub channel. This client
does the same with httpx and tornado's websocket, and fails on any error or stderr output.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

CELL_TIMEOUT_SECONDS = 240  # a cell on a 2-core machine shared with other test runs


class CellFailed(AssertionError):
    """A cell of the lesson ended in an error, or wrote to stderr, in a learner's kernel."""


def code_cells(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


def _request(code: str, session: str) -> tuple[str, str]:
    msg_id = uuid.uuid4().hex
    header = {
        "msg_id": msg_id,
        "msg_type": "execute_request",
        "session": session,
        "username": "",
        "version": "5.3",
        "date": datetime.now(UTC).isoformat(),
    }
    content = {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False}
    message = {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}
    return msg_id, json.dumps(message)


async def _run_cell(socket, code: str, session: str, where: str) -> str:
    """Send one cell and wait until its kernel is idle again, failing on an error or on stderr; return its stdout."""
    msg_id, message = _request(code, session)
    printed = []
    await socket.write_message(message)
    deadline = time.monotonic() + CELL_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        raw = await socket.read_message()
        if raw is None:
            raise CellFailed(f"{where}: the kernel's websocket closed")
        reply = json.loads(raw)
        if reply.get("parent_header", {}).get("msg_id") != msg_id or reply.get("channel") != "iopub":
            continue
        kind, content = reply["msg_type"], reply["content"]
        if kind == "error":
            raise CellFailed(f"{where}: {content['ename']}: {content['evalue']}")
        if kind == "stream" and content["name"] == "stderr":
            raise CellFailed(f"{where} wrote to stderr: {content['text']}")
        if kind == "stream":
            printed.append(content["text"])
        if kind == "status" and content["execution_state"] == "idle":
            return "".join(printed)
    raise CellFailed(f"{where}: no answer within {CELL_TIMEOUT_SECONDS} s")


async def run_cells(hub_url: str, token: str, learner: str, cells: list[str], path: str) -> tuple[float, str]:
    """Run `cells` in a new kernel of `learner`'s server; return the wall seconds it took and the last one's stdout.

    `path` is the notebook's path in the learner's server, which sets the kernel's working folder, as JupyterLab's.
    """
    started = time.monotonic()
    headers = {"Authorization": f"token {token}"}
    base = f"{hub_url}/user/{learner}/api/kernels"
    async with httpx.AsyncClient(headers=headers, timeout=120) as client:
        created = await client.post(base, json={"name": "python3", "path": path})
        assert created.status_code == 201, f"{learner}: {created.status_code} {created.text}"
        kernel = created.json()["id"]
        socket_url = f"{base}/{kernel}/channels".replace("http://", "ws://", 1)
        socket = await websocket_connect(HTTPRequest(socket_url, headers=headers), max_message_size=64 << 20)
        try:
            session, printed = uuid.uuid4().hex, ""
            for number, code in enumerate(cells):
                printed = await _run_cell(socket, code, session, f"{learner}, {path} cell {number}")
        finally:
            socket.close()
            await client.delete(f"{base}/{kernel}")
    return time.monotonic() - started, printed
