"""The checkers of notebook 10b against right answers, the usual wrong ones, and an untouched exercise.

Every check runs for real: a server of the checker's own on a real database, twenty real requests at once.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import nbformat
import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import URL

from lesson_app.config.settings import PROJECT_ROOT
from lesson_app.models import Youtube
from lesson_app.runtime.databases import create_database, drop_database, server_url
from lesson_app.teaching.checks.lesson10b import BUGGY_ADD_VIEW, N, _views, check_add_view, check_one_after_another
from lesson_app.teaching.checks.view_race import PAUSE_S, raced


@pytest.fixture(scope="module")
def race_url(template_url: URL) -> Iterator[URL]:
    """A database of this module's own (the checker makes and deletes its own videos in it)."""
    url = server_url("postgres").set(database=f"rj_test_{uuid.uuid4().hex[:12]}")
    create_database(url, template=template_url.database)
    yield url
    drop_database(url)


# --- exercise 1: predict, then run ---------------------------------------------------------------------------


@pytest.mark.parametrize("prediction", [20, 20.0, "20", " 20 "])
def test_prediction_right_in_every_spelling(prediction: object, race_url: URL) -> None:
    feedback = check_one_after_another(prediction, race_url)
    assert feedback.passed is True, feedback.message
    assert "views went from 0 to 20" in feedback.message


@pytest.mark.parametrize(
    ("prediction", "expected_hint"),
    [
        (1, "lost only when two requests overlap"),  # the lesson's race, applied where nothing overlaps
        (13, "lost only when two requests overlap"),
        (40, "at most 20"),
        ("many", "whole number"),
        (True, "whole number"),
        (19.5, "whole number"),
    ],
)
def test_prediction_wrong(prediction: object, expected_hint: str, race_url: URL) -> None:
    feedback = check_one_after_another(prediction, race_url)
    assert feedback.passed is False
    assert expected_hint in feedback.message


def test_prediction_not_attempted(race_url: URL) -> None:
    assert check_one_after_another(..., race_url).passed is None


def test_prediction_names_a_database_that_does_not_answer() -> None:
    feedback = check_one_after_another(20, "postgresql+psycopg2://postgres:postgres@127.0.0.1:1/nothing")
    assert feedback.passed is False
    assert "could not run the requests" in feedback.message


# --- exercise 2: debug the route ----------------------------------------------------------------------------


def add_view(session, video_id):  # noqa: ANN001, ANN201 - exactly as the notebook gives it
    """Add one view to a published video; a draft's views are not counted."""
    video = session.get(Youtube, video_id)
    if video is None or not video.is_published:
        return
    video.views = video.views + 1
    session.commit()


def test_the_notebook_gives_the_function_the_checker_knows() -> None:
    notebook = nbformat.read(PROJECT_ROOT / "notebooks" / "10b_lost_updates.ipynb", as_version=4)
    assert any(BUGGY_ADD_VIEW.strip() in cell.source for cell in notebook.cells if cell.cell_type == "code")


def test_untouched_function_is_not_attempted(race_url: URL) -> None:
    assert check_add_view(..., race_url).passed is None


def test_untouched_function_is_raced_for_real_and_shows_the_loss(race_url: URL) -> None:
    """Before any fix, the learner sees the bug lose views (a real race), and it still counts as not attempted."""
    feedback = check_add_view(add_view, race_url)
    assert feedback.passed is None
    assert "`add_view` as given, raced for real: 20 requests at once for one published video added fewer than " in (
        feedback.message
    )
    assert "views were lost. Fix it" in feedback.message


def locked_select(session: Any, video_id: int) -> None:
    video = session.scalar(select(Youtube).where(Youtube.id == video_id).with_for_update())
    if video is None or not video.is_published:
        return
    video.views = video.views + 1
    session.commit()


def locked_get(session: Any, video_id: int) -> None:
    video = session.get(Youtube, video_id, with_for_update=True)
    if video is None or not video.is_published:
        return
    video.views += 1
    session.commit()


def atomic_update(session: Any, video_id: int) -> None:
    session.execute(update(Youtube).where(Youtube.id == video_id, Youtube.is_published).values(views=Youtube.views + 1))
    session.commit()


def read_then_atomic(session: Any, video_id: int) -> None:
    video = session.get(Youtube, video_id)
    if video is None or not video.is_published:
        return
    video.views = Youtube.views + 1  # an SQL expression: the UPDATE adds in the database
    session.commit()


@pytest.mark.parametrize("fixed", [locked_select, locked_get, atomic_update, read_then_atomic])
def test_every_real_fix_passes(fixed: Any, race_url: URL) -> None:
    feedback = check_add_view(fixed, race_url)
    assert feedback.passed is True, feedback.message
    assert "none lost" in feedback.message


def still_racy(session: Any, video_id: int) -> None:
    video = session.get(Youtube, video_id)
    if video is None or not video.is_published:
        return
    session.refresh(video)  # reads again, but still into Python: the race stays
    video.views += 1
    session.commit()


def lock_taken_after_the_read(session: Any, video_id: int) -> None:
    video = session.get(Youtube, video_id)  # the value added to comes from this read, without the lock
    if video is None or not video.is_published:
        return
    session.execute(select(Youtube).where(Youtube.id == video_id).with_for_update())  # does not refresh `video`
    video.views = video.views + 1
    session.commit()


def counts_drafts(session: Any, video_id: int) -> None:
    session.execute(update(Youtube).where(Youtube.id == video_id).values(views=Youtube.views + 1))
    session.commit()


def no_commit(session: Any, video_id: int) -> None:
    session.execute(update(Youtube).where(Youtube.id == video_id, Youtube.is_published).values(views=Youtube.views + 1))


def fails_on_a_missing_id(session: Any, video_id: int) -> None:
    video = session.execute(select(Youtube).where(Youtube.id == video_id).with_for_update()).scalar_one()
    if video.is_published:
        video.views += 1
        session.commit()


def adds_two(session: Any, video_id: int) -> None:
    session.execute(update(Youtube).where(Youtube.id == video_id, Youtube.is_published).values(views=Youtube.views + 2))
    session.commit()


LOCK = threading.Lock()


def python_lock(session: Any, video_id: int) -> None:
    with LOCK:
        add_view(session, video_id)


@pytest.mark.parametrize(
    ("wrong", "expected_hint"),
    [
        (still_racy, "updates were lost. The function still reads the views into Python"),
        (lock_taken_after_the_read, "The lock must be taken by the read whose value you add to"),
        (counts_drafts, "the draft got a view"),
        (no_commit, "did the function commit"),
        (fails_on_a_missing_id, "for an id no video has, your add_view raised `NoResultFound"),
        (adds_two, "one request took views from 0 to 2"),
        (python_lock, "two Uvicorn workers"),
        ("add_view", "pass the function itself"),
    ],
)
def test_usual_wrong_fixes(wrong: Any, expected_hint: str, race_url: URL) -> None:
    feedback = check_add_view(wrong, race_url)
    assert feedback.passed is False
    assert expected_hint in feedback.message, feedback.message


def test_requests_that_lock_no_row_wait_out_their_pauses_together(race_url: URL) -> None:
    """The engine pauses before each statement, not after: no request holds a row lock through a pause.

    Paused after each statement, the twenty atomic UPDATEs each held the row through their pause, so the race took
    at least twenty pauses, one after another; paused before, they pause together and queue only for the UPDATE.
    """
    with raced(race_url, atomic_update, N) as race:
        race.at_once(race.published, N)  # the first race opens the pool's connections; the second is timed
        started = time.perf_counter()
        race.at_once(race.published, N)
        elapsed = time.perf_counter() - started
        assert race.views(race.published) == 2 * N
    assert elapsed < N * PAUSE_S, f"{N} atomic UPDATEs at once took {elapsed:.2f} s: they queued behind the pauses"


def test_the_checker_leaves_no_rows_behind(race_url: URL) -> None:
    from sqlalchemy import create_engine, func

    check_add_view(atomic_update, race_url)
    engine = create_engine(race_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Youtube)) == 0
    engine.dispose()


@pytest.mark.parametrize(("count", "said"), [(0, "0 views"), (1, "1 view"), (19, "19 views")])
def test_lost_views_are_counted_in_good_english(count: int, said: str) -> None:
    """A race that lost all but one view said "added 1 views"."""
    assert _views(count) == said
