"""The checkers of notebook 12 against the solution project, the usual wrong files, and an untouched `...`.

Every project is a real folder (the lesson's solution, copied), checked against a real empty PostgreSQL database.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

from lesson_app.runtime.databases import plain_url
from lesson_app.teaching.alembic_lesson import AlembicProject
from lesson_app.teaching.checks.lesson12 import (
    check_driver_url,
    check_env_py,
    check_main,
    check_migration,
    check_model,
    check_tables_after_downgrade,
)
from lesson_app.teaching.your_project.folder import solution_files
from tests.helpers import replace_in


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The project as lesson 12 leaves it, without its revision (the tests make that themselves)."""
    for relative, content in solution_files(12).items():
        if "versions" not in relative.parts:
            (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / relative).write_bytes(content)
    (tmp_path / "alembic" / "versions").mkdir()
    return tmp_path


def migrate(project: Path, url: URL) -> AlembicProject:
    scene = AlembicProject(project, plain_url(url))
    scene.alembic('revision --autogenerate -m "create youtube table" --rev-id 0001')
    scene.alembic("upgrade head")
    return scene


# --- main.py ------------------------------------------------------------------------------------------------


def test_main_solution_passes(project: Path) -> None:
    assert check_main(project).passed


def test_main_missing_file_says_which(project: Path) -> None:
    (project / "main.py").unlink()
    assert "no main.py" in check_main(project).message


def test_wrong_folder_says_where_it_looked_not_alembic_init(tmp_path: Path, empty_db_url: URL) -> None:
    # From notebooks/, "projects/my_api" names a folder that does not exist: `alembic init` would not help.
    folder = tmp_path / "projects" / "my_api"
    for feedback in (check_env_py(folder, empty_db_url), check_migration(folder, empty_db_url), check_main(folder)):
        assert f"looked in {folder}, which does not exist" in feedback.message
        assert "alembic init" not in feedback.message and "project_folder()" in feedback.message
    folder.mkdir(parents=True)
    assert "which is empty" in check_env_py(folder, empty_db_url).message


def test_main_without_app_hints_at_the_name(project: Path) -> None:
    replace_in(project / "main.py", "app = FastAPI(", "api = FastAPI(")
    replace_in(project / "main.py", "@app.get", "@api.get")
    assert "app = FastAPI()" in check_main(project).message


def test_main_import_error_shows_the_exception(project: Path) -> None:
    replace_in(project / "main.py", "from fastapi import FastAPI", "from fastapi import FastApi")
    feedback = check_main(project)
    assert not feedback.passed and "ImportError" in feedback.message


# --- the model ----------------------------------------------------------------------------------------------


def test_model_solution_passes(project: Path) -> None:
    assert check_model(project).passed


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("String(300), unique=True", "String(300)", "not unique"),
        ("title: Mapped[str]", "title: Mapped[str | None]", "may be NULL"),
        ('default=0, server_default="0"', "default=0", "views has no server_default"),
        ("    channel: Mapped[str] = mapped_column(String(100))\n", "", "no column channel"),
        ('__tablename__ = "youtube"', '__tablename__ = "videos"', "'videos'"),
        ("DateTime(timezone=True)", "DateTime", "timezone=True"),
        ("class Youtube(Base)", "class Video(Base)", "no mapped class `Youtube`"),
    ],
)
def test_model_usual_mistakes_get_their_hint(project: Path, old: str, new: str, expected: str) -> None:
    replace_in(project / "models" / "youtube_model.py", old, new)
    feedback = check_model(project)
    assert feedback.passed is False and expected in feedback.message


def test_model_three_missing_columns_says_add_them(project: Path) -> None:
    model = project / "models" / "youtube_model.py"
    lines = model.read_text().splitlines(keepends=True)
    model.write_text(
        "".join(line for line in lines if not line.lstrip().startswith(("views", "is_published", "created_at")))
    )
    feedback = check_model(project)
    assert feedback.passed is False and "views, is_published, created_at: add them" in feedback.message


def test_model_nullable_column_style_hint_names_nullable(project: Path) -> None:
    replace_in(project / "models" / "youtube_model.py", "from sqlalchemy import", "from sqlalchemy import Column,")
    replace_in(
        project / "models" / "youtube_model.py",
        "    title: Mapped[str] = mapped_column(String(200))\n",
        "    title = Column(String(200))\n",
    )
    feedback = check_model(project)
    assert feedback.passed is False and "nullable=False" in feedback.message and "Mapped" not in feedback.message


# --- env.py -------------------------------------------------------------------------------------------------


def test_env_py_solution_passes(project: Path, empty_db_url: URL) -> None:
    assert check_env_py(project, empty_db_url).passed


def test_env_py_without_the_url_line_names_the_placeholder(project: Path, empty_db_url: URL) -> None:
    replace_in(project / "alembic" / "env.py", "config.set_main_option(", "# config.set_main_option(")
    assert "placeholder" in check_env_py(project, empty_db_url).message


def test_env_py_without_the_driver_asks_for_psycopg2(project: Path, empty_db_url: URL) -> None:
    replace_in(project / "alembic" / "env.py", '.set(drivername="postgresql+psycopg2")', "")
    assert "psycopg2" in check_env_py(project, empty_db_url).message


def test_env_py_without_metadata_asks_for_base_metadata(project: Path, empty_db_url: URL) -> None:
    replace_in(project / "alembic" / "env.py", "target_metadata = Base.metadata", "target_metadata = None")
    assert "Base.metadata" in check_env_py(project, empty_db_url).message


# --- the migration ------------------------------------------------------------------------------------------


def test_migration_solution_passes(project: Path, empty_db_url: URL) -> None:
    migrate(project, empty_db_url)
    feedback = check_migration(project, empty_db_url)
    assert feedback.passed, feedback.message


def test_migration_without_revision_asks_for_autogenerate(project: Path, empty_db_url: URL) -> None:
    assert "autogenerate" in check_migration(project, empty_db_url).message


def test_migration_not_applied_asks_for_upgrade(project: Path, empty_db_url: URL) -> None:
    AlembicProject(project, plain_url(empty_db_url)).alembic('revision --autogenerate -m "x" --rev-id 0001')
    assert "alembic upgrade head" in check_migration(project, empty_db_url).message


def test_migration_behind_the_models_asks_for_a_revision(project: Path, empty_db_url: URL) -> None:
    migrate(project, empty_db_url)
    replace_in(project / "models" / "youtube_model.py", "    views:", "    likes: Mapped[int]\n    views:")
    feedback = check_migration(project, empty_db_url)
    assert feedback.passed is False and "models ahead" in feedback.message


# --- exercise 1: predict the tables after downgrade -1 ------------------------------------------------------


def test_prediction_right_answer_passes() -> None:
    assert check_tables_after_downgrade({"alembic_version"}).passed
    assert check_tables_after_downgrade(["Alembic_Version "]).passed


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"youtube", "alembic_version"}, "drop_table"),
        (set(), "one table is left"),
        ({"alembic_version", "videos"}, "never existed"),
        ("alembic_version", "set of table names"),
    ],
)
def test_prediction_wrong_answers_get_their_hint(answer: object, expected: str) -> None:
    feedback = check_tables_after_downgrade(answer)
    assert feedback.passed is False and expected in feedback.message


def test_prediction_untouched_is_not_attempted() -> None:
    assert check_tables_after_downgrade(...).passed is None


# --- exercise 2: the URL function ---------------------------------------------------------------------------


def test_driver_url_solution_passes() -> None:
    assert check_driver_url(lambda raw: make_url(raw).set(drivername="postgresql+psycopg2")).passed


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        (lambda raw: raw.replace("postgresql://", "postgresql+psycopg2://"), "Heroku"),
        (lambda raw: raw.replace("postgresql", "postgresql+psycopg2"), "'postgresql+psycopg2+psycopg2'"),
        (lambda raw: make_url(raw).set(drivername="postgresql+psycopg2", query={}), "lost part"),
        (lambda raw: make_url(raw).set(drivername="postgresql+psycopg2").render_as_string(), "lost part"),
        (lambda raw: 1 / 0, "ZeroDivisionError"),
        ("postgresql+psycopg2://", "without `()`"),
    ],
)
def test_driver_url_wrong_functions_get_their_hint(function: object, expected: str) -> None:
    feedback = check_driver_url(function)
    assert feedback.passed is False and expected in feedback.message


def test_driver_url_untouched_is_not_attempted() -> None:
    assert check_driver_url(...).passed is None


def test_migration_autogenerated_without_the_model_imported_says_its_upgrade_is_empty(
    project: Path, empty_db_url: URL, capsys: pytest.CaptureFixture
) -> None:
    # env.py imports a Base that no model has registered with: autogenerate compares nothing and finds nothing.
    (project / "models" / "base.py").write_text(
        "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n"
    )
    replace_in(project / "alembic" / "env.py", "from models.youtube_model import Base", "from models.base import Base")
    migrate(project, empty_db_url)
    shown = capsys.readouterr().out
    assert "Detected added table" not in shown and "Generating" in shown
    revision = ast.parse(next((project / "alembic" / "versions").glob("0001_*.py")).read_text())
    upgrade = next(node for node in revision.body if isinstance(node, ast.FunctionDef) and node.name == "upgrade")
    assert [type(statement) for statement in upgrade.body if not isinstance(statement, ast.Expr)] == [ast.Pass]
    feedback = check_migration(project, empty_db_url)
    assert feedback.passed is False
    assert "the database is at head but has no youtube table" in feedback.message
    assert "its upgrade() is empty" in feedback.message
