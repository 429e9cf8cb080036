"""What the API answers when something fails: a sentence and the right status code, never a traceback."""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from lesson_app.api.crud import DuplicateVideoError
from lesson_app.config.settings import get_settings

logger = logging.getLogger("lesson_app")


def unavailable(detail: str) -> JSONResponse:
    """Answer 503 with Retry-After, so a client knows to come back rather than give up."""
    return JSONResponse(
        {"detail": detail},
        status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(get_settings().retry_after_seconds)},
    )


async def validation(request: Request, exc: RequestValidationError) -> Response:
    """FastAPI's own 422, except that it survives input that cannot be written as UTF-8."""
    content = {"detail": jsonable_encoder(exc.errors())}
    try:
        return JSONResponse(content, 422)
    except UnicodeEncodeError:
        # A lone surrogate ("\ud800") is legal in JSON but not in UTF-8; echoing it back would be a 500.
        return Response(json.dumps(content, ensure_ascii=True), 422, media_type="application/json")


def allowed_methods(request: Request) -> str:
    """Every method some route with this path takes (Starlette's own 405 names only the first such route's)."""
    methods: set[str] = set()
    # iter_route_contexts opens the included routers, so each route is seen with its full path.
    for route in iter_route_contexts(request.app.routes):
        if route.matches(request.scope)[0] is not Match.NONE:
            methods |= route.methods or set()
    return ", ".join(sorted(methods))


def _body_unreadable(exc: StarletteHTTPException) -> bool:
    # FastAPI answers 400 when json.loads fails other than with a JSONDecodeError: bytes that are not UTF-8
    # (UnicodeDecodeError, a ValueError) or JSON nested too deep (RecursionError).
    return exc.status_code == 400 and isinstance(exc.__cause__, ValueError | RecursionError)


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """FastAPI's own answer, with a complete Allow on a 405 and the 422 of any other malformed JSON body."""
    if exc.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        exc.headers = {**(exc.headers or {}), "Allow": allowed_methods(request)}
    elif _body_unreadable(exc):
        # One answer for every body that is not JSON, the same as `{not json` gets from FastAPI.
        error = {
            "type": "json_invalid",
            "loc": ("body", 0),
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": "Nested too deeply" if isinstance(exc.__cause__, RecursionError) else "Not UTF-8 text"},
        }
        return await validation(request, RequestValidationError([error]))
    return await http_exception_handler(request, exc)


async def duplicate(request: Request, exc: DuplicateVideoError) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status.HTTP_409_CONFLICT)


async def integrity(request: Request, exc: sa_exc.IntegrityError) -> JSONResponse:
    return JSONResponse({"detail": "The data conflicts with what is already stored."}, status.HTTP_409_CONFLICT)


async def data_error(request: Request, exc: sa_exc.DataError) -> JSONResponse:
    # Validation should have caught it; if a value still does not fit a column, it is still the client's input,
    # so the answer is the documented 422, in the shape of FastAPI's own.
    error = {"type": "value_error", "loc": ["body"], "msg": "A value does not fit the database column.", "input": None}
    return JSONResponse({"detail": [error]}, 422)


async def database_down(request: Request, exc: sa_exc.SQLAlchemyError) -> JSONResponse:
    logger.warning("database unavailable: %s", exc.__class__.__name__)
    return unavailable("The database cannot be reached right now; try again shortly.")


async def programming(request: Request, exc: sa_exc.ProgrammingError) -> JSONResponse:
    if getattr(exc.orig, "pgcode", None) == "42P01":  # undefined_table: the migrations have not run
        return unavailable("The database has no youtube table yet: run `alembic upgrade head`.")
    return await unhandled(request, exc)


async def unhandled(request: Request, exc: Exception) -> JSONResponse:
    # The traceback goes to the server's log (Uvicorn logs it too); the client gets one plain sentence.
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "Internal Server Error"}, status.HTTP_500_INTERNAL_SERVER_ERROR)


def add_error_handlers(app: FastAPI) -> None:
    """Register the handlers above; the most specific exception class wins."""
    # FastAPI's exception_handler(cls)(handler) is add_exception_handler under a type that accepts a handler for
    # one exception class; Starlette's own signature wants every handler to take any Exception.
    app.exception_handler(RequestValidationError)(validation)
    app.exception_handler(StarletteHTTPException)(http_error)
    app.exception_handler(DuplicateVideoError)(duplicate)
    app.exception_handler(sa_exc.IntegrityError)(integrity)
    app.exception_handler(sa_exc.DataError)(data_error)
    app.exception_handler(sa_exc.ProgrammingError)(programming)
    for cls in (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError):
        app.exception_handler(cls)(database_down)
    app.exception_handler(Exception)(unhandled)
