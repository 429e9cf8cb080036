"""The tables Alembic's env.py sees: its imports run in a fresh process, then `target_metadata.tables` is listed.

A checker's own imports cannot tell: importing `models.channel_model` in the kernel registers the channels table
even when nothing env.py imports does, and Alembic would then fail (`could not find table 'channels'`).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

PLACEHOLDER_URL = "postgresql://nobody@127.0.0.1:1/nothing"  # importing a model module must not need a database
DEFAULT_IMPORTS = "from models.youtube_model import Base\ntarget_metadata = Base.metadata\n"
# After the listing, the process ends without Python's teardown of SQLAlchemy's modules (0.2-0.4 s of the check).
LISTING = "\nimport json, os, sys\nprint(json.dumps(sorted(target_metadata.tables)))\nsys.stdout.flush()\nos._exit(0)\n"


def _imports_alembic(node: ast.Import | ast.ImportFrom) -> bool:
    """Say whether the import is Alembic's own (`from alembic import context`): it registers no table, and
    importing it (Mako, Pygments) took the fresh process about twice as long."""
    names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [alias.name for alias in node.names]
    return any(name == "alembic" or name.startswith("alembic.") for name in names)


def env_py_lines(project: Path) -> str:
    """Return env.py's top-level imports (not Alembic's) and its `target_metadata = ...` line (or the solution's)."""
    env_py = Path(project) / "alembic" / "env.py"
    try:
        tree = ast.parse(env_py.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return DEFAULT_IMPORTS
    kept = [
        node
        for node in tree.body
        if (isinstance(node, ast.Import | ast.ImportFrom) and not _imports_alembic(node))
        or (isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "target_metadata" for t in node.targets))
    ]
    text = "\n".join(ast.unparse(node) for node in kept)
    return text if "target_metadata" in text else DEFAULT_IMPORTS


def env_py_tables(project: Path) -> list[str] | str:
    """Return the tables env.py's target_metadata holds in a fresh process, or the error that process printed."""
    env = {**os.environ, "DATABASE_URL": PLACEHOLDER_URL, "PYTHONPATH": str(Path(project).resolve())}
    done = subprocess.run(
        [sys.executable, "-c", env_py_lines(project) + LISTING],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return lines[-1] if lines else f"exit status {done.returncode}"
    return json.loads(done.stdout.strip().splitlines()[-1])
