"""What a lesson notebook commits, read back, and what its page in the built book shows."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from book.build import lessons

NOTES = ["notes/README.html", "learner_notes.html"]


def pages() -> list[str]:
    """Every page of the book, relative to its root, in the navigation's order (the front page first)."""
    return ["index.html", "README.html", *(f"notebooks/{path.stem}.html" for path in lessons()), *NOTES]


def markdown_of(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")


def mermaid_blocks(notebook: Path) -> int:
    return markdown_of(notebook).count("```mermaid")


def solutions(notebook: Path) -> int:
    return markdown_of(notebook).count("<summary>Solution</summary>")


def first_printed_line(notebook: Path) -> str | None:
    """The first long line a code cell printed, as committed (the book must show it without running anything)."""
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            for line in "".join(output.get("text", "")).splitlines():
                if len(line.strip()) >= 25 and "\x1b" not in line:
                    return re.sub(r"\s+", " ", line.strip())  # as page_text folds it
    return None


def page_text(page: Path) -> str:
    """A page's words without tags, entities decoded and runs of spaces folded (how a test can search it)."""
    text = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", html.unescape(text))
