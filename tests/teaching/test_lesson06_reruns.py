"""Notebook 06 as a learner comes back to it: an exercise cell alone in a fresh kernel names the cell to run."""

from __future__ import annotations

import pytest

from lesson_app.config.settings import PROJECT_ROOT
from tests.teaching.test_lesson05_reruns import run_cells, source_of

NOTEBOOK = PROJECT_ROOT / "notebooks" / "06_https.ipynb"


@pytest.mark.parametrize(
    ("marker", "missing", "section"),
    [
        ("check_forwarded_prediction(my_prediction, server.url)", "`server`", "Start the real parts"),
        ("intermediate.configure_trust(context)", "`https_server`", "Serve HTTPS"),
    ],
)
def test_an_exercise_cell_alone_names_the_cell_to_run(marker: str, missing: str, section: str) -> None:
    (shown,) = run_cells(NOTEBOOK, [source_of(NOTEBOOK, marker)])
    assert shown.startswith("ERROR RunEarlierCell: "), shown
    assert f"{missing} is not defined" in shown and f"“{section}”" in shown, shown
    assert "Traceback" not in shown and "NameError" not in shown, shown
