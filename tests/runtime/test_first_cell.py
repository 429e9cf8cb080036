"""A lesson's first cell (its database, its app, its server) does only the work it needs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lesson_app.runtime import embedded, postmaster
from lesson_app.runtime.databases import drop_database, lesson_database

FIRST_CELL = """
import sys
from lesson_app import create_app, lesson_database, start_server

server = start_server(create_app(lesson_database("test_first_cell")), port=0)
print(server.url.startswith("http://"), sorted({"psutil", "alembic"} & set(sys.modules)))
server.stop()
"""


def test_a_first_cell_imports_neither_psutil_nor_alembic() -> None:
    # psutil costs ~25 ms and Alembic ~0.3 s to import; neither is needed when the database is at the newest revision.
    try:
        subprocess.run([sys.executable, "-c", FIRST_CELL], check=True, capture_output=True)  # creates, migrates
        again = subprocess.run([sys.executable, "-c", FIRST_CELL], check=True, capture_output=True, text=True)
        assert again.stdout.split() == ["True", "[]"], again.stderr
    finally:
        drop_database(lesson_database("test_first_cell", migrate=False))


@pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="Linux's /proc: elsewhere psutil answers")
def test_the_proc_check_agrees_with_psutil() -> None:
    data = embedded.ensure_running().data_dir
    pid = int((postmaster.read_pid_file(data) or ["0"])[0])
    assert postmaster._postmaster_in_proc(pid, data) is (postmaster.process(data) is not None) is True
    assert postmaster._postmaster_in_proc(pid, data.parent) is False  # a postgres, but not this folder's
    assert postmaster._postmaster_in_proc(os.getpid(), data) is False  # a live process that is not postgres
    assert postmaster._postmaster_in_proc(2**22 + 1, data) is False  # above Linux's largest pid: no such process
