"""After a kernel restart, an exercise cell run alone says which cell to run, and every `needs` is right."""

from __future__ import annotations

import ast
import builtins
import importlib
import json
import re
from pathlib import Path

import httpx
import pytest
from IPython.core.interactiveshell import InteractiveShell

from lesson_app.teaching.restart import RunEarlierCell, make_needs
from tests.helpers import lesson_number

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]*_*.ipynb"))


def test_a_missing_name_gets_one_sentence_naming_the_cell_and_no_traceback(capsys: pytest.CaptureFixture) -> None:
    shell = InteractiveShell.instance(colors="nocolor")
    shell.run_cell("from lesson_app.teaching.restart import make_needs\nneeds = make_needs({'client': 'Start it'})")
    shell.user_ns.pop("client", None)
    capsys.readouterr()
    result = shell.run_cell("needs('client')\nprint('not reached')")
    shown = capsys.readouterr().out
    assert isinstance(result.error_in_exec, RunEarlierCell)
    assert shown.strip() == (
        "⏮️ `client` is not defined: after a restart the kernel remembers nothing. Use Run > Run All Above (the "
        "code cell under “Start it” makes `client`), then run this cell again."
    )
    assert "Traceback" not in shown and "not reached" not in shown


def test_a_closed_client_and_a_stopped_server_are_named_and_a_working_one_passes() -> None:
    # needs() reads the caller's globals (a notebook's names), so the names are bound there, as a cell would.
    needs = make_needs({"client": "Start the server", "server": "Start the server"})

    class Stopped:
        running = False

    names = globals()
    names["client"], names["server"] = httpx.Client(), Stopped()
    try:
        needs("client")  # open: nothing happens
        names["client"].close()
        with pytest.raises(RunEarlierCell, match=r"`client` is closed: run the code cell under “Start the server”"):
            needs("client")
        with pytest.raises(RunEarlierCell, match=r"`server` is stopped"):
            needs("server")
    finally:
        del names["client"], names["server"]


def _needs_calls(source: str) -> list[tuple[str, ...]]:
    tree = ast.parse(source)
    return [
        tuple(arg.value for arg in node.args if isinstance(arg, ast.Constant))
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "needs"
    ]


def _made_names(source: str) -> set[str]:
    """Names a cell binds: assignments, for/with targets, imports, defs and classes."""
    made: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            made.add(node.id)
        elif isinstance(node, ast.alias):
            made.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            made.add(node.name)
        elif isinstance(node, ast.arg):
            made.add(node.arg)
    return made


def _code(cell: dict) -> str:
    lines = "".join(cell["source"]).splitlines()
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def _cases() -> list[tuple[Path, int]]:
    cases = []
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells):
            if cell["cell_type"] == "code" and "needs(" in "".join(cell["source"]):
                cases.append((path, index))
    return cases


@pytest.mark.parametrize(("path", "index"), _cases(), ids=lambda value: getattr(value, "stem", str(value)))
def test_each_needs_names_every_lesson_name_the_cell_uses_and_the_section_that_makes_it(path: Path, index: int) -> None:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    source = _code(cells[index])
    module = importlib.import_module(f"lesson_app.teaching.checks.lesson{lesson_number(path)}")
    made_in = module.needs.made_in
    named = {name for call in _needs_calls(source) for name in call}
    # Every name the cell reads that it does not bind itself, and is not a builtin, was made by an earlier cell:
    # it must be in needs(...), so that a learner running this cell alone learns where it comes from.
    tree = ast.parse(source)
    read = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    from_earlier = read - _made_names(source) - set(dir(builtins)) - {"needs"}
    assert from_earlier <= named, f"cell {index} uses {sorted(from_earlier - named)} without needs(...)"
    for name in named:
        assert name in made_in, f"lesson{lesson_number(path)}'s table does not say which section makes `{name}`"
        heading = made_in[name]
        heads = [
            i
            for i, cell in enumerate(cells[:index])
            if cell["cell_type"] == "markdown"
            and any(re.fullmatch(rf"#+\s+{re.escape(heading)}\s*", line) for line in cell["source"])
        ]
        assert heads, f"no heading “{heading}” above cell {index} in {path.name}"
        section = cells[heads[-1] + 1 : index]
        end = next(
            (i for i, c in enumerate(section) if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("#")),
            len(section),
        )
        makers = [c for c in section[:end] if c["cell_type"] == "code" and name in _made_names(_code(c))]
        assert makers, f"no code cell under “{heading}” in {path.name} makes `{name}`"
