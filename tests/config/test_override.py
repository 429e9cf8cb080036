"""override_settings: the one way a test changes a setting, for this process only and for one block."""

from __future__ import annotations

import os
from pathlib import Path

from lesson_app.config.settings import get_settings, override_settings


def test_override_changes_settings_inside_the_block_only() -> None:
    before = get_settings()
    with override_settings(pg_port="6001", pg_dir="/tmp/rj-elsewhere") as inside:
        assert get_settings() is inside
        assert (inside.pg_port, inside.pg_dir) == (6001, Path("/tmp/rj-elsewhere"))  # validated like the env
        assert inside.default_database == before.default_database  # everything else as it was
        with override_settings(pg_port=6002):
            assert (get_settings().pg_port, get_settings().pg_dir) == (6002, Path("/tmp/rj-elsewhere"))
        assert get_settings().pg_port == 6001
    assert get_settings() is before


def test_override_leaves_the_environment_alone() -> None:
    saved = dict(os.environ)
    with override_settings(database_url="postgresql://u:p@db.example/x"):
        assert get_settings().database_url == "postgresql://u:p@db.example/x"
        assert dict(os.environ) == saved


def test_override_is_undone_when_the_block_raises() -> None:
    before = get_settings()
    try:
        with override_settings(pg_port=6003):
            raise RuntimeError("a failing test")
    except RuntimeError:
        pass
    assert get_settings() is before
