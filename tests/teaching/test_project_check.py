"""check_project on real projects: lesson 13's solution passes every row; each usual mistake fails its own row."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from lesson_app import Scorecard, check_project
from lesson_app.runtime.databases import _admin_cursor, create_database, drop_database, server_url
from lesson_app.teaching.project_check import ROWS
from lesson_app.teaching.project_check.async_routes import async_note
from lesson_app.teaching.project_check.runner import expected_rows
from lesson_app.teaching.your_project.folder import write_solution
from tests.helpers import replace_in

# Each broken project: the file to change, the text to replace and its replacement, the row that must fail,
# and words its hint must contain. One thing changed each time, as a learner would get it wrong.
BROKEN = {
    "create_answers_200": (
        "main.py",
        "status_code=201",
        "status_code=200",
        "create: 201 + Location",
        "answered 200",
    ),
    "duplicate_raises_500": (
        "main.py",
        "    try:\n        db.commit()\n    except IntegrityError as exc:\n        db.rollback()\n"
        "        if isinstance(exc.orig, UniqueViolation):  # only the unique url is a conflict; "
        "any other is a bug (500)\n"
        '            raise HTTPException(status_code=409, detail="A video with this url is already stored.") '
        "from None\n        raise\n",
        "    db.commit()\n",
        "duplicate url: 409",
        "catch IntegrityError",
    ),
    "delete_never_committed": (
        "main.py",
        "    db.delete(find_video(db, video_id))\n    db.commit()\n",
        "    db.delete(find_video(db, video_id))\n",
        "DELETE: 204, then 404",
        "db.commit() after db.delete",
    ),
    "target_metadata_none": (
        "alembic/env.py",
        "target_metadata = Base.metadata",
        "target_metadata = None",
        "migrations match models",
        "target_metadata = None",
    ),
    "model_not_imported_in_env": (
        "alembic/env.py",
        "from models.youtube_model import Base\n",
        "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n",
        "migrations match models",
        "import the module that defines your models",
    ),
    "model_changed_without_migration": (
        "models/youtube_model.py",
        "    is_published:",
        '    likes: Mapped[int] = mapped_column(default=0, server_default="0")\n    is_published:',
        "migrations match models",
        "alembic revision --autogenerate",
    ),
    "bare_postgresql_url": (
        "alembic/env.py",
        '.set(drivername="postgresql+psycopg2")',
        "",
        "alembic upgrade head",
        "psycopg 3",
    ),
    "bare_postgresql_url_in_app": (
        "config/database.py",
        '.set(drivername="postgresql+psycopg2")',
        "",
        "server starts",
        "psycopg 3",
    ),
    "session_never_closed": (
        "config/database.py",
        "    try:\n        yield db\n    finally:\n        db.close()\n",
        "    yield db\n",
        "sessions are closed",
        "idle in transaction",
    ),
    "patch_allows_negative_views": (
        "schemas.py",
        "    views: int | None = Field(default=None, ge=0)\n",
        "    views: int | None = None\n",
        "PATCH views -5: 422",
        "Field(default=None, ge=0)",
    ),
    "patch_without_exclude_unset": (
        "main.py",
        "video_in.model_dump(exclude_unset=True)",
        "video_in.model_dump()",
        "PATCH changes only what was sent",
        "model_dump(exclude_unset=True)",
    ),
    "patch_title_null_accepted": (
        "schemas.py",
        '@field_validator("title", "url", "channel", "views", "is_published")',
        '@field_validator("views")',
        "PATCH title null: 422",
        "validator that raises ValueError for None",
    ),
    "create_raises_type_error": (
        "main.py",
        "video = Youtube(**video_in.model_dump())",
        "video = Youtube(video_in)",
        "create: 201 + Location",
        "crashed (500)",
    ),
}

# The mistakes that break nothing else: in one project together, each fails its own row and no other row fails.
# Two projects, since two of them are in alembic/env.py and fail the same row.
ONLY_ROW_FAILS = (
    ("create_answers_200", "delete_never_committed", "target_metadata_none", "session_never_closed"),
    ("duplicate_raises_500", "model_not_imported_in_env", "patch_title_null_accepted"),
)

# The rows that tests below read from a broken project's card, besides the row the case fails.
ALSO_READ = {
    "model_changed_without_migration": ("create: 201 + Location", "missing id: 404", "sessions are closed"),
    "bare_postgresql_url": ("server starts",),
}


def lesson13_project(destination: Path) -> Path:
    """Write the project as lessons 12 and 13 leave it: the one that passes every row."""
    return write_solution(13, destination)


def broken_copy(destination: Path, *cases: str) -> Path:
    """Write lesson 13's project and change the one thing each case names."""
    project = lesson13_project(destination)
    for case in cases:
        filename, old, new, _, _ = BROKEN[case]
        source = (project / filename).read_text()
        assert source.count(old) == 1, f"{case}: lesson 13's project no longer contains the text to change"
        (project / filename).write_text(source.replace(old, new))
    return project


def check_databases() -> set[str]:
    with _admin_cursor(server_url("postgres")) as cur:
        cur.execute("SELECT datname FROM pg_database WHERE datname LIKE 'rj_check_%'")
        return {name for (name,) in cur.fetchall()}


@pytest.fixture(scope="module")
def solution_card(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scorecard, set[str], set[str]]:
    """One check of one copy of lesson 13's project, shared by the tests that read it; the databases around it."""
    before = check_databases()
    card = check_project(lesson13_project(tmp_path_factory.mktemp("solution") / "my_api"))
    return card, before, check_databases()


def test_check_project_lesson13_solution_passes_every_row(solution_card) -> None:
    card, _, _ = solution_card
    assert [row.name for row in card.rows] == list(ROWS)
    assert card.passed, str(card)


def test_check_project_drops_its_database(solution_card) -> None:
    _, before, after = solution_card
    assert after == before


def test_scorecard_renders_as_table(solution_card) -> None:
    card, _, _ = solution_card
    markdown = card._repr_markdown_()
    assert markdown.startswith("| check | result | hint |")
    assert "| row survives a restart | ✅ pass |  |" in markdown
    assert str(card).splitlines()[0].split() == ["check", "|", "result", "|", "hint"]
    assert "16 of 16 checks passed" in str(card)
    assert "Note:" not in str(card)


def test_expected_rows_adds_the_server_and_the_created_row_to_an_api_row() -> None:
    assert expected_rows(None) == ROWS
    assert expected_rows("project files") == ("project files",)
    assert expected_rows(["PATCH views -5: 422"]) == (
        "project files",
        "alembic upgrade head",
        "server starts",
        "create: 201 + Location",
        "PATCH views -5: 422",
    )
    with pytest.raises(ValueError, match="unknown scorecard rows \\['PATCH -5'\\]"):
        expected_rows(["PATCH -5"])


@pytest.fixture(scope="module")
def broken_card(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Scorecard]:
    """Check each broken copy once, only the rows the tests read, for every test that reads its scorecard."""
    cards: dict[str, Scorecard] = {}

    def card_for(case: str) -> Scorecard:
        if case not in cards:
            project = broken_copy(tmp_path_factory.mktemp(case) / "my_api", case)
            cards[case] = check_project(project, only=(BROKEN[case][3], *ALSO_READ.get(case, ())))
        return cards[case]

    return card_for


# The mistakes checked together below are left out here: that full check already asserts each one's row and hint.
ALONE = [case for case in BROKEN if not any(case in cases for cases in ONLY_ROW_FAILS)]


@pytest.mark.parametrize("case", ALONE)
def test_check_project_broken_fails_its_row(case: str, broken_card) -> None:
    _, _, _, row_name, words = BROKEN[case]
    card = broken_card(case)
    rows = {row.name: row for row in card.rows}
    assert not card.passed
    assert not rows[row_name].passed, str(card)
    assert words in rows[row_name].hint, str(card)


@pytest.mark.parametrize("cases", ONLY_ROW_FAILS, ids=["+".join(cases) for cases in ONLY_ROW_FAILS])
def test_check_project_mistakes_fail_only_their_own_rows(cases: tuple[str, ...], tmp_path: Path) -> None:
    card = check_project(broken_copy(tmp_path / "my_api", *cases))
    assert not card.passed
    failing = {row.name: row.hint for row in card.rows if not row.passed}
    assert set(failing) == {BROKEN[case][3] for case in cases}, str(card)
    for case in cases:
        _, _, _, row_name, words = BROKEN[case]
        assert words in failing[row_name], str(card)


def test_check_project_500_shows_server_log(broken_card) -> None:
    card = broken_card("duplicate_raises_500")
    row = next(row for row in card.rows if row.name == "duplicate url: 409")
    assert "UniqueViolation" in row.log
    assert "the last lines the project printed" in str(card)
    assert "UniqueViolation" in card._repr_markdown_().split("```")[1]  # the log as a code block in a notebook


def test_check_project_crashing_create_never_hints_201(broken_card) -> None:
    card = broken_card("create_raises_type_error")
    row = next(row for row in card.rows if row.name == "create: 201 + Location")
    assert "status_code=201" not in row.hint and "TypeError" in row.log


def test_check_project_patch_409_never_hints_adding_the_route(broken_card) -> None:
    # model_dump() writes title=None: NOT NULL fails at commit (a 500 now; a 409 with a catch-all handler).
    card = broken_card("patch_without_exclude_unset")
    row = next(row for row in card.rows if row.name == "PATCH changes only what was sent")
    assert "answered 500" in row.hint and "@app.patch" not in row.hint, str(card)


def test_check_project_null_title_answered_409_names_the_handler(tmp_path: Path) -> None:
    # The newcomer's project: no validator for null, and every IntegrityError answered "url already exists".
    project = broken_copy(tmp_path / "my_api", "patch_title_null_accepted")
    main = project / "main.py"
    main.write_text(main.read_text().replace("isinstance(exc.orig, UniqueViolation)", "True"))
    row = next(
        row
        for row in check_project(project, only=["PATCH title null: 422"]).rows
        if row.name == "PATCH title null: 422"
    )
    assert "answered 409" in row.hint and "UniqueViolation" in row.hint


def test_check_project_model_ahead_of_migrations_blames_migrations(broken_card) -> None:
    # A column added to the model without a migration: every query fails with UndefinedColumn (500).
    card = broken_card("model_changed_without_migration")
    rows = {row.name: row for row in card.rows}
    for name in ("create: 201 + Location", "missing id: 404", "sessions are closed"):
        assert "make a migration first" in rows[name].hint, str(card)
        assert "get_db" not in rows[name].hint and "HTTPException" not in rows[name].hint, str(card)


def test_check_project_notes_async_def_routes_with_a_session(tmp_path: Path) -> None:
    project = lesson13_project(tmp_path / "my_api")
    main = (project / "main.py").read_text()
    assert main.count("\ndef read_video(") == 1
    (project / "main.py").write_text(main.replace("\ndef read_video(", "\nasync def read_video("))
    note = async_note(project)
    assert "main.py: read_video" in note and "plain def" in note
    card = Scorecard(project)
    card.notes.append(note)
    assert "Note: main.py: read_video" in str(card) and "**Note:**" in card._repr_markdown_()


def test_async_note_ignores_def_routes_and_async_routes_without_a_session(tmp_path: Path) -> None:
    project = lesson13_project(tmp_path / "my_api")
    (project / "slow_demo.py").write_text(
        "import asyncio\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
        '@app.get("/awaiting")\nasync def awaiting():\n    await asyncio.sleep(0.1)\n'
    )
    assert async_note(project) == ""


def test_check_project_bare_url_skips_later_rows(broken_card) -> None:
    card = broken_card("bare_postgresql_url")
    rows = {row.name: row for row in card.rows}
    assert rows["server starts"].hint == "skipped: alembic upgrade head failed"
    assert "No module named 'psycopg'" in rows["alembic upgrade head"].log


def test_check_project_accepts_items_and_fixed_page_size(tmp_path: Path) -> None:
    # Another correct design: the list wrapped in {"items": [...]}, no limit parameter, at most 50 rows a page.
    project = lesson13_project(tmp_path / "my_api")
    main = project / "main.py"
    source = main.read_text()
    start, end = source.index('@app.get("/videos", '), source.index('@app.get("/videos/{video_id}"')
    main.write_text(source[:start] + PAGED_LIST + source[end:])
    card = check_project(project, only=["list is bounded"])
    assert card.passed, str(card)


PAGED_LIST = '''@app.get("/videos")
def list_videos(db: DB) -> dict[str, list[VideoRead]]:
    """List the first 50 videos."""
    videos = db.scalars(select(Youtube).order_by(Youtube.id).limit(50)).all()
    return {"items": [VideoRead.model_validate(video) for video in videos]}


'''


def test_check_project_hanging_server_shows_log_not_hang(tmp_path: Path) -> None:
    project = lesson13_project(tmp_path / "my_api")
    main = project / "main.py"
    main.write_text('print("loading the models takes a while")\nimport time\ntime.sleep(600)\n' + main.read_text())
    card = check_project(project, start_timeout=8, only=["create: 201 + Location"])
    rows = {row.name: row for row in card.rows}
    assert "did not answer within 8 s" in rows["server starts"].hint
    assert "loading the models takes a while" in rows["server starts"].log
    assert rows["create: 201 + Location"].hint == "skipped: the server did not start"


@pytest.fixture
def learners_own_database() -> Iterator[URL]:
    """A database standing for the learner's own (Neon's, say), which the check must leave as it is."""
    url = server_url("postgres").set(database=f"rj_test_{uuid.uuid4().hex[:12]}")
    create_database(url)
    yield url
    drop_database(url)


def migrate_with_a_row(project: Path, url: URL) -> None:
    """Migrate the learner's own database with the project's alembic and store one video there."""
    env = {**os.environ, "DATABASE_URL": url.render_as_string(hide_password=False)}
    subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=project, env=env, check=True)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO youtube (title, url, channel) VALUES ('Mine', 'https://mine', 'Me')"))
    engine.dispose()


def stored_videos(url: URL) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM youtube")).scalar_one()
    engine.dispose()
    return count


def test_check_project_never_downgrades_a_pasted_database(tmp_path: Path, learners_own_database: URL) -> None:
    # The notes say to paste the database URI in env.py: then `alembic` ignores DATABASE_URL.
    project = lesson13_project(tmp_path / "my_api")
    migrate_with_a_row(project, learners_own_database)
    env_py = project / "alembic" / "env.py"
    pasted = learners_own_database.render_as_string(hide_password=False)
    replace_in(env_py, 'url.render_as_string(hide_password=False).replace("%", "%%")', repr(pasted))
    card = check_project(project)
    rows = {row.name: row for row in card.rows}
    assert "other than the one in DATABASE_URL" in rows["alembic upgrade head"].hint, str(card)
    assert rows["migrations round-trip"].hint == "skipped: alembic upgrade head failed"
    assert stored_videos(learners_own_database) == 1  # no downgrade ran there


def test_check_project_stops_when_rows_go_elsewhere(tmp_path: Path, learners_own_database: URL) -> None:
    project = lesson13_project(tmp_path / "my_api")
    database_py = project / "config" / "database.py"
    pasted = learners_own_database.render_as_string(hide_password=False)
    replace_in(database_py, "create_engine(DATABASE_URL", f"create_engine({pasted!r}")
    migrate_with_a_row(project, learners_own_database)
    card = check_project(project, only=["DELETE: 204, then 404"])
    rows = {row.name: row for row in card.rows}
    assert "stored the row in a database other than" in rows["create: 201 + Location"].hint, str(card)
    assert rows["DELETE: 204, then 404"].hint == "skipped: the server stores its rows in another database"
    assert stored_videos(learners_own_database) == 2  # its own row and the one POST made, and no more


def test_check_project_missing_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("a project without its files yet\n")
    card = check_project(tmp_path)
    rows = card.rows
    assert rows[0].name == "project files" and "main.py, alembic.ini, alembic/env.py" in rows[0].hint
    assert all(row.hint == "skipped: the project files are missing" for row in rows[1:])


@pytest.mark.parametrize("made", [False, True])
def test_check_project_wrong_folder_says_where_it_looked(tmp_path: Path, made: bool) -> None:
    # From notebooks/, "projects/my_api" names notebooks/projects/my_api, which does not exist.
    folder = tmp_path / "notebooks" / "projects" / "my_api"
    if made:
        folder.mkdir(parents=True)
    row = check_project(folder).rows[0]
    assert f"looked in {folder}, which {'is empty' if made else 'does not exist'}" in row.hint
    assert "../projects/my_api" in row.hint and "project_folder()" in row.hint and "alembic init" not in row.hint


def test_cli_check_project_exit_status(tmp_path: Path, cli) -> None:
    result = cli("check-project", str(tmp_path))
    assert result.returncode == 1
    assert "project files" in result.stdout and "FAIL" in result.stdout


def test_cli_check_project_only_checks_the_rows_asked_for_and_exits_0(tmp_path: Path, cli) -> None:
    # Every row of this project passes (test_check_project_lesson13_solution_passes_every_row): the two migration
    # rows, with the two they stand on, are enough to see the command print the card and exit 0, without a server.
    only = ["--only", "migrations match models", "--only", "migrations round-trip"]
    result = cli("check-project", str(lesson13_project(tmp_path / "my_api")), *only)
    assert result.returncode == 0, result.stdout + result.stderr
    shown = [line.split("|")[0].strip() for line in result.stdout.splitlines()[2:6]]
    assert shown == ["project files", "alembic upgrade head", "migrations match models", "migrations round-trip"]
    assert "4 of 4 checks passed: every check passed." in result.stdout, result.stdout


def test_cli_check_project_unknown_row_exits_2(tmp_path: Path, cli) -> None:
    result = cli("check-project", str(tmp_path), "--only", "duplicate: 409")
    assert result.returncode == 2
    assert "unknown scorecard rows ['duplicate: 409']" in result.stderr
