"""The app factory: one FastAPI app with its own engine, assembled from the routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.engine import URL

from lesson_app.api.errors import add_error_handlers
from lesson_app.api.in_flight import RequestIntervals, new_intervals
from lesson_app.api.maintenance import MaintenanceMiddleware
from lesson_app.api.responses import UNAVAILABLE
from lesson_app.api.routers import admin, errors, health, home, videos
from lesson_app.api.timing import ServerTimingMiddleware
from lesson_app.config.database import make_engine, make_sessionmaker
from lesson_app.config.settings import get_settings
from lesson_app.runtime import databases


def operation_id(route: APIRoute) -> str:
    """Name each operation after its function (`read_video`), so OpenAPI links and `/docs` read plainly."""
    return route.name


def create_app(database_url: URL | str | None = None, *, maintenance: bool | None = None) -> FastAPI:
    """Build the lesson API on `database_url` (default: the configured server's main database)."""
    engine = make_engine(database_url or databases.server_url())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()  # close pooled connections when the server stops

    app = FastAPI(
        title="request-journey lesson API",
        summary="Videos stored in PostgreSQL, and a route for every status code in the notes' table.",
        version="0.1.0",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    app.state.engine = engine
    app.state.SessionLocal = make_sessionmaker(engine)
    app.state.maintenance = get_settings().maintenance_mode if maintenance is None else maintenance
    app.add_middleware(MaintenanceMiddleware)
    app.add_middleware(ServerTimingMiddleware)  # times everything, when a request asks
    app.state.request_intervals = new_intervals()  # read by lesson 11's checker: which requests overlapped
    app.add_middleware(RequestIntervals, intervals=app.state.request_intervals)
    add_error_handlers(app)
    for module in (home, health, videos, admin, errors):
        # Maintenance mode answers 503 on every route but /admin's (or nobody could switch it off).
        app.include_router(module.router, responses=None if module is admin else UNAVAILABLE)
    return app
