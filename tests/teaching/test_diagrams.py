"""Every notebook diagram has a committed picture drawn from its current source, shown right after it (no browser)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from lesson_app.config.settings import PROJECT_ROOT
from lesson_app.runtime.cli import main
from lesson_app.teaching import diagrams as dg

NOTEBOOKS = PROJECT_ROOT / "notebooks"


def _copy_notebook(stem: str, into: Path) -> Path:
    """Copy one notebook and its pictures into a notebooks folder of the test's own."""
    (into / "diagrams").mkdir(parents=True)
    for svg in (NOTEBOOKS / "diagrams").glob(f"{stem}-*.svg"):
        shutil.copy(svg, into / "diagrams" / svg.name)
    return Path(shutil.copy(NOTEBOOKS / f"{stem}.ipynb", into / f"{stem}.ipynb"))


def _edit_markdown(notebook: Path, old: str, new: str) -> None:
    """Replace text in the notebook's markdown cells, as an author editing it would."""
    book = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in book["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = "".join(cell["source"]).replace(old, new)
    notebook.write_text(json.dumps(book, indent=1), encoding="utf-8")


def test_every_diagram_has_its_picture_drawn_from_its_current_source():
    fences = sum(
        line.startswith("```mermaid")
        for path in NOTEBOOKS.glob("*.ipynb")
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
        if cell["cell_type"] == "markdown"
        for line in cell["source"]
    )
    assert len(dg.all_diagrams(NOTEBOOKS)) == fences > 0  # no diagram is missed
    assert dg.problems(NOTEBOOKS) == []


def test_no_picture_is_left_without_its_diagram():
    assert dg.orphans(NOTEBOOKS) == []


def test_check_command_passes_on_the_repository(capsys):
    assert main(["diagrams", "--check"]) == 0
    assert capsys.readouterr().out == "Every diagram's picture is up to date.\n"


def test_an_edited_diagram_makes_its_picture_stale(tmp_path):
    notebook = _copy_notebook("03_ports", tmp_path)
    assert dg.problems(tmp_path) == []
    _edit_markdown(notebook, '"a client elsewhere"', '"a laptop elsewhere"')
    assert dg.problems(tmp_path) == [
        f"{tmp_path.name}/03_ports.ipynb, diagram 1 changed since diagrams/03_ports-1.svg was drawn: "
        "run `uv run python -m lesson_app diagrams`."
    ]


def test_a_missing_picture_block_or_file_or_title_is_reported(tmp_path):
    notebook = _copy_notebook("15_async_and_tests", tmp_path)
    _edit_markdown(notebook, "(diagrams/15_async_and_tests-1.svg)", "(diagrams/elsewhere.svg)")
    (tmp_path / "diagrams" / "15_async_and_tests-1.svg").unlink()
    found = dg.problems(tmp_path)
    assert "is not followed by its picture block (diagrams/15_async_and_tests-1.svg)" in found[0]
    assert "has no picture diagrams/15_async_and_tests-1.svg" in found[1]
    _edit_markdown(notebook, "accTitle:", "%% no title:")
    assert "has no `accTitle: ...` line" in dg.problems(tmp_path)[0]


def test_a_picture_no_diagram_uses_is_an_orphan(tmp_path):
    _copy_notebook("14_relationships", tmp_path)
    assert dg.orphans(tmp_path) == []
    stray = tmp_path / "diagrams" / "14_relationships-2.svg"
    stray.write_text("<svg/>", encoding="utf-8")
    assert dg.orphans(tmp_path) == [stray]


def test_inserting_pictures_twice_changes_nothing(tmp_path):
    notebook = _copy_notebook("09_migrations", tmp_path)
    original = notebook.read_text(encoding="utf-8")
    # Take the picture blocks out, as in a notebook that never had them.
    for diagram in dg.notebook_diagrams(notebook):
        _edit_markdown(notebook, "\n\n" + diagram.picture, "")
    assert all(diagram.picture_found == "" for diagram in dg.notebook_diagrams(notebook))
    assert dg.insert_pictures(notebook) is True
    assert notebook.read_text(encoding="utf-8") == original  # back exactly as committed
    assert dg.insert_pictures(notebook) is False
    assert notebook.read_text(encoding="utf-8") == original


def test_picture_block_is_folded_after_the_source_with_the_title_as_alt_text():
    diagram = dg.notebook_diagrams(NOTEBOOKS / "14_relationships.ipynb")[0]
    assert diagram.picture == (
        "<details><summary>The same diagram as a picture, for GitHub, VS Code and nbviewer</summary>\n\n"
        "![A channel has many videos: youtube.channel_id refers to channels.id]"
        "(diagrams/14_relationships-1.svg)\n\n</details>"
    )
