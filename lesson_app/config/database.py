"""The notes' `config/database.py`: an engine from the URL, a `sessionmaker` bound to it, and `get_db`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from lesson_app.config.settings import get_settings


def make_engine(url: URL | str) -> Engine:
    """Create an engine that notices dropped connections and gives up on an unreachable server quickly."""
    return create_engine(
        url,
        pool_pre_ping=True,  # a connection the server closed (restart, Neon's idle suspend) is replaced
        connect_args={"connect_timeout": get_settings().connect_timeout_seconds},
    )


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Bind a session factory to the engine; each request gets its own session from it."""
    # expire_on_commit=False: a route can return the object it just committed without a second query.
    return sessionmaker(bind=engine, expire_on_commit=False)


def get_db(request: Request) -> Iterator[Session]:
    """Open a session for one request and close it when the response is done."""
    session = request.app.state.SessionLocal()
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_db)]
