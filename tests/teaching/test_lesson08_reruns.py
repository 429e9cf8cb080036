"""Notebook 08 as a learner comes back to it: the Session cell run again, and exercise cells alone in a fresh kernel."""

from __future__ import annotations

from lesson_app.config.settings import PROJECT_ROOT
from tests.teaching.test_lesson05_reruns import on_a_database_of_its_own, run_cells
from tests.teaching.test_lesson05_reruns import source_of as _source_of

NOTEBOOK = PROJECT_ROOT / "notebooks" / "08_models.ipynb"


def _cell(marker: str) -> str:
    return _source_of(NOTEBOOK, marker)


def test_the_session_insert_cell_run_twice_stores_the_row_again_and_later_cells_follow_it() -> None:
    insert = _cell("with printing_sql(engine), Session(engine) as session:\n    video = Youtube(")
    shown = run_cells(
        NOTEBOOK,
        [
            on_a_database_of_its_own(_cell('lesson_database("08_models", own=True)'), "08_models"),
            _cell("TRUNCATE youtube RESTART IDENTITY"),
            _cell("from lesson_app.models import Youtube, youtube_model"),
            _cell("class Channel(Base):"),  # imports inspect, which state() uses
            _cell("from lesson_app.teaching.display import printing_sql"),
            insert,
            insert,  # the learner runs it again: before, this stopped with UniqueViolation (uq_youtube_url)
            _cell('first.title = "Changed, never committed"'),
            _cell("declarative-101"),
            _cell("the notebook's row, read through the API"),
        ],
    )
    assert not any("ERROR" in text for text in shown), shown
    assert "3. committed: Youtube(id=2, title='Models, tables and rows'" in shown[6], shown[6]
    assert "in the database: Models, tables and rows" in shown[7], shown[7]
    assert "the notebook's row, read through the API: 200" in shown[9], shown[9]


def test_the_exercise_cells_alone_in_a_fresh_kernel_name_the_cell_to_run() -> None:
    for marker in ("def store_video(engine, title, url):", "class Comment(ExampleBase):"):
        (shown,) = run_cells(NOTEBOOK, [_cell(marker)])
        assert shown.startswith("ERROR RunEarlierCell: "), shown
        assert "`engine` is not defined" in shown and "Traceback" not in shown, shown
