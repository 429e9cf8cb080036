"""The README's map of which notebook uses which module is the one the notebooks' imports make."""

from __future__ import annotations

import ast
import json
import re
from collections import defaultdict
from pathlib import Path

import lesson_app
from tests.helpers import lesson_number
from tests.jupyterlab import running_jupyterlab

ROOT = Path(__file__).resolve().parents[1]
MAP_START, MAP_END = "<!-- module-map:start -->", "<!-- module-map:end -->"


def _imported_modules(source: str) -> set[str]:
    """The lesson_app modules a cell imports; a public name counts as the module that defines it."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(code)
    except SyntaxError:  # a cell written wrong on purpose (a learner's exercise)
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lesson_app"):
            for alias in node.names:
                if node.module == "lesson_app":
                    found.add(lesson_app._WHERE[alias.name])
                elif (ROOT / f"{node.module}.{alias.name}".replace(".", "/")).with_suffix(".py").exists():
                    found.add(f"{node.module}.{alias.name}")  # a module: `from lesson_app.runtime import migrations`
                else:
                    found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("lesson_app"))
    return found


def notebook_modules() -> dict[str, list[str]]:
    """Module -> the two-digit numbers of the notebooks that import it.

    Each lesson's own checkers (`checks.lessonNN`, used by notebook NN alone) share one row, `checks.lessonNN`.
    """
    uses: dict[str, set[str]] = defaultdict(set)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                for module in _imported_modules("".join(cell["source"])):
                    own = re.fullmatch(r"lesson_app\.teaching\.checks\.lesson(\d\d[a-z]?)", module)
                    if own and own.group(1) == lesson_number(path):
                        module = "lesson_app.teaching.checks.lessonNN"
                    uses[module].add("NN" if module.endswith("lessonNN") else lesson_number(path))
    return {module: sorted(numbers) for module, numbers in uses.items()}


def readme_modules() -> dict[str, list[str]]:
    """The README's table, read back: `lesson_app.x.y` -> the notebook numbers in its last column."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split(MAP_START, 1)[1].split(MAP_END, 1)[0]
    rows = {}
    for line in table.splitlines():
        found = re.match(r"\| `(lesson_app[\w.]*)` \|.*\| ([\dabN ,]+) \|$", line)
        if found:
            rows[found.group(1)] = [number.strip() for number in found.group(2).split(",")]
    return rows


def test_the_readme_names_every_module_a_notebook_imports_and_which_notebooks() -> None:
    assert readme_modules() == notebook_modules()


def test_public_names_are_the_only_top_level_imports_and_each_resolves() -> None:
    for name in lesson_app.__all__:
        assert getattr(lesson_app, name) is not None
    for module in notebook_modules():
        assert "._" not in module, f"a notebook imports the private module {module}"


def _markdown_links(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    return [link for link in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"[a-z]+:|#", link)]


def test_every_relative_link_in_a_lesson_opens_a_file_of_the_project() -> None:
    broken = [
        f"{path.name}: {link}"
        for path in sorted((ROOT / "notebooks").glob("*.ipynb"))
        for link in _markdown_links(path)
        if not (path.parent / link.split("#")[0]).resolve().exists()
    ]
    assert broken == []


def test_the_readme_command_serves_the_project_folder_so_the_links_open(tmp_path: Path) -> None:
    """Start JupyterLab with the README's own arguments and ask its server for a note and a lesson."""
    with running_jupyterlab(tmp_path) as lab:
        notes = lab.api("GET", "api/contents/notes/README.md?content=0")
        assert notes.status_code == 200, "the README's command does not serve notes/: the lessons' links break"
        assert lab.api("GET", "api/contents/notebooks/00_start_here.ipynb?content=0").status_code == 200
