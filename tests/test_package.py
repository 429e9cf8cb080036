"""The package as a whole: what importing it costs, and that its modules import each other without a circle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import lesson_app

PACKAGE = Path(__file__).resolve().parents[1] / "lesson_app"
# Learner-facing project code with imports of its own (`from config.database import ...`): not lesson_app's graph.
SKIPPED = ("teaching/project_check/reference", "teaching/your_project/solutions")
HEAVY = ("fastapi", "uvicorn", "alembic", "sqlalchemy.orm", "IPython")


def _loaded_after(statement: str) -> set[str]:
    """Run `statement` in a fresh interpreter and return the names in its sys.modules afterwards."""
    code = f"import sys\n{statement}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


@pytest.mark.parametrize(
    "module",
    ["lesson_app", "lesson_app.runtime.embedded", "lesson_app.runtime.databases", "lesson_app.config.settings"],
)
def test_importing_loads_no_heavy_package(module: str) -> None:
    loaded = _loaded_after(f"import {module}")
    assert module in loaded
    assert [name for name in HEAVY if name in loaded] == []


def test_importing_the_server_module_changes_no_logger() -> None:
    code = (
        "import logging\n"
        "def seen():\n"
        "    loggers = [logging.getLogger(n) for n in ['', *logging.root.manager.loggerDict]]\n"
        "    return {l.name: (l.level, list(l.filters)) for l in loggers}\n"
        "before = seen()\n"
        "import lesson_app.runtime.server\n"
        "after = seen()\n"
        "print({n: v for n, v in after.items() if before.get(n, (logging.NOTSET, [])) != v})"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "{}"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node that can run: all of them except what sits under `if TYPE_CHECKING:`."""
    skipped = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        for body in node.body
        for inner in ast.walk(body)
    }
    return [node for node in ast.walk(tree) if id(node) not in skipped]


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Return the lesson_app modules this file imports anywhere in it (module level and inside functions)."""
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([package.rsplit(".", node.level - 1)[0], base]).strip(".")
            names = [_target(base, alias.name, modules) for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in modules and name != here)
    return found


def _target(base: str, name: str, modules: set[str]) -> str:
    """The module `from base import name` loads: a submodule, the module behind a lazy public name, or base."""
    if f"{base}.{name}" in modules:
        return f"{base}.{name}"
    if base == "lesson_app":  # lesson_app's public names load their module on first use (PEP 562)
        return lesson_app._WHERE.get(name, base)
    return base


def import_graph() -> dict[str, set[str]]:
    files = [p for p in PACKAGE.rglob("*.py") if not any(skip in p.as_posix() for skip in SKIPPED)]
    modules = {_module_name(p) for p in files}
    return {_module_name(p): _imports(p, modules) for p in files}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one import circle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_find_cycle_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_sees_function_level_imports() -> None:
    graph = import_graph()
    assert "lesson_app.runtime.embedded" in graph["lesson_app.runtime.databases"]
    assert "lesson_app.teaching.bench" in graph["lesson_app.runtime.cli"]  # imported inside _bench
    assert "lesson_app.api.app" in graph["lesson_app.teaching.bench"]  # `from lesson_app import create_app`
    assert graph["lesson_app"] == set()  # its imports sit under TYPE_CHECKING: they never run


def test_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])
