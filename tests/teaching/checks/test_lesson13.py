"""The checkers of notebook 13 against the solution project, the usual wrong files, and an untouched `...`.

Each project is a real folder (the lesson's solution, copied) served on a real port against a real database.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from lesson_app.config.settings import normalize_url
from lesson_app.runtime.databases import plain_url
from lesson_app.teaching.checks.lesson13 import check_by_url, check_crud, check_database_py, check_predicted_codes
from lesson_app.teaching.your_project.folder import write_solution
from tests.helpers import replace_in

BY_URL_ROUTE = """

@app.get("/videos/by-url", response_model=VideoRead)
def read_video_by_url(url: str, db: DB):
    video = db.scalar(select(Youtube).where(Youtube.url == url))
    if video is None:
        raise HTTPException(status_code=404, detail="No video with this url.")
    return video
"""

# The snippet notebook 13's exercise 2 gives: only names every correct project has (get_db, Youtube), no schema.
PORTABLE_BY_URL_ROUTE = """

from fastapi import Depends, HTTPException  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from config.database import get_db  # noqa: E402
from models.youtube_model import Youtube  # noqa: E402


@app.get("/videos/by-url")
def read_video_by_url(url: str, db: Session = Depends(get_db)):
    video = db.query(Youtube).filter(Youtube.url == url).first()
    if video is None:
        raise HTTPException(status_code=404, detail="No video with this url.")
    return {"id": video.id, "title": video.title, "url": video.url, "channel": video.channel}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The project as lesson 13 leaves it."""
    return write_solution(13, tmp_path)


@pytest.fixture
def migrated(project: Path, solution_database: Callable[[int], URL]) -> URL:
    """The test's own database, as the project's own `alembic upgrade head` leaves it (a copy: see conftest.py)."""
    return solution_database(13)


# --- config/database.py -------------------------------------------------------------------------------------


def test_database_py_solution_passes(project: Path) -> None:
    feedback = check_database_py(project)
    assert feedback.passed, feedback.message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('make_url(os.environ["DATABASE_URL"])', 'make_url("postgresql://me:pw@localhost/videos")', "DATABASE_URL"),
        ('.set(drivername="postgresql+psycopg2")', "", "psycopg2"),
        ("SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)", "SessionLocal = None", "SessionLocal"),
        ("    try:\n        yield db\n    finally:\n        db.close()", "    return db", "generator"),
        ("    try:\n        yield db\n    finally:\n        db.close()", "    yield db\n    db.close()", "finally"),
        ("engine = create_engine(", "engine = dict(url=", "create_engine"),
    ],
)
def test_database_py_usual_mistakes_get_their_hint(project: Path, old: str, new: str, expected: str) -> None:
    replace_in(project / "config" / "database.py", old, new)
    feedback = check_database_py(project)
    assert feedback.passed is False and expected in feedback.message


def test_database_py_accepts_a_sessionmaker_of_another_name(project: Path) -> None:
    # A newcomer's correct file: another name, the tutorials' autocommit/autoflush, a try/finally of its own.
    replace_in(
        project / "config" / "database.py",
        "SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)",
        "MakeSession = sessionmaker(autocommit=False, autoflush=False, bind=engine)",
    )
    replace_in(project / "config" / "database.py", "    db = SessionLocal()\n", "    db = MakeSession()\n")
    feedback = check_database_py(project)
    assert feedback.passed, feedback.message


def test_database_py_missing_file_says_which(project: Path) -> None:
    (project / "config" / "database.py").unlink()
    assert "no config/database.py" in check_database_py(project).message


# --- the routes ---------------------------------------------------------------------------------------------


def test_crud_solution_passes(project: Path, migrated: URL) -> None:
    feedback = check_crud(project, migrated)
    assert feedback.passed, feedback.message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('@app.post("/videos", status_code=201', '@app.post("/videos"', "answered 200"),
        ('    response.headers["Location"] = f"/videos/{video.id}"\n', "", "Location"),
        ("    try:\n        db.commit()\n    except IntegrityError as exc:", "    db.commit()\n    if False:", "409"),
        (
            '@app.delete("/videos/{video_id}", status_code=204)',
            '@app.delete("/videos/{video_id}")',
            "DELETE answered 200",
        ),
        ("setattr(video, field, value)\n    save(db)", "setattr(video, field, value)\n    db.rollback()", "PATCH"),
    ],
)
def test_crud_usual_mistakes_get_their_hint(project: Path, migrated: URL, old: str, new: str, expected: str) -> None:
    replace_in(project / "main.py", old, new)
    feedback = check_crud(project, migrated)
    assert feedback.passed is False and expected in feedback.message


def test_crud_negative_views_accepted_gets_a_hint(project: Path, migrated: URL) -> None:
    replace_in(project / "schemas.py", "views: int = Field(default=0, ge=0)", "views: int = 0")
    feedback = check_crud(project, migrated)
    assert feedback.passed is False and "views -1" in feedback.message


def checker_rows(url: URL) -> int:
    """Count the videos check_crud creates (their urls start with https://videos.example/check-)."""
    engine = create_engine(normalize_url(plain_url(url)))
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM youtube WHERE url LIKE 'https://videos.example/check-%'"))
        rows = count.scalar_one()
    engine.dispose()
    return rows


def test_crud_patch_negative_views_needs_422(project: Path, migrated: URL) -> None:
    replace_in(project / "schemas.py", "views: int | None = Field(default=None, ge=0)", "views: int | None = None")
    feedback = check_crud(project, migrated)
    assert feedback.passed is False and "PATCH {'views': -5} answered 500" in feedback.message
    assert "ge=0" in feedback.message


def test_crud_patch_without_exclude_unset_names_it(project: Path, migrated: URL) -> None:
    # model_dump() writes title=None: NOT NULL fails at commit and the IntegrityError handler answers 409.
    replace_in(project / "main.py", "model_dump(exclude_unset=True)", "model_dump()")
    feedback = check_crud(project, migrated)
    assert feedback.passed is False and "crashed (500)" in feedback.message
    assert "model_dump(exclude_unset=True)" in feedback.message


def test_crud_patch_title_null_answered_409_gets_a_hint(project: Path, migrated: URL) -> None:
    # The newcomer's project: only exclude_unset, no validator for null, every IntegrityError answered as 409.
    replace_in(project / "schemas.py", '@field_validator("title", "url", "channel", "views", "is_published")', "")
    replace_in(project / "schemas.py", "    @classmethod\n    def not_null", "    def not_null")
    replace_in(project / "main.py", "isinstance(exc.orig, UniqueViolation)", "True")
    feedback = check_crud(project, migrated)
    assert feedback.passed is False and "PATCH {'title': null} answered 409, not 422" in feedback.message
    assert "UniqueViolation" in feedback.message


def test_crud_deletes_its_rows_when_a_step_fails(project: Path, migrated: URL) -> None:
    replace_in(project / "schemas.py", "views: int | None = Field(default=None, ge=0)", "views: int | None = None")
    assert check_crud(project, migrated).passed is False
    assert checker_rows(migrated) == 0


def test_crud_crashing_create_shows_the_exception_not_201(project: Path, migrated: URL) -> None:
    replace_in(project / "main.py", "video = Youtube(**video_in.model_dump())", "video = Youtube(video_in)")
    feedback = check_crud(project, migrated)
    assert feedback.passed is False and "crashed (500) with TypeError" in feedback.message
    assert "status_code=201" not in feedback.message


def test_crud_unbounded_list_gets_a_hint(project: Path, migrated: URL) -> None:
    replace_in(project / "main.py", ".order_by(Youtube.id).limit(limit).offset(offset)", ".order_by(Youtube.id)")
    feedback = check_crud(project, migrated)
    assert feedback.passed is False and "bounded" in feedback.message
    assert checker_rows(migrated) == 0


def test_crud_import_error_is_shown(project: Path, migrated: URL) -> None:
    replace_in(project / "main.py", "from schemas import", "from schema import")
    feedback = check_crud(project, migrated)
    assert feedback.passed is False and "ModuleNotFoundError" in feedback.message


# --- exercise 1: predict the codes --------------------------------------------------------------------------

RIGHT = {"POST the same url again": 409, "GET /videos/999999": 404, "PATCH views -5": 422, "DELETE twice": 404}


def test_codes_right_prediction_passes() -> None:
    assert check_predicted_codes(RIGHT).passed


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"DELETE twice": 204}, "second DELETE"),
        ({"POST the same url again": 500}, "'POST the same url again': not 500"),
        ({"PATCH views -5": 400}, "not 400"),
    ],
)
def test_codes_wrong_predictions_get_their_hint(changes: dict, expected: str) -> None:
    feedback = check_predicted_codes({**RIGHT, **changes})
    assert feedback.passed is False and expected in feedback.message


def test_codes_given_as_strings_asks_for_numbers() -> None:
    feedback = check_predicted_codes({**RIGHT, "POST the same url again": "409"})
    assert feedback.passed is False and "give a number (409), not a string" in feedback.message


def test_codes_renamed_key_asks_to_keep_the_keys() -> None:
    assert "keep the dictionary's keys" in check_predicted_codes({"POST": 409}).message


def test_codes_untouched_or_partly_filled_is_not_attempted() -> None:
    assert check_predicted_codes(...).passed is None
    assert check_predicted_codes({**RIGHT, "DELETE twice": ...}).passed is None


# --- exercise 2: GET /videos/by-url -------------------------------------------------------------------------


def test_by_url_without_the_route_is_not_attempted(project: Path, migrated: URL) -> None:
    assert check_by_url(project, migrated).passed is None


def test_by_url_appended_after_video_id_names_route_order(project: Path, migrated: URL) -> None:
    (project / "main.py").write_text((project / "main.py").read_text() + BY_URL_ROUTE)
    feedback = check_by_url(project, migrated)
    assert feedback.passed is False and "route" in feedback.message and "above" in feedback.message


def test_by_url_422_with_another_parameter_name_names_route_order(project: Path, migrated: URL) -> None:
    # The learner's own path parameter name: the 422 does not say video_id, yet the cause is the same.
    main = project / "main.py"
    main.write_text(main.read_text().replace("video_id", "vid") + BY_URL_ROUTE)
    feedback = check_by_url(project, migrated)
    assert feedback.passed is False and "answered 422" in feedback.message
    assert "declared first" in feedback.message and "lesson 04" in feedback.message


def test_by_url_declared_first_passes(project: Path, migrated: URL) -> None:
    replace_in(
        project / "main.py", '\n@app.get("/videos/{video_id}"', BY_URL_ROUTE + '\n\n@app.get("/videos/{video_id}"'
    )
    feedback = check_by_url(project, migrated)
    assert feedback.passed, feedback.message


def test_by_url_answering_200_for_an_unknown_url_gets_a_hint(project: Path, migrated: URL) -> None:
    lenient = BY_URL_ROUTE.replace("response_model=VideoRead", "").replace(
        '        raise HTTPException(status_code=404, detail="No video with this url.")', "        return {}"
    )
    replace_in(project / "main.py", '\n@app.get("/videos/{video_id}"', lenient + '\n\n@app.get("/videos/{video_id}"')
    feedback = check_by_url(project, migrated)
    assert feedback.passed is False and "unknown url answered 200" in feedback.message


def test_by_url_with_the_solutions_names_in_a_project_without_them_says_so(project: Path, migrated: URL) -> None:
    for name in ("main.py", "schemas.py"):
        (project / name).write_text((project / name).read_text().replace("VideoRead", "VideoOut"))
    (project / "main.py").write_text((project / "main.py").read_text() + BY_URL_ROUTE)
    feedback = check_by_url(project, migrated)
    assert feedback.passed is False and "NameError" in feedback.message and "your own names" in feedback.message


def test_by_url_portable_snippet_works_with_other_names(project: Path, migrated: URL) -> None:
    for name in ("main.py", "schemas.py"):
        (project / name).write_text((project / name).read_text().replace("VideoRead", "VideoOut"))
    (project / "main.py").write_text((project / "main.py").read_text() + PORTABLE_BY_URL_ROUTE)
    feedback = check_by_url(project, migrated)
    assert feedback.passed is False and "above" in feedback.message  # the route-order lesson, not a NameError
