"""Alembic's commands, run from Python against any database URL, with the project's alembic.ini."""

from __future__ import annotations

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from alembic import command
from lesson_app.config.settings import PROJECT_ROOT, escape_for_alembic, get_settings
from lesson_app.runtime.connection import unavailable_error

ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"


def alembic_config(url: URL, *, quiet: bool = True) -> Config:
    """Return the project's Alembic config aimed at `url`; quiet keeps Alembic's log lines out of cells."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("sqlalchemy.url", escape_for_alembic(url))
    config.attributes["configure_logger"] = not quiet
    return config


def head() -> str | None:
    """Return the newest revision in alembic/versions (None if it holds none)."""
    return ScriptDirectory.from_config(Config(str(ALEMBIC_INI))).get_current_head()


def current(url: URL) -> str | None:
    """Return the revision the database is at (what its alembic_version table holds), or None."""
    engine = create_engine(url, connect_args={"connect_timeout": get_settings().connect_timeout_seconds})
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        raise unavailable_error(url, exc.orig or exc) from None
    finally:
        engine.dispose()


def upgrade(url: URL, revision: str = "head") -> None:
    """Bring the database to `revision` (`databases.migrate_to_newest` skips Alembic when it is already there)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: URL, revision: str = "base") -> None:
    """Undo revisions down to `revision` (`base` removes every table the migrations made)."""
    command.downgrade(alembic_config(url), revision)


def check(url: URL) -> None:
    """Raise if the models and the newest revision disagree (`alembic check`)."""
    command.check(alembic_config(url))
