"""`python -m lesson_app diagrams` really draws: Node, mermaid-cli's packages and Chromium, no stand-ins."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest

from lesson_app.config.settings import PROJECT_ROOT
from lesson_app.teaching import diagrams as dg
from lesson_app.teaching.diagram_render import update
from tests.tools import chromium, node_tool

SVG = "{http://www.w3.org/2000/svg}"
DIAGRAM = """```mermaid
flowchart LR
    accTitle: A client sends a request to a server
    C["Alpha client"] -- "sends a request" --> S["Beta server<br/>on port 8000"]
```"""
ENTITIES = """```mermaid
erDiagram
    accTitle: A channel has many videos
    CHANNELS ||--o{ YOUTUBE : "has many"
    CHANNELS {
        int id PK
        string name "unique"
    }
```"""


@pytest.fixture
def tools():
    node_tool("mmdc")  # `npm ci` installed mermaid-cli, whose mermaid and puppeteer the command uses
    chromium()


def _notebook(folder: Path, name: str, markdown: str) -> Path:
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"Before.\n\n{markdown}\n\nAfter.")])
    folder.mkdir(exist_ok=True)
    nbformat.write(book, folder / name)
    return folder / name


def _svg_lines(svg: Path) -> set[str]:
    """The lines of text a reader sees in the picture: SVG <text>, one row <tspan> per line when it has rows."""
    lines = set()
    for text in ET.parse(svg).getroot().iter(f"{SVG}text"):
        rows = [tspan for tspan in text.iter(f"{SVG}tspan") if "row" in tspan.get("class", "").split()]
        lines.update(" ".join("".join(row.itertext()).split()) for row in rows or [text])
    return lines


def test_draws_the_diagram_as_svg_text_and_shows_it_after_its_source(tools, tmp_path):
    notebook = _notebook(tmp_path, "01_small.ipynb", DIAGRAM)
    summary = update(tmp_path, PROJECT_ROOT)
    assert summary.startswith("1 diagrams: 1 drawn in ")
    svg = tmp_path / "diagrams" / "01_small-1.svg"
    lines = _svg_lines(svg)
    # Labels are SVG text (not HTML in a foreignObject), a line for each side of the <br/>.
    assert {"Alpha client", "sends a request", "Beta server", "on port 8000"} <= lines, lines
    assert "foreignObject" not in svg.read_text(encoding="utf-8")
    assert dg.recorded_digest(svg) == dg.source_digest(dg.notebook_diagrams(notebook)[0].source)
    cell = nbformat.read(notebook, as_version=4).cells[0].source
    assert f"{DIAGRAM}\n\n<details><summary>" in cell
    assert "![A client sends a request to a server](diagrams/01_small-1.svg)" in cell
    assert cell.endswith("</details>\n\nAfter.")
    assert dg.problems(tmp_path) == []
    # Run again: nothing to draw, nothing rewritten.
    before = (notebook.read_bytes(), svg.read_bytes())
    assert update(tmp_path, PROJECT_ROOT).startswith("1 diagrams: 0 drawn in ")
    assert (notebook.read_bytes(), svg.read_bytes()) == before


def test_drawing_again_writes_the_same_bytes(tools, tmp_path):
    # Entity diagrams jitter their shapes at random unless Mermaid is given a seed: a redraw must not show up as a
    # change in git.
    _notebook(tmp_path, "01_entities.ipynb", ENTITIES)
    update(tmp_path, PROJECT_ROOT)
    svg = tmp_path / "diagrams" / "01_entities-1.svg"
    first = svg.read_bytes()
    assert update(tmp_path, PROJECT_ROOT, force=True).startswith("1 diagrams: 1 drawn in ")
    assert svg.read_bytes() == first


def test_a_diagram_mermaid_cannot_draw_is_named(tools, tmp_path):
    broken = DIAGRAM.replace('C["Alpha client"]', 'C["Alpha client"')  # a bracket left open
    _notebook(tmp_path, "02_broken.ipynb", broken)
    with pytest.raises(RuntimeError, match=r"Mermaid could not draw .*02_broken\.ipynb, diagram 1: "):
        update(tmp_path, PROJECT_ROOT)
    assert not (tmp_path / "diagrams" / "02_broken-1.svg").exists()


def test_removes_pictures_no_diagram_uses(tmp_path):
    _notebook(tmp_path, "03_none.ipynb", "No diagram here.")
    (tmp_path / "diagrams").mkdir()
    (tmp_path / "diagrams" / "03_none-1.svg").write_text("<svg/>", encoding="utf-8")
    assert update(tmp_path, PROJECT_ROOT).endswith("1 unused pictures removed.")
    assert list((tmp_path / "diagrams").iterdir()) == []
