"""The connection to PostgreSQL: an engine from DATABASE_URL, a sessionmaker bound to it, and get_db."""

import os
from collections.abc import Iterator

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker


def database_url() -> str:
    """Read DATABASE_URL and make SQLAlchemy connect through psycopg2, the driver this project installs."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("DATABASE_URL is not set: export it (e.g. the URL Neon shows) before starting the app.")
    # SQLAlchemy 2.1 reads a bare postgresql:// as psycopg 3, which is not installed, and postgres:// as nothing.
    for bare in ("postgresql://", "postgres://"):
        if url.startswith(bare):
            return "postgresql+psycopg2://" + url.removeprefix(bare)
    return url


DATABASE_URL = database_url()
engine = create_engine(DATABASE_URL, pool_pre_ping=True)
SessionLocal = sessionmaker(bind=engine)


def get_db() -> Iterator[Session]:
    """Give one request its own session and close it when the request is done."""
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
