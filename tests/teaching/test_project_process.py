"""The checker's processes: the learner's `uvicorn main:app`, waited for without taking the CPU it needs."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from lesson_app.teaching.project_check.process import ProjectServer, project_env
from tests.teaching.test_your_project import SLOW_HELLO, WAIT_CPU_LIMIT


def test_project_server_waits_without_spending_cpu(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(SLOW_HELLO)
    server = ProjectServer(tmp_path, project_env("postgresql://unused@127.0.0.1:1/x"), tmp_path / "server.log")
    cpu = time.process_time()
    try:
        server.start()
        assert time.process_time() - cpu < WAIT_CPU_LIMIT
        assert httpx.get(server.url + "/").json() == {"n": 4}
    finally:
        server.stop()
