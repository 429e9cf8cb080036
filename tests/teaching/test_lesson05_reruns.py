"""Notebook 05 as a learner comes back to it: one cell run again, or one exercise cell alone in a fresh kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from lesson_app.config.settings import PROJECT_ROOT

NOTEBOOK = PROJECT_ROOT / "notebooks" / "05_status_codes.ipynb"


def source_of(notebook_path: Path, marker: str) -> str:
    """The source of the one code cell of the notebook that contains `marker`."""
    sources = [cell.source for cell in nbformat.read(notebook_path, as_version=4).cells if cell.cell_type == "code"]
    found = [source for source in sources if marker in source]
    assert len(found) == 1, f"{len(found)} code cells of {notebook_path.name} contain {marker!r}"
    return found[0]


def _cell(marker: str) -> str:
    return source_of(NOTEBOOK, marker)


def on_a_database_of_its_own(source: str, label: str) -> str:
    """The notebook's first cell, on a database of this test's own instead of the lesson's.

    The lesson empties its table when it starts: sharing its database, this test and nbval's run of the notebook
    would change each other's rows whenever they ran at the same time (two pytest runs, or parallel workers).
    """
    call = f'lesson_database("{label}"'
    assert source.count(call) == 1, f"the cell no longer calls {call})"
    return source.replace(call, f'lesson_database("{label}_reruns"')


def _run(sources: list[str]) -> list[str]:
    return run_cells(NOTEBOOK, sources)


def run_cells(notebook_path: Path, sources: list[str]) -> list[str]:
    """Run the cells in one fresh kernel, as the notebook's own folder would, and return what each one showed."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(notebook_path.parent)}},
    ).execute()
    shown = []
    for cell in notebook.cells:
        parts = [output.get("text", "") for output in cell.outputs if output.output_type == "stream"]
        parts += [f"ERROR {o.ename}: " + "\n".join(o.traceback) for o in cell.outputs if o.output_type == "error"]
        shown.append("".join(parts))
    return shown


def test_the_201_cell_run_twice_creates_the_video_again_and_the_next_cell_still_works() -> None:
    created = _cell('created = client.post("/videos", json=VIDEO)')
    shown = _run(
        [
            on_a_database_of_its_own(_cell('lesson_database("05_status_codes", own=True)'), "05_status_codes"),
            _cell("TRUNCATE youtube RESTART IDENTITY"),
            _cell("VIDEO = {"),
            created,
            created,  # the learner runs it again: before, this got 409 and the next cell a KeyError
            _cell('show(client.get(created.headers["Location"]))'),
        ]
    )
    assert not any("ERROR" in text for text in shown), shown
    assert "->  201 Created\n  Location: /videos/2" in shown[4], shown[4]  # the first run's video 1 was deleted
    assert "GET /videos/2  ->  200 OK" in shown[5], shown[5]


def test_an_exercise_cell_alone_in_a_fresh_kernel_names_the_cell_to_run() -> None:
    (shown,) = _run([_cell("import check_validation_error, needs")])
    assert shown.startswith("ERROR RunEarlierCell: "), shown
    assert "`client` is not defined" in shown and "the code cell under “Start the real parts”" in shown, shown
    assert "Traceback" not in shown and "NameError" not in shown, shown
