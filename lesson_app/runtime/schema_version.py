"""Is a database already at the newest revision? Answered without importing Alembic (~0.3 s per notebook).

The one answer to that question: `databases.migrate_to_newest` runs Alembic only when it is not a clear yes.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import URL

from lesson_app.config.settings import PROJECT_ROOT
from lesson_app.runtime.connection import cursor

VERSIONS = PROJECT_ROOT / "alembic" / "versions"
_REVISION = re.compile(r"^revision(?:: str)? = [\"'](\w+)[\"']", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision(?::[^=]+)? = (.+)$", re.MULTILINE)


def newest_revision() -> str | None:
    """Return the one revision no other revision builds on, or None if the scripts do not say clearly."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in VERSIONS.glob("*.py"):
        text = script.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN_REVISION.search(text)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        parents.update(re.findall(r"[\"'](\w+)[\"']", down.group(1)))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def is_at_newest(url: URL) -> bool:
    """Say whether the database `url` names records the newest revision in alembic_version."""
    newest = newest_revision()
    if newest is None:
        return False
    with cursor(url) as cur:
        cur.execute("SELECT to_regclass('alembic_version') IS NOT NULL")
        if not (cur.fetchone() or [False])[0]:
            return False
        cur.execute("SELECT version_num FROM alembic_version")
        return [row[0] for row in cur.fetchall()] == [newest]
