"""Find `async def` routes that use the blocking SQLAlchemy `Session` (lesson 15: each one stops every request).

A note, not a failing row: such a route answers correctly one request at a time, so no request the check sends
can show the fault; only reading the code can. The check reads it as text (ast), never imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

METHODS = {"get", "post", "put", "patch", "delete"}
SKIPPED = {"alembic", "tests", ".venv", "venv", "__pycache__"}
SESSION_WORDS = ("Session", "get_db")  # a parameter annotated Session, Depends(get_db), or an alias of either


def _is_route(function: ast.AsyncFunctionDef) -> bool:
    """Say whether a decorator is @<something>.get/post/put/patch/delete(...)."""
    return any(
        isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and dec.func.attr in METHODS
        for dec in function.decorator_list
    )


def _session_aliases(tree: ast.Module) -> set[str]:
    """Return module-level names bound to something that mentions Session or get_db (e.g. DB = Annotated[...])."""
    aliases = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(word in ast.unparse(node.value) for word in SESSION_WORDS):
            aliases |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return aliases


def _uses_session(function: ast.AsyncFunctionDef, aliases: set[str]) -> bool:
    arguments = ast.unparse(function.args)
    return any(word in arguments for word in SESSION_WORDS) or any(
        isinstance(arg.annotation, ast.Name) and arg.annotation.id in aliases
        for arg in function.args.args + function.args.kwonlyargs
    )


def blocking_async_routes(folder: Path) -> list[str]:
    """Return 'file: name' for each async def route of the project that takes a blocking Session."""
    found = []
    for path in sorted(Path(folder).rglob("*.py")):
        if SKIPPED & set(path.relative_to(folder).parts):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue  # the server rows report a file that does not import
        aliases = _session_aliases(tree)
        found += [
            f"{path.relative_to(folder).as_posix()}: {node.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.AsyncFunctionDef) and _is_route(node) and _uses_session(node, aliases)
        ]
    return found


def async_note(folder: Path) -> str:
    """Return the note for the scorecard, or '' when every route that takes a Session is a plain def."""
    routes = blocking_async_routes(folder)
    if not routes:
        return ""
    return (
        f"{', '.join(routes)}: async def with a blocking Session runs on the event loop, so each query stops "
        "every other request (lesson 15); write these routes as plain def."
    )
