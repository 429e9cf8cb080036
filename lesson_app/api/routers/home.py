"""The routes of the notes' first section: the home page `/`, the example route `/c`, and `/echo`."""

from __future__ import annotations

from fastapi import APIRouter, Request

router = APIRouter(tags=["home"])


@router.get("/")
def read_home() -> dict[str, str]:
    """Answer at the application's home, the path `/`."""
    return {"message": "Welcome to the request-journey API.", "docs": "/docs"}


@router.get("/c")
def read_c() -> dict[str, str]:
    """Answer the notes' example route `/c` (as in https://chatgpt.com/c)."""
    return {"route": "/c", "function": "read_c", "message": "FastAPI matched the path /c and called read_c()."}


@router.get("/echo")
def read_echo(request: Request) -> dict:
    """Show the request as the server received it: method, URL and its parts, headers, client."""
    url = request.url
    route = request.scope.get("route")
    return {
        "method": request.method,
        "url": str(url),
        "scheme": url.scheme,
        "host": request.headers.get("host"),
        "port": url.port,
        "path": url.path,
        "query": dict(request.query_params),
        "headers": dict(request.headers),
        "client": request.client.host if request.client else None,
        "route": route.path if route else None,
        "endpoint": route.name if route else None,
    }
