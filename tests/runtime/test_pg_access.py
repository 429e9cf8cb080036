"""As root, in folders the PostgreSQL system user cannot enter: it still works, and no permission changes."""

from __future__ import annotations

import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import sqlalchemy as sa

from lesson_app.config.settings import get_settings
from lesson_app.runtime import embedded
from tests.conftest import SettingsEnv, copy_bundled_binaries, embedded_only, run_cli

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="only root hands PostgreSQL to a system user")


def _modes(root: Path) -> dict[Path, int]:
    return {path: stat.S_IMODE(path.lstat().st_mode) for path in [root, *root.rglob("*")]}


@pytest.fixture
def locked_away(fresh_settings: SettingsEnv) -> Iterator[dict[str, str]]:
    """PG_DIR and a copy of the bundled binaries inside a mode-700 folder, as in a home folder or `mktemp -d`."""
    private = Path(tempfile.mkdtemp(prefix="rj-700-"))  # mkdtemp makes it 0700, like a home folder
    shared = Path(tempfile.mkdtemp(prefix="rj-shared-"))  # stands in for /var/cache and /var/lib
    shared.chmod(0o755)
    bins = copy_bundled_binaries(private / "venv" / "site-packages")
    env = {
        "PG_DIR": str(private / "project" / ".postgres"),
        "PG_BIN_DIR": str(bins),
        "PG_PORT": str(embedded.free_port()),
        "PG_SHARED_BIN_DIR": str(shared / "cache"),
        "PG_SHARED_DATA_DIR": str(shared / "lib"),
    }
    (private / "project").mkdir()
    embedded_only(fresh_settings)
    for key, value in env.items():
        fresh_settings.setenv(key, value)
    yield {**env, "private": str(private), "shared": str(shared)}
    get_settings.cache_clear()
    embedded.stop()
    shutil.rmtree(private, ignore_errors=True)
    shutil.rmtree(shared, ignore_errors=True)


def test_private_folder_as_root_runs_from_copies_and_keeps_rows(locked_away: dict[str, str], caplog, cli) -> None:
    private, shared = Path(locked_away["private"]), Path(locked_away["shared"])
    before = _modes(private)
    with caplog.at_level(logging.WARNING, logger="lesson_app.runtime.pg_access"):
        server = embedded.ensure_running()
    process = psutil.Process(server.pid)
    assert process.username() == get_settings().pg_system_user
    assert Path(process.exe()).is_relative_to(shared / "cache")  # the copy, not the unreachable original
    assert server.data_dir.is_relative_to(shared / "lib") and not server.data_dir.is_relative_to(private)
    said = sorted(record.getMessage() for record in caplog.records)  # one sentence for each move
    assert len(said) == 2 and "rows live in" in said[0] and "were copied once to" in said[1], said
    engine = sa.create_engine(server.url())
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE kept (note text)"))
        conn.execute(sa.text("INSERT INTO kept VALUES ('still here')"))
    engine.dispose()
    assert embedded.stop() is True
    caplog.clear()
    again = embedded.ensure_running()
    assert again.data_dir == server.data_dir and not caplog.records  # said once, the first time only
    with sa.create_engine(again.url()).connect() as conn:
        assert conn.execute(sa.text("SELECT note FROM kept")).scalar_one() == "still here"
    status = cli("db", "status", env=locked_away)
    assert f"data in {server.data_dir}." in status.stdout, status.stderr
    embedded.reset()
    assert not server.data_dir.exists()
    with sa.create_engine(embedded.ensure_running().url()).connect() as conn:
        assert conn.execute(sa.text("SELECT to_regclass('kept')")).scalar() is None
    after = _modes(private)
    assert {path: after[path] for path in before} == before  # not one permission of the learner's loosened
    assert before[private] == 0o700


def test_stop_from_another_process_finds_the_moved_data(locked_away: dict[str, str]) -> None:
    server = embedded.ensure_running()
    result = run_cli("db", "stop", env=locked_away)
    assert result.stdout.strip() == "PostgreSQL stopped.", result.stderr
    assert not psutil.pid_exists(server.pid) or psutil.Process(server.pid).status() == psutil.STATUS_ZOMBIE
