"""The learner's project folder: started empty without deleting anything, caught up without overwriting, run."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from lesson_app import check_project
from lesson_app.teaching.your_project import (
    catch_up,
    load_app,
    project_folder,
    run_pytest,
    run_uvicorn,
    shown,
    start_empty,
)
from lesson_app.teaching.your_project.folder import SOLUTIONS, solution_files, write_solution

HELLO = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\ndef home():\n    return {"n": N}\n'


@pytest.fixture
def projects(tmp_path: Path, fresh_settings) -> Path:
    fresh_settings.setenv("PROJECTS_DIR", str(tmp_path / "projects"))
    return tmp_path / "projects"


def test_projects_dir_comes_from_the_setting(projects: Path) -> None:
    assert project_folder() == projects / "my_api"


def test_start_empty_moves_an_earlier_project_aside_and_says_so(projects: Path, capsys) -> None:
    earlier = projects / "my_api"
    earlier.mkdir(parents=True)
    (earlier / "main.py").write_text("mine")
    folder = start_empty()
    assert folder == earlier and not any(folder.iterdir())
    assert (projects / "my_api.old-1" / "main.py").read_text() == "mine"
    assert "projects/my_api.old-1" in capsys.readouterr().out
    (folder / "main.py").write_text("again")
    start_empty()
    assert (projects / "my_api.old-2" / "main.py").read_text() == "again"


def test_catch_up_adds_missing_files_and_keeps_the_learners(projects: Path, capsys) -> None:
    folder = projects / "my_api"
    folder.mkdir(parents=True)
    (folder / "main.py").write_text("my own main")
    catch_up(13)
    out = capsys.readouterr().out
    assert (folder / "main.py").read_text() == "my own main"
    assert "Kept your own main.py" in out
    assert all((folder / relative).exists() for relative in solution_files(13))
    catch_up(13)
    assert "nothing added" in capsys.readouterr().out


def test_solution_files_layer_later_lessons_over_earlier_ones() -> None:
    files = solution_files(14)
    assert files[Path("alembic.ini")] == (SOLUTIONS / "after_12" / "alembic.ini").read_bytes()
    assert files[Path("models/youtube_model.py")] == (SOLUTIONS / "after_14/models/youtube_model.py").read_bytes()
    assert Path("channels.py") not in solution_files(13)


def test_solution_files_append_what_a_lesson_appends() -> None:
    # Lesson 14's `%%writefile -a main.py` cell: lesson 13's main.py, then the lines that include the new router.
    main = solution_files(14)[Path("main.py")].decode()
    assert main.startswith(solution_files(13)[Path("main.py")].decode())
    assert main.endswith(
        "\n\nfrom channels import router as channels_router  # noqa: E402\n\napp.include_router(channels_router)\n"
    )
    assert not (SOLUTIONS / "after_14" / "main.py").exists()


def test_no_solution_file_repeats_another() -> None:
    # Each lesson's folder holds only what that lesson changed: no file is another's copy, or a copy with lines added.
    stored = {
        path: path.read_bytes() for path in SOLUTIONS.rglob("*") if path.is_file() and "__pycache__" not in path.parts
    }
    repeats = [
        (one, other)
        for one in stored
        for other in stored
        if one != other and stored[one] and stored[one] in stored[other]
    ]
    assert repeats == []


def test_shown_never_prints_a_path_of_this_machine(projects: Path) -> None:
    assert shown(projects / "my_api" / "models") == "projects/my_api/models"
    assert shown(Path("/somewhere/else")) == "else"


def test_load_app_imports_the_changed_file(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(HELLO.replace("N", "1"))
    first = load_app(tmp_path, "postgresql://unused@127.0.0.1:1/x")
    (tmp_path / "main.py").write_text(HELLO.replace("N", "2"))
    second = load_app(tmp_path, "postgresql://unused@127.0.0.1:1/x")
    assert first is not second
    assert second.routes[-1].endpoint() == {"n": 2}


def test_load_app_imports_a_changed_module_of_any_name_in_the_folder(tmp_path: Path) -> None:
    """A module the series does not know by name (here `numbers_of_mine`) is the project's by where its file is."""
    (tmp_path / "main.py").write_text(HELLO.replace('{"n": N}', '{"n": numbers_of_mine.N}'))
    (tmp_path / "main.py").write_text("import numbers_of_mine\n" + (tmp_path / "main.py").read_text())
    (tmp_path / "numbers_of_mine.py").write_text("N = 1\n")
    assert load_app(tmp_path, "postgresql://unused@127.0.0.1:1/x").routes[-1].endpoint() == {"n": 1}
    (tmp_path / "numbers_of_mine.py").write_text("N = 22\n")  # another size: no stale bytecode by mtime alone
    assert load_app(tmp_path, "postgresql://unused@127.0.0.1:1/x").routes[-1].endpoint() == {"n": 22}


def test_run_uvicorn_serves_and_stops(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(HELLO.replace("N", "3"))
    server = run_uvicorn(tmp_path, "postgresql://unused@127.0.0.1:1/x")
    try:
        assert httpx.get(server.url + "/").json() == {"n": 3}
    finally:
        server.stop()
    assert "stopped" in repr(server)
    with pytest.raises(httpx.TransportError):
        httpx.get(server.url + "/", timeout=2)


# A server whose import takes a while, as a learner's does on a busy machine: the wait must not eat the CPU it needs.
SLOW_HELLO = "import time\n\ntime.sleep(1.5)\n" + HELLO.replace("N", "4")
WAIT_CPU_LIMIT = 0.6  # s of this process's CPU; a new httpx client per try spent ~50 ms a try: 0.84-1.5 s here


def test_run_uvicorn_waits_without_spending_cpu(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(SLOW_HELLO)
    cpu = time.process_time()
    server = run_uvicorn(tmp_path, "postgresql://unused@127.0.0.1:1/x")
    try:
        assert time.process_time() - cpu < WAIT_CPU_LIMIT
        assert httpx.get(server.url + "/").json() == {"n": 4}
    finally:
        server.stop()


def test_run_uvicorn_that_cannot_start_says_why(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("import nothing_of_that_name\n")
    with pytest.raises(RuntimeError, match="nothing_of_that_name"):
        run_uvicorn(tmp_path, "postgresql://unused@127.0.0.1:1/x")


PLUGINS_TEST = """
def test_the_series_plugins_stay_out(pytestconfig):
    loaded = pytestconfig.pluginmanager.has_plugin
    assert [name for name in ("nbval", "schemathesis", "hypothesispytest") if loaded(name)] == []
    assert loaded("anyio")  # the project's own installed plugins still load, as in a terminal


def test_sees_both_urls():
    import os

    assert os.environ["DATABASE_URL"] == "postgresql://app@127.0.0.1:1/app"
    assert os.environ["MY_API_TEST_DATABASE_URL"] == "postgresql://test@127.0.0.1:1/test"
"""


def test_run_pytest_runs_the_projects_tests_without_the_series_plugins(tmp_path: Path) -> None:
    """The learner's tests run as in a terminal, but without nbval, schemathesis and Hypothesis, which cost seconds."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_plugins.py").write_text(PLUGINS_TEST)
    result = run_pytest(tmp_path, "postgresql://app@127.0.0.1:1/app", "postgresql://test@127.0.0.1:1/test")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("2 passed")


def test_final_solution_passes_the_project_checker(tmp_path: Path) -> None:
    """The project as lesson 15 leaves it (channels, tests and all) still passes every row of check_project."""
    card = check_project(write_solution(15, tmp_path))
    assert card.passed, str(card)


def test_catch_up_does_not_report_a_file_from_a_later_lesson(projects: Path, capsys) -> None:
    folder = projects / "my_api"
    folder.mkdir(parents=True)
    (folder / "main.py").write_bytes(solution_files(14)[Path("main.py")])
    catch_up(13)
    assert "Kept" not in capsys.readouterr().out
