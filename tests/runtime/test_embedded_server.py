"""EmbeddedServer: one object built from its settings; `db reset` stops and deletes under one lock."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lesson_app.config.settings import override_settings
from lesson_app.runtime import embedded
from lesson_app.runtime.embedded import EmbeddedServer
from lesson_app.runtime.ports import free_port
from tests.conftest import copy_data_folder


class CountingLocks(EmbeddedServer):
    """The real server, counting how often its lock is taken."""

    taken = 0

    def lock(self):
        type(self).taken += 1
        return super().lock()


@pytest.fixture
def scratch(pg_data_template: Path) -> Iterator[Path]:
    # Not pytest's tmp_path: it sits in a 0700 folder the PostgreSQL system user (when we are root) cannot enter.
    root = Path(tempfile.mkdtemp(prefix="rj-pg-"))
    root.chmod(0o755)
    # A copy of the run's initdb, not initdb again: these tests are about the settings and the lock, not initdb
    # (test_embedded.py's cold start is).
    copy_data_folder(pg_data_template, root / "pg")
    yield root / "pg"
    EmbeddedServer(root / "pg").stop()
    shutil.rmtree(root, ignore_errors=True)


def test_the_module_functions_act_on_the_server_the_settings_describe(scratch: Path) -> None:
    port = free_port()
    with override_settings(pg_dir=scratch, pg_port=port):
        assert EmbeddedServer.from_settings() == EmbeddedServer(scratch, port)
        running = embedded.ensure_running()
        assert running.port == port and running.data_dir == EmbeddedServer(scratch).home / "data"
    assert EmbeddedServer(scratch).status() == running  # found again from the folder alone
    assert embedded.status(scratch) == running


def test_reset_stops_and_deletes_under_one_lock(scratch: Path) -> None:
    server = CountingLocks(scratch, free_port())
    server.ensure_running()
    CountingLocks.taken = 0
    server.reset()
    assert CountingLocks.taken == 1
    assert server.status() is None and not (scratch / "data").exists()


def test_reset_waits_for_a_start_another_process_holds_the_lock_for(scratch: Path) -> None:
    server = EmbeddedServer(scratch, free_port())
    running = server.ensure_running()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fasteners, sys, time\nwith fasteners.InterProcessLock(sys.argv[1]):\n"
            "    print('held', flush=True)\n    time.sleep(1.0)",
            str(scratch / ".lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    resetting = threading.Thread(target=server.reset)
    resetting.start()
    time.sleep(0.5)
    assert server.status() == running  # not stopped while another process holds the lock
    holder.wait(timeout=10)
    resetting.join(timeout=30)
    assert server.status() is None and not (scratch / "data").exists()


def test_from_settings_takes_every_value_from_the_settings(scratch: Path) -> None:
    values = {"pg_port": 6100, "pg_system_user": "someone", "pg_shared_bin_dir": "/x", "pg_shared_data_dir": "/y"}
    with override_settings(pg_dir=scratch, pg_private=True, **values):
        wanted = EmbeddedServer(scratch, 6100, "someone", Path("/x"), Path("/y"), private=True)
        assert EmbeddedServer.from_settings() == wanted
        assert EmbeddedServer.from_settings(pg_dir=scratch / "other").pg_dir == scratch / "other"
