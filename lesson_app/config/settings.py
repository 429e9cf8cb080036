"""One settings object: everything configurable comes from the environment or `.env`, read here once."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import URL, make_url

# The repository root when lesson_app runs from a checkout (uv, `pip install -e .`, Poetry); notebooks run
# with `notebooks/` as their working directory, so `.env` is looked up here as well as in the cwd.
PROJECT_ROOT = Path(__file__).resolve().parents[2]  # lesson_app/config/settings.py -> the project folder
# The tests' own embedded server keeps its data here, apart from the learner's (.postgres/data).
TESTS_PG_DIR = PROJECT_ROOT / ".postgres" / "tests"
# Set by lesson_app.runtime.pytest_isolation for a test run and the processes it starts: no `.env` file is read.
TEST_RUN_VARIABLE = "LESSON_APP_TEST_RUN"


def _default_learner() -> str:
    """The learner's name when LEARNER is unset: JupyterHub's user name, else the name they logged in with."""
    return os.environ.get("JUPYTERHUB_USER") or getpass.getuser()


def _shared_machine() -> bool:
    """Whether PG_PRIVATE is on when unset: under JupyterHub, other learners share this machine's loopback."""
    return bool(os.environ.get("JUPYTERHUB_USER"))


class Settings(BaseSettings):
    """What a learner or an instructor may change, with the defaults the lessons assume."""

    model_config = SettingsConfigDict(
        env_file=(PROJECT_ROOT / ".env", ".env"), env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str | None = Field(
        default=None, description="Any PostgreSQL URL, such as Neon's; unset means the embedded server."
    )
    direct_database_url: str | None = Field(
        default=None, description="A direct (unpooled) URL for migrations; Neon's pooled endpoint is not for them."
    )
    pg_dir: Path = Field(default=PROJECT_ROOT / ".postgres", description="Where the embedded server keeps data.")
    tests_pg_dir: Path | None = Field(
        default=TESTS_PG_DIR,
        description="The tests' own server's folder, which `db status` and `db stop` check; blank in a test run.",
    )
    pg_bin_dir: Path | None = Field(
        default=None, description="Other PostgreSQL binaries to run instead of the bundled ones (e.g. with TLS)."
    )
    projects_dir: Path = Field(
        default=PROJECT_ROOT / "projects", description="Where lessons 12 and up build the learner's own project."
    )
    pg_port: int = Field(
        default=5432, description="The port a new embedded data folder starts on when free; it keeps the one it got."
    )
    pg_system_user: str = Field(default="lessonpg", description="Who runs PostgreSQL when we are root.")
    pg_shared_bin_dir: Path = Field(
        default=Path("/var/cache/request-journey"),
        description="As root: where binaries the system user cannot reach in the project are copied.",
    )
    pg_shared_data_dir: Path = Field(
        default=Path("/var/lib/request-journey"),
        description="As root: where the data lives when the system user cannot enter PG_DIR.",
    )
    pg_private: bool = Field(
        default_factory=_shared_machine,
        description="A new embedded data folder gets a random password, kept in PG_DIR/password (mode 600); "
        "on under JupyterHub, off on a laptop (password `postgres`).",
    )
    default_database: str = "request_journey"
    admin_token: str = "admin-token"
    learner_token: str = "learner-token"
    maintenance_mode: bool = False
    retry_after_seconds: int = 30
    connect_timeout_seconds: int = 3
    class_database_url: str | None = Field(
        default=None,
        description="The class's PostgreSQL, where each check's outcome is recorded; unset records nothing.",
    )
    learner: str = Field(
        default_factory=_default_learner, description="The learner's name: their role in the class database."
    )
    learner_databases: bool = Field(
        default=False,
        description="A class on one shared server (DATABASE_URL): each lesson's database is named from LEARNER and "
        "is the learner's alone.",
    )

    @field_validator("database_url", "direct_database_url", "class_database_url", "tests_pg_dir", mode="before")
    @classmethod
    def _blank_means_unset(cls, value: object) -> object:
        # `DATABASE_URL=` (in .env, or exported empty, as the test run does) means "no URL", not a URL "".
        return None if isinstance(value, str) and not value.strip() else value


def _read_settings() -> Settings:
    if os.environ.get(TEST_RUN_VARIABLE):
        return Settings(_env_file=None)  # a learner's .env must not send a test run to their server
    return Settings()


class _CurrentSettings:
    """`get_settings()`: the settings read once from the environment and `.env`, or a test's override."""

    def __init__(self) -> None:
        self._read: Settings | None = None
        self.overrides: list[Settings] = []  # the innermost override_settings block's settings last

    def __call__(self) -> Settings:
        if self.overrides:
            return self.overrides[-1]
        if self._read is None:
            self._read = _read_settings()
        return self._read

    def cache_clear(self) -> None:
        """Read the environment again on the next call (the pytest plugin changes os.environ itself)."""
        self._read = None


get_settings = _CurrentSettings()


@contextmanager
def override_settings(**values: Any) -> Iterator[Settings]:
    """Inside the block, get_settings() returns the current settings with `values` changed, then them again.

    The one way tests change a setting, e.g. `with override_settings(pg_dir=tmp, pg_port=free_port()):`. Values
    are validated as if read from the environment; child processes still see only the environment.
    """
    settings = Settings(_env_file=None, **{**get_settings().model_dump(), **values})
    get_settings.overrides.append(settings)
    try:
        yield settings
    finally:
        get_settings.overrides.remove(settings)


def normalize_url(raw: str) -> URL:
    """Turn a pasted PostgreSQL URL into one SQLAlchemy connects with through psycopg2.

    SQLAlchemy 2.1 maps a bare ``postgresql://`` to psycopg 3, which this project does not install, and
    Heroku-style ``postgres://`` to nothing at all; query options such as Neon's ``sslmode=require`` and
    ``channel_binding=require`` pass through to libpq unchanged.
    """
    url = make_url(raw.strip())
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg2")
    if not url.drivername.startswith("postgresql"):
        raise ValueError(f"{url.drivername!r} is not a PostgreSQL URL: the series needs PostgreSQL.")
    return url


def escape_for_alembic(url: URL) -> str:
    """Render a URL with its password for `config.set_main_option`, which treats `%` as interpolation."""
    return url.render_as_string(hide_password=False).replace("%", "%%")
