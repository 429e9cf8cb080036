"""The notebooks' Mermaid diagrams and their committed pictures (`notebooks/diagrams/<stem>-<n>.svg`).

JupyterLab draws a ```mermaid block itself; GitHub, VS Code and nbviewer show its source as text. So right after
each block, in the same markdown cell, a folded `<details>` holds a picture of it, made by `python -m lesson_app
diagrams` (`diagram_render`). Each SVG records the SHA-256 of the Mermaid source it was drawn from, which lets
`problems()` tell, without a browser, that a diagram was edited and its picture not made again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PICTURES_FOLDER = "diagrams"  # beside the notebooks, so a relative link works on GitHub, in VS Code and nbviewer
SUMMARY = "The same diagram as a picture, for GitHub, VS Code and nbviewer"

# A fenced ```mermaid block, then the picture block the command put after it, if there is one.
_BLOCK = re.compile(
    r"(?P<block>^```mermaid[ \t]*\n(?P<source>.*?)^```[ \t]*$)"
    r"(?P<picture>\n*<details><summary>The same diagram as a picture[^\n]*</summary>\n.*?</details>)?",
    re.MULTILINE | re.DOTALL,
)
_ACC_TITLE = re.compile(r"^\s*accTitle\s*:\s*(?P<title>.+?)\s*$", re.MULTILINE)
_RECORD = re.compile(r"<!-- Mermaid source sha256:(?P<digest>[0-9a-f]{64})")
_COMMAND = "`uv run python -m lesson_app diagrams`"


def source_digest(source: str) -> str:
    """Return the SHA-256 of a diagram's Mermaid source, blind to the blank lines and spaces around it."""
    return hashlib.sha256(source.strip().encode()).hexdigest()


def record(digest: str) -> str:
    """Return the XML comment that an SVG carries to say which source it was drawn from."""
    return f"<!-- Mermaid source sha256:{digest} (made by python -m lesson_app diagrams) -->"


def recorded_digest(svg: Path) -> str | None:
    """Return the source digest an SVG records, or None when the file is missing or records none."""
    if not svg.is_file():
        return None
    found = _RECORD.search(svg.read_text(encoding="utf-8"))
    return found["digest"] if found else None


@dataclass(frozen=True)
class Diagram:
    """One ```mermaid block: which notebook, its number there (from 1), its source and its picture block."""

    notebook: Path
    number: int
    source: str
    picture_found: str  # the picture block that follows the source now ("" when there is none)

    @property
    def svg(self) -> Path:
        return self.notebook.parent / PICTURES_FOLDER / f"{self.notebook.stem}-{self.number}.svg"

    @property
    def alt(self) -> str | None:
        """The picture's alt text: the diagram's own `accTitle:` (which JupyterLab's drawing announces too)."""
        found = _ACC_TITLE.search(self.source)
        return found["title"].replace("[", r"\[").replace("]", r"\]") if found else None

    @property
    def picture(self) -> str:
        """The folded block that shows the picture, closed so that JupyterLab does not show the diagram twice."""
        return (
            f"<details><summary>{SUMMARY}</summary>\n\n![{self.alt}]({PICTURES_FOLDER}/{self.svg.name})\n\n</details>"
        )

    @property
    def label(self) -> str:
        return f"{self.notebook.parent.name}/{self.notebook.name}, diagram {self.number}"


def _markdown_sources(notebook: Path) -> list[str]:
    # Plain JSON, not nbformat: reading needs no schema validation, and the staleness test stays well under a second.
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"]


def notebook_diagrams(notebook: Path) -> list[Diagram]:
    """Return the notebook's diagrams, in the order a reader meets them."""
    found = (match for source in _markdown_sources(notebook) for match in _BLOCK.finditer(source))
    return [
        Diagram(notebook, number, match["source"], (match["picture"] or "").lstrip("\n"))
        for number, match in enumerate(found, start=1)
    ]


def all_diagrams(notebooks: Path) -> list[Diagram]:
    """Return every diagram of every notebook in the folder."""
    return [diagram for path in sorted(notebooks.glob("*.ipynb")) for diagram in notebook_diagrams(path)]


def insert_pictures(notebook: Path) -> bool:
    """Put the picture block right after each diagram (or bring it up to date); return whether the file changed."""
    if all(diagram.picture_found == diagram.picture for diagram in notebook_diagrams(notebook)):
        return False  # nothing to do: skip nbformat's slower, validating read
    import nbformat  # here, not at the top: `python -m lesson_app db ...` should not pay for it

    book = nbformat.read(notebook, as_version=4)
    cells = [cell for cell in book.cells if cell.cell_type == "markdown"]
    pictures: Iterator[str] = (diagram.picture for diagram in notebook_diagrams(notebook))
    changed = False
    for cell in cells:
        new = _BLOCK.sub(lambda match: f"{match['block']}\n\n{next(pictures)}", cell.source)
        if new != cell.source:
            cell.source, changed = new, True
    if changed:
        nbformat.write(book, notebook)
    return changed


def problems(notebooks: Path) -> list[str]:
    """Say, one sentence each, which diagram lacks an accTitle, a picture, an up-to-date picture or its block."""
    found = []
    for diagram in all_diagrams(notebooks):
        svg = f"{PICTURES_FOLDER}/{diagram.svg.name}"
        if diagram.alt is None:
            found.append(f"{diagram.label} has no `accTitle: ...` line: add one that says what it shows.")
        elif diagram.picture_found != diagram.picture:
            found.append(f"{diagram.label} is not followed by its picture block ({svg}): run {_COMMAND}.")
        digest = recorded_digest(diagram.svg)
        if digest is None:
            found.append(f"{diagram.label} has no picture {svg}: run {_COMMAND}.")
        elif digest != source_digest(diagram.source):
            found.append(f"{diagram.label} changed since {svg} was drawn: run {_COMMAND}.")
    return found


def orphans(notebooks: Path) -> list[Path]:
    """Return the pictures in notebooks/diagrams/ that no diagram uses any more."""
    used = {diagram.svg for diagram in all_diagrams(notebooks)}
    return sorted(path for path in (notebooks / PICTURES_FOLDER).glob("*.svg") if path not in used)
