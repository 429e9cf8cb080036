"""Helpers more than one test module needs that are not fixtures: running as `nobody`, the learner's project."""

from __future__ import annotations

import os
import pwd
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import URL

from lesson_app.config.settings import get_settings, normalize_url
from lesson_app.runtime.databases import database_name, plain_url
from lesson_app.teaching.alembic_lesson import AlembicProject


def run_as_nobody(work: Callable[[], str]) -> str:
    """Run `work` in a child process as the user `nobody` and return what it reports (see `run_as_user`)."""
    return run_as_user("nobody", work)


def run_as_user(name: str, work: Callable[[], str]) -> str:
    """Run `work` in a child process as the system user `name` and return what it reports, or the exception it raised.

    A fork rather than a new interpreter: the interpreter may sit under /root, which that user cannot read.
    When the tests do not run as root, the child keeps the ordinary user it already is.
    """
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            if os.geteuid() == 0:
                user = pwd.getpwnam(name)
                os.setgroups([])
                os.setgid(user.pw_gid)
                os.setuid(user.pw_uid)
            report = work()
        except BaseException as exc:  # noqa: BLE001 - everything must reach the parent
            report = f"{type(exc).__name__}: {exc}"
        os.write(write_end, report.encode())
        os._exit(0)
    os.close(write_end)
    os.waitpid(child, 0)
    report = os.read(read_end, 4096).decode()
    os.close(read_end)
    return report


def replace_in(path: Path, old: str, new: str) -> None:
    """Change one piece of a project file, as a learner's mistake would; fail if the piece is no longer there."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new))


def migrate(project: Path, url: URL) -> URL:
    """Migrate the database with the project's own `alembic upgrade head`, as the learner would."""
    scene = AlembicProject(project, plain_url(url))
    scene.alembic("upgrade head")
    assert scene.exit_status == 0
    return url


def lesson_number(notebook: Path) -> str:
    """A notebook's number as its checkers module spells it: `07` for 07_x.ipynb, `07b` for a lesson split after 07."""
    return notebook.name.split("_", 1)[0]


def lesson_database_name(label: str) -> str:
    """The name this run's server gives a lesson's database: `rj_10_crud` on the embedded server; on a server by URL
    (TEST_DATABASE_URL, as the workflow's service job runs) the URL's database and the label, `postgres_10_crud`."""
    url = get_settings().database_url
    if not url:
        return database_name(label)
    return f"{normalize_url(url).database}_{database_name(label)[3:]}"
