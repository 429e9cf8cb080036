"""check_project on real projects: the reference passes every row; each usual mistake fails its own row."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lesson_app import Scorecard, check_project
from lesson_app.databases import _admin_cursor, server_url
from lesson_app.project_check import REFERENCE, ROWS
from tests.conftest import run_cli

# Each broken project: the file to change, the text to replace and its replacement, the row that must fail,
# and words its hint must contain. One thing changed each time, as a learner would get it wrong.
BROKEN = {
    "create_answers_200": (
        "main.py",
        "status_code=status.HTTP_201_CREATED",
        "status_code=status.HTTP_200_OK",
        "create: 201 + Location",
        "answered 200",
    ),
    "duplicate_raises_500": (
        "main.py",
        "    try:\n        db.commit()\n    except IntegrityError:\n        db.rollback()\n"
        '        raise HTTPException(status.HTTP_409_CONFLICT, f"A video with url {video.url!r} already exists.") '
        "from None\n",
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
        "config/database.py",
        "DATABASE_URL = database_url()",
        'DATABASE_URL = os.environ["DATABASE_URL"]',
        "alembic upgrade head",
        "psycopg 3",
    ),
    "session_never_closed": (
        "config/database.py",
        "    try:\n        yield db\n    finally:\n        db.close()\n",
        "    yield db\n",
        "sessions are closed",
        "idle in transaction",
    ),
}


def copy_reference(destination: Path) -> Path:
    """Copy the reference project as a learner's folder would be (no bytecode from other runs)."""
    return Path(shutil.copytree(REFERENCE, destination, ignore=shutil.ignore_patterns("__pycache__")))


def broken_copy(destination: Path, case: str) -> Path:
    """Copy the reference and change the one thing the case names."""
    filename, old, new, _, _ = BROKEN[case]
    project = copy_reference(destination)
    source = (project / filename).read_text()
    assert source.count(old) == 1, f"{case}: the reference no longer contains the text to change"
    (project / filename).write_text(source.replace(old, new))
    return project


def check_databases() -> set[str]:
    with _admin_cursor(server_url("postgres")) as cur:
        cur.execute("SELECT datname FROM pg_database WHERE datname LIKE 'rj_check_%'")
        return {name for (name,) in cur.fetchall()}


@pytest.fixture(scope="module")
def reference_card(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scorecard, set[str], set[str]]:
    """One check of one copy of the reference, shared by the tests that read it; the databases around it."""
    before = check_databases()
    card = check_project(copy_reference(tmp_path_factory.mktemp("reference") / "my_api"))
    return card, before, check_databases()


def test_check_project_reference_passes_every_row(reference_card) -> None:
    card, _, _ = reference_card
    assert [row.name for row in card.rows] == list(ROWS)
    assert card.passed, str(card)


def test_check_project_drops_its_database(reference_card) -> None:
    _, before, after = reference_card
    assert after == before


def test_scorecard_renders_as_table(reference_card) -> None:
    card, _, _ = reference_card
    markdown = card._repr_markdown_()
    assert markdown.startswith("| check | result | hint |")
    assert "| row survives a restart | ✅ pass |  |" in markdown
    assert str(card).splitlines()[0].split() == ["check", "|", "result", "|", "hint"]
    assert "14 of 14 checks passed" in str(card)


@pytest.mark.parametrize("case", BROKEN)
def test_check_project_broken_fails_its_row(case: str, tmp_path: Path) -> None:
    _, _, _, row_name, words = BROKEN[case]
    card = check_project(broken_copy(tmp_path / "my_api", case))
    rows = {row.name: row for row in card.rows}
    assert not card.passed
    assert not rows[row_name].passed, str(card)
    assert words in rows[row_name].hint, str(card)


def test_check_project_500_shows_server_log(tmp_path: Path) -> None:
    card = check_project(broken_copy(tmp_path / "my_api", "duplicate_raises_500"))
    row = next(row for row in card.rows if row.name == "duplicate url: 409")
    assert "UniqueViolation" in row.log
    assert "the last lines the project printed" in str(card)


def test_check_project_bare_url_skips_later_rows(tmp_path: Path) -> None:
    card = check_project(broken_copy(tmp_path / "my_api", "bare_postgresql_url"))
    rows = {row.name: row for row in card.rows}
    assert rows["server starts"].hint == "skipped: alembic upgrade head failed"
    assert "No module named 'psycopg'" in rows["alembic upgrade head"].log


def test_check_project_hanging_server_shows_log_not_hang(tmp_path: Path) -> None:
    project = copy_reference(tmp_path / "my_api")
    main = project / "main.py"
    main.write_text('print("loading the models takes a while")\nimport time\ntime.sleep(600)\n' + main.read_text())
    card = check_project(project, start_timeout=8)
    rows = {row.name: row for row in card.rows}
    assert "did not answer within 8 s" in rows["server starts"].hint
    assert "loading the models takes a while" in rows["server starts"].log
    assert rows["create: 201 + Location"].hint == "skipped: the server did not start"


def test_check_project_missing_files(tmp_path: Path) -> None:
    card = check_project(tmp_path)
    rows = card.rows
    assert rows[0].name == "project files" and "main.py, alembic.ini, alembic/env.py" in rows[0].hint
    assert all(row.hint == "skipped: the project files are missing" for row in rows[1:])


def test_cli_check_project_exit_status(tmp_path: Path) -> None:
    result = run_cli("check-project", str(tmp_path))
    assert result.returncode == 1
    assert "project files" in result.stdout and "FAIL" in result.stdout
