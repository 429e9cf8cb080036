"""Lesson 09b's starting point: the scratch Alembic project lesson 09 builds by hand, made in one call.

`scratch_project(folder, database_url)` runs `alembic init alembic` in `folder`, wires `env.py` as lesson 09 does
(the URL from `DATABASE_URL` with psycopg2 named, `target_metadata = Base.metadata`) and writes
`models/youtube_model.py` with the lesson API's `youtube` table, so the lesson API can serve the database once it
is migrated. No revision is written: the lesson (or a checker) makes its own.
"""

from __future__ import annotations

import contextlib
import io
import os
import textwrap
import warnings
from collections.abc import Iterator
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from lesson_app.teaching.alembic_lesson import AlembicProject
from lesson_app.teaching.restart import RunEarlierCell

# Where lesson 09b starts its scratch project afresh: a new folder, an empty database, revision 0001.
START_OVER = (
    "run the cells again from the one under “The scratch project, in one call”, which starts the project afresh"
)

# The lesson API's Youtube (lesson_app/models), on a plain Base, as lesson 09's scratch project ends with it.
YOUTUBE_MODEL = textwrap.dedent(
    """\
    from datetime import datetime

    from sqlalchemy import Boolean, DateTime, Integer, String, func
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


    class Base(DeclarativeBase):
        pass


    class Youtube(Base):
        __tablename__ = "youtube"

        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        title: Mapped[str] = mapped_column(String(200))
        url: Mapped[str] = mapped_column(String(300), unique=True)
        channel: Mapped[str] = mapped_column(String(100))
        views: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
        is_published: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
        created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    """
)

# Lesson 09's two changes to the generated env.py, as (old, new) pairs.
ENV_EDITS = (
    (
        "from alembic import context\n",
        "from alembic import context\nfrom lesson_app import normalize_url\nfrom models.youtube_model import Base\n",
    ),
    (
        "config = context.config\n",
        "config = context.config\n"
        'url = normalize_url(os.environ["DATABASE_URL"])     # postgresql:// -> postgresql+psycopg2://\n'
        'config.set_main_option("sqlalchemy.url", url.render_as_string(hide_password=False).replace("%", "%%"))\n',
    ),
    ("from logging.config import fileConfig\n", "import os\nfrom logging.config import fileConfig\n"),
    ("target_metadata = None\n", "target_metadata = Base.metadata\n"),
)


def empty_schema(engine: Engine) -> None:
    """Drop every table of the database (the schema `public` goes and comes back), so each run starts the same."""
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def scratch_project(folder: str | os.PathLike[str], database_url: str) -> AlembicProject:
    """Make lesson 09's wired scratch project in `folder` (empty or new) and return it, printing nothing."""
    project = AlembicProject(folder, database_url, start_over=START_OVER)
    project.folder.mkdir(parents=True, exist_ok=True)
    with contextlib.redirect_stdout(io.StringIO()):
        project.alembic("init alembic")
    if project.exit_status:
        raise RuntimeError(f"`alembic init alembic` failed in {project.folder}")
    env = project.folder / "alembic" / "env.py"
    source = env.read_text()
    for old, new in ENV_EDITS:
        source = source.replace(old, new, 1)
    env.write_text(source)
    (project.folder / "models").mkdir(exist_ok=True)
    (project.folder / "models" / "__init__.py").write_text("")
    write_model(project, YOUTUBE_MODEL)
    return project


def write_model(project: AlembicProject, source: str) -> None:
    """Replace the project's `models/youtube_model.py` (the next `alembic` command imports it afresh)."""
    (project.folder / "models" / "youtube_model.py").write_text(source)


def revision_path(project: AlembicProject, revision: str) -> Path:
    """Return the script of `revision` in the project's alembic/versions; one sentence if nothing wrote it."""
    script = next((project.folder / "alembic" / "versions").glob(f"{revision}_*.py"), None)
    if script is None:
        raise RunEarlierCell(
            f"revision {revision} has no script in ./alembic/versions, since the `alembic` command above failed "
            f"(its FAILED line says why): {START_OVER}."
        )
    return script


def expect_head(project: AlembicProject, revision: str) -> None:
    """One sentence instead of the cell when the project's scripts have moved past `revision` (a cell run late)."""
    try:
        with warnings.catch_warnings(record=True) as warned:  # Alembic only warns of a parent whose script is gone
            warnings.simplefilter("always")
            heads = ScriptDirectory(str(project.folder / "alembic")).get_heads()
    except Exception:  # noqa: BLE001 - a cycle, or any other broken chain: the same advice, start over
        heads, warned = [], []
    if warned or not heads:
        raise RunEarlierCell(f"the chain of revisions in ./alembic/versions is broken: {START_OVER}.")
    if list(heads) != [revision]:
        raise RunEarlierCell(
            f"this cell works on top of revision {revision}, and the project is at {', '.join(heads)} "
            f"now, so running it again would undo a later step; to see it again, {START_OVER}."
        )


@contextlib.contextmanager
def first_rows(engine: Engine) -> Iterator[Connection]:
    """Open a transaction to fill the empty `youtube` table; one sentence instead if it already holds rows.

    A second run would add the rows again, or, once the lesson has renamed `channel`, fail on the old column name.
    """
    with engine.begin() as conn:
        if conn.execute(text("SELECT EXISTS (SELECT FROM youtube)")).scalar():
            raise RunEarlierCell(f"`youtube` already holds its videos, so this cell has done its work; {START_OVER}.")
        yield conn


def set_functions(project: AlembicProject, revision: str, upgrade: str, downgrade: str) -> None:
    """Replace the bodies of a revision's upgrade() and downgrade() (each given as indented lines of code)."""
    path = revision_path(project, revision)
    source = path.read_text()
    head = source[: source.index("def upgrade")]
    path.write_text(
        f"{head}def upgrade() -> None:\n{upgrade.rstrip()}\n\n\ndef downgrade() -> None:\n{downgrade.rstrip()}\n"
    )
