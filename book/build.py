"""Build the book: gather its sources into one folder, run Sphinx over them, add Mermaid's JavaScript.

The sources are copied, not referenced in place, so that Sphinx sees only the book's pages (never `.venv/` or
`node_modules/`) and the site's first page is `index.html`; the relative links inside the notebooks
(`../notes/learner_notes.txt`, `../lesson_app/...`) keep working because the copy keeps the project's layout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
DEFAULT_OUT = ROOT / "_build" / "book"
# The lessons, as the tests and the README name them; a sorted glob is lesson order (05_ sorts before 05b_).
LESSONS = "[0-9][0-9]*_*.ipynb"
# Mermaid's ES module and the chunks it imports, from the npm package (package.json), never from a CDN.
MERMAID = ROOT / "node_modules" / "mermaid" / "dist"
MERMAID_FILES = ("mermaid.esm.min.mjs", "chunks/mermaid.esm.min")


class BookError(Exception):
    """The book cannot be built; the message says what to do."""


def lessons(root: Path = ROOT) -> list[Path]:
    """The lesson notebooks in lesson order."""
    return sorted((root / "notebooks").glob(LESSONS))


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():  # source maps are for Mermaid's developers: 13 MB a reader's browser never asks for
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.map"))
    else:
        shutil.copy2(source, target)  # copy2 keeps the time stamp, so Sphinx rebuilds only what changed


def stage(folder: Path) -> Path:
    """Copy what the book shows into `folder` (emptied first), in the project's layout; return it."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for page in ("index.md", "learner_notes.md"):
        _copy(BOOK / page, folder / page)
    _copy(ROOT / "README.md", folder / "README.md")
    _copy(ROOT / "notes", folder / "notes")
    for notebook in lessons():
        _copy(notebook, folder / "notebooks" / notebook.name)
    if (ROOT / "notebooks" / "diagrams").is_dir():  # the diagrams' committed pictures, when there are any
        _copy(ROOT / "notebooks" / "diagrams", folder / "notebooks" / "diagrams")
    _copy(ROOT / "lesson_app", folder / "lesson_app")  # two lessons link to a module's source
    return folder


def add_mermaid(html: Path) -> None:
    """Put Mermaid's JavaScript where `conf.py` tells sphinxcontrib-mermaid to load it from."""
    for name in MERMAID_FILES:
        target = html / "_static" / "mermaid" / name
        if target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        _copy(MERMAID / name, target)


def build(out: Path = DEFAULT_OUT) -> Path:
    """Build the book into `out` (html/ is the site); return the site's folder."""
    try:
        from sphinx.cmd.build import build_main  # the `book` dependency group
    except ImportError as missing:
        message = "Sphinx is not installed: run `uv run python -m book` (or `pip install --group book` first)."
        raise BookError(message) from missing
    if not (MERMAID / MERMAID_FILES[0]).exists():  # checked first: Sphinx's run would be wasted without it
        raise BookError("Mermaid's JavaScript is missing: run `npm ci` in the project folder, then build again.")
    source, html = stage(out / "source"), out / "html"
    args = ["-b", "html", "-q", "-c", str(BOOK), "-d", str(out / "doctrees"), "-w", str(out / "warnings.txt")]
    if build_main([*args, str(source), str(html)]) != 0:
        raise BookError(f"Sphinx could not build the book: see the messages above and {out / 'warnings.txt'}.")
    add_mermaid(html)
    return html
