"""Maintenance mode: every route but /admin answers 503 with Retry-After until an admin turns it off."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from lesson_app.api.errors import unavailable

# The admin routes stay open (or nobody could switch maintenance off), and so do the docs.
OPEN_PREFIXES = ("/admin", "/docs", "/redoc", "/openapi.json")


class MaintenanceMiddleware:
    """A plain ASGI middleware: cheaper per request than BaseHTTPMiddleware, which wraps every body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["app"].state.maintenance and not scope["path"].startswith(OPEN_PREFIXES):
            response = unavailable("The API is down for maintenance; try again later.")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
