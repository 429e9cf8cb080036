"""The book built by its one command: a page per lesson in lesson order, outputs as committed, solutions folded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from book import build as book_build
from book.build import BookError, lessons
from lesson_app.config.settings import PROJECT_ROOT
from tests.book.conftest import FORK, Book
from tests.book.pages import first_printed_line, mermaid_blocks, page_text, pages, solutions


def test_every_lesson_and_the_notes_have_a_page_and_the_build_warns_of_nothing(book: Book) -> None:
    missing = [page for page in pages() if not (book.html / page).is_file()]
    assert missing == []
    assert len(lessons()) >= 20
    # A warning is a broken link, a missing picture or a cell Sphinx could not read: the build must have none.
    assert (book.out / "warnings.txt").read_text(encoding="utf-8") == ""
    # With no icon named, a browser asks for /favicon.ico, and its 404 is an error in the console of every page.
    for page in pages():
        icon = re.search(r'<link rel="icon" href="([^"]+)"', (book.html / page).read_text(encoding="utf-8"))
        assert icon is not None and (book.html / page).parent.joinpath(icon.group(1)).is_file(), page


def test_the_build_costs_under_a_minute_of_processor_time(book: Book) -> None:
    # Processor time, not the clock: on a shared two-core machine the clock counts the other programs too.
    print(f"book built in {book.seconds:.1f} s ({book.cpu_seconds:.1f} s of processor time)")
    assert book.cpu_seconds < 60


def test_the_pages_workflow_builds_with_the_readme_command() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^(uv run python -m book)\b", readme, flags=re.M)
    assert command is not None
    workflow = (PROJECT_ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    assert f"- run: {command.group(1)}\n" in workflow
    for action in ("actions/upload-pages-artifact@", "actions/deploy-pages@", "path: _build/book/html"):
        assert action in workflow


def test_the_navigation_lists_the_pages_in_lesson_order(book: Book) -> None:
    page = (book.html / "notebooks" / "01_url_anatomy.html").read_text(encoding="utf-8")
    nav = page.split('class="bd-links bd-docs-nav"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'<a class="[^"]*reference internal[^"]*" href="([^"]+)"', nav)
    # Relative to notebooks/, where this page is; "#" is the page itself.
    expected = ["../" + name if not name.startswith("notebooks/") else name.split("/", 1)[1] for name in pages()[1:]]
    expected[expected.index("01_url_anatomy.html")] = "#"
    assert links == expected


def test_each_lesson_shows_its_committed_outputs(book: Book) -> None:
    for notebook in lessons():
        line = first_printed_line(notebook)
        assert line is not None, notebook.name
        assert line in page_text(book.html / "notebooks" / f"{notebook.stem}.html"), notebook.name
    # An exercise checker's Markdown answer is drawn as Markdown, not shown as its source text.
    page = (book.html / "notebooks" / "01_url_anatomy.html").read_text(encoding="utf-8")
    assert "<strong>✏️ Not attempted yet</strong>" in page


def test_solutions_stay_folded_and_diagrams_are_left_for_mermaid(book: Book) -> None:
    for notebook in lessons():
        page = (book.html / "notebooks" / f"{notebook.stem}.html").read_text(encoding="utf-8")
        folded = re.findall(r"<details>\s*<summary>Solution</summary>(.*?)</details>", page, flags=re.S)
        assert len(folded) == solutions(notebook) > 0, notebook.name
        assert all('class="highlight' in body or "<p>" in body for body in folded), notebook.name
        assert "<details open" not in page
        assert len(re.findall(r'<pre\s+class="mermaid">', page)) == mermaid_blocks(notebook), notebook.name
        assert "```mermaid" not in page


def test_each_lesson_says_how_to_run_it_locally_and_on_binder(book: Book) -> None:
    for notebook in lessons():
        text = page_text(book.html / "notebooks" / f"{notebook.stem}.html")
        assert f"uv run jupyter lab --notebook-dir=. notebooks/{notebook.name}" in text
        page = (book.html / "notebooks" / f"{notebook.stem}.html").read_text(encoding="utf-8")
        binder = f"https://mybinder.org/v2/gh/{FORK}/HEAD?urlpath=lab/tree/notebooks/{notebook.name}"
        assert f'href="{binder}"' in page, notebook.name
    readme = (book.html / "README.html").read_text(encoding="utf-8")
    assert FORK in readme and "OWNER/" not in readme, "the README page's Binder badge names the book's repository"


def test_the_notes_and_the_readme_set_up_are_pages(book: Book) -> None:
    assert "The notes this series grew from" in page_text(book.html / "notes" / "README.html")
    notes = (PROJECT_ROOT / "notes" / "learner_notes.txt").read_text(encoding="utf-8")
    shown = page_text(book.html / "learner_notes.html")
    assert all(" ".join(line.split()) in shown for line in notes.splitlines()), "the notes, word for word"
    assert "uv run jupyter lab --notebook-dir=. notebooks/00_start_here.ipynb" in page_text(book.html / "README.html")


def test_without_mermaid_the_build_stops_at_once_saying_to_run_npm_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(book_build, "MERMAID", tmp_path / "node_modules" / "mermaid" / "dist")
    with pytest.raises(BookError, match=r"run `npm ci` in the project folder"):
        book_build.build(tmp_path / "out")
    assert not (tmp_path / "out").exists()  # before Sphinx: nothing half built
