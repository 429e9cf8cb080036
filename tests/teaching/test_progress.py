"""Progress an instructor can read: checks record attempts in a real class database on the tests' server, and
PostgreSQL's row-level security, not Python, keeps each learner to their own rows."""

from __future__ import annotations

import csv
import ipaddress
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import psycopg2
import pytest
from sqlalchemy.engine import URL

from lesson_app.config.settings import PROJECT_ROOT, override_settings
from lesson_app.runtime.databases import plain_url
from lesson_app.runtime.pytest_isolation import isolate
from lesson_app.teaching import progress, progress_class
from lesson_app.teaching.checks.lesson02 import check_cache_prediction, check_is_valid_ipv4
from lesson_app.teaching.checks.lesson03 import check_port_count
from lesson_app.teaching.project_check import ROWS, check_project


def good_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


@pytest.fixture
def fresh_state() -> Iterator[progress._State]:
    """This kernel's recording state, as a new kernel starts with it (a failure stops recording until a restart)."""
    progress.state = progress._State()
    yield progress.state
    if progress.state.connection is not None:
        progress.state.connection.close()
    progress.state = progress._State()


@pytest.fixture
def class_db(empty_db_url: URL) -> Iterator[dict[str, str]]:
    """A class database made by `progress setup`, with two learners; returns each role's URL and the owner's."""
    suffix = uuid.uuid4().hex[:8]
    ada, grace = f"ada_{suffix}", f"grace_{suffix}"
    owner = plain_url(empty_db_url)
    passwords = progress_class.setup(owner, [ada, grace])
    urls = {name: plain_url(empty_db_url.set(username=name, password=passwords[name])) for name in (ada, grace)}
    yield {"owner": owner, ada: urls[ada], grace: urls[grace]}
    with psycopg2.connect(owner) as connection, connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{ada}", "{grace}"; DROP ROLE "{ada}", "{grace}"')
    connection.close()


def learners(class_db: dict[str, str]) -> list[str]:
    return [name for name in class_db if name != "owner"]


def attempt(class_db: dict[str, str], learner: str) -> None:
    """One learner's kernel: a passed check, a failed one, and one not attempted (`...`)."""
    with override_settings(class_database_url=class_db[learner], learner=learner):
        progress.state = progress._State()
        assert check_is_valid_ipv4(lambda text: True).passed is False
        assert check_is_valid_ipv4(good_ipv4).passed is True
        assert check_port_count(...).passed is None
        progress.flush()  # what IPython does when the cell ends
        progress.state.connection.close()


def test_each_learner_records_and_sees_only_their_own_rows(class_db, fresh_state) -> None:
    ada, grace = learners(class_db)
    attempt(class_db, ada)
    attempt(class_db, grace)
    for name in (ada, grace):
        rows = progress_class.read_attempts(class_db[name])
        assert rows == [(name, "02", "is_valid_ipv4", False), (name, "02", "is_valid_ipv4", True)]
    with psycopg2.connect(class_db[ada]) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM attempts WHERE learner = %s", (grace,))
        assert cursor.fetchone() == (0,)  # grace's rows are there (the owner sees them) but not to ada
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cursor.execute("DELETE FROM attempts")  # nor can a learner rewrite the record
    connection.close()
    everyone = progress_class.read_attempts(class_db["owner"])
    assert sorted({row[0] for row in everyone}) == sorted([ada, grace])


def test_a_learner_cannot_write_under_another_name(class_db, fresh_state, capsys) -> None:
    ada, grace = learners(class_db)
    refused = pytest.raises(psycopg2.errors.InsufficientPrivilege, match="row-level security")
    with psycopg2.connect(class_db[ada]) as connection, connection.cursor() as cursor, refused:
        cursor.execute(progress.INSERT, (grace, "02", "is_valid_ipv4", True))
    connection.close()
    # Through the checker too: LEARNER names grace, but the role is ada's, so PostgreSQL refuses and says why once.
    with override_settings(class_database_url=class_db[ada], learner=grace):
        assert check_is_valid_ipv4(good_ipv4).passed is True
        progress.flush()
    assert "row-level security" in capsys.readouterr().err
    assert progress_class.read_attempts(class_db["owner"]) == []


def test_progress_command_shows_learners_by_exercises_and_the_csv_matches(class_db, fresh_state, tmp_path) -> None:
    ada, grace = learners(class_db)
    attempt(class_db, ada)
    with override_settings(class_database_url=class_db[grace], learner=grace):
        assert check_is_valid_ipv4(lambda text: True).passed is False
        progress.flush()
        assert check_port_count(2).passed is not None
        progress.flush()
    out_csv = tmp_path / "class.csv"
    command = [sys.executable, "-m", "lesson_app", "progress", "--url", class_db["owner"], "--csv", str(out_csv)]
    shown = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    lines = shown.splitlines()
    assert "learner" in lines[0] and "02/is_valid_ipv4" in lines[0] and "03/port_count" in lines[0]
    assert any(line.startswith(ada) and "✓ 2" in line for line in lines)
    assert any(line.startswith(grace) and "✗ 1" in line for line in lines)
    table = list(csv.reader(out_csv.open(encoding="utf-8")))
    assert table[0] == ["learner", "02/is_valid_ipv4", "03/port_count"]
    assert table[1] == [ada, "✓ 2", ""]
    assert table[2][:2] == [grace, "✗ 1"] and table[2][2] in ("✓ 1", "✗ 1")


def test_the_table_has_no_column_for_code(class_db) -> None:
    with psycopg2.connect(class_db["owner"]) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'attempts'")
        columns = {row[0] for row in cursor.fetchall()}
    connection.close()
    assert columns == {"id", "learner", "lesson", "exercise", "passed", "at"}


def test_off_by_default_records_nothing_and_never_connects(fresh_state) -> None:
    with override_settings(class_database_url=None):
        assert check_is_valid_ipv4(good_ipv4).passed is True
        progress.flush()
        assert progress.record("02", "is_valid_ipv4", True) is False
    assert fresh_state.connections_opened == 0 and fresh_state.pending is None


def test_a_class_database_that_is_down_costs_one_sentence_and_changes_no_result(fresh_state, capsys) -> None:
    down = "postgresql://nobody:secret@127.0.0.1:9/class"  # port 9 (discard) has no PostgreSQL
    with override_settings(class_database_url=down, learner="ada"):
        started = time.monotonic()
        for _ in range(3):
            assert check_is_valid_ipv4(good_ipv4).passed is True
            progress.flush()
        took = time.monotonic() - started
    err = capsys.readouterr().err
    assert err.count("could not be recorded") == 1 and len(err.strip().splitlines()) == 1
    assert "restart the kernel" in err
    assert took < progress.CONNECT_TIMEOUT_SECONDS + 1  # one connect attempt at most, not one per check


def test_the_project_checker_records_one_attempt_per_scorecard_row(class_db, fresh_state, tmp_path) -> None:
    ada, _ = learners(class_db)
    with override_settings(class_database_url=class_db[ada], learner=ada):
        card = check_project(tmp_path)  # an empty folder: every row fails, quickly
    rows = progress_class.read_attempts(class_db[ada])
    assert [(lesson, exercise, passed) for _, lesson, exercise, passed in rows] == [
        ("project", row.name, False) for row in card.rows
    ]
    assert len(rows) == len(ROWS)


def test_a_test_run_never_records_into_the_learners_class_database() -> None:
    environ = {"CLASS_DATABASE_URL": "postgresql://ada:secret@class.example/neondb"}
    isolate(environ)
    os.rmdir(environ["PROJECTS_DIR"])  # the empty projects folder isolate() makes for a run
    assert "CLASS_DATABASE_URL" not in environ


def test_a_checker_living_in_a_module_of_its_own_is_recorded_under_its_lesson(class_db, fresh_state) -> None:
    ada, _ = learners(class_db)
    with override_settings(class_database_url=class_db[ada], learner=ada):
        assert check_cache_prediction({"wrong key": 1}, None).passed is False  # dns_cache's, offered by lesson02
        progress.flush()
    assert progress_class.read_attempts(class_db[ada]) == [(ada, "02", "cache_prediction", False)]


# A learner's kernel: real IPython, the class database in the environment as `.env` would put it there.
KERNEL_SESSION = """
import psycopg2
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance(colors="nocolor")
shell.run_cell("from lesson_app.teaching.checks.lesson02 import check_is_valid_ipv4")
shell.run_cell("from tests.teaching.test_progress import good_ipv4")
shell.run_cell("check_is_valid_ipv4(good_ipv4)")
with psycopg2.connect(os.environ["CLASS_DATABASE_URL"]) as connection, connection.cursor() as cursor:
    cursor.execute("SELECT lesson, exercise, passed FROM attempts")
    print("recorded when the cell ended:", cursor.fetchall())
shell.run_cell("check_is_valid_ipv4(...)")  # not attempted: nothing more, even at exit
"""


def test_in_a_kernel_each_cell_records_its_check_when_it_ends(class_db) -> None:
    ada, _ = learners(class_db)
    env = {**os.environ, "CLASS_DATABASE_URL": class_db[ada], "LEARNER": ada}
    result = subprocess.run(
        [sys.executable, "-c", "import os\n" + KERNEL_SESSION],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT_ROOT,
        env=env,
    )
    assert "recorded when the cell ended: [('02', 'is_valid_ipv4', True)]" in result.stdout, result.stderr
    assert progress_class.read_attempts(class_db["owner"]) == [(ada, "02", "is_valid_ipv4", True)]


def test_an_instructor_who_is_not_a_superuser_owns_the_table_and_reads_everyone(empty_db_url, fresh_state) -> None:
    """The instructor's role reads every row because it owns the table, not because it bypasses security."""
    suffix = uuid.uuid4().hex[:8]
    teacher, ada, grace = f"teacher_{suffix}", f"ada_{suffix}", f"grace_{suffix}"
    admin = plain_url(empty_db_url)
    with psycopg2.connect(admin) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (progress_class.LEARNERS_GROUP,))
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {progress_class.LEARNERS_GROUP} NOLOGIN")
        cursor.execute(f"CREATE ROLE \"{teacher}\" LOGIN CREATEROLE PASSWORD 'teach-{suffix}'")
        cursor.execute(f'GRANT {progress_class.LEARNERS_GROUP} TO "{teacher}" WITH ADMIN OPTION')
        cursor.execute(f'ALTER DATABASE "{empty_db_url.database}" OWNER TO "{teacher}"')
    connection.close()
    try:
        owner = plain_url(empty_db_url.set(username=teacher, password=f"teach-{suffix}"))
        passwords = progress_class.setup(owner, [ada, grace])
        class_db = {"owner": owner}
        class_db |= {name: plain_url(empty_db_url.set(username=name, password=passwords[name])) for name in passwords}
        attempt(class_db, ada)
        attempt(class_db, grace)
        assert progress_class.read_attempts(class_db[ada]) == [
            (ada, "02", "is_valid_ipv4", False),
            (ada, "02", "is_valid_ipv4", True),
        ]
        assert sorted({row[0] for row in progress_class.read_attempts(owner)}) == sorted([ada, grace])
    finally:
        with psycopg2.connect(admin) as connection, connection.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{empty_db_url.database}" OWNER TO CURRENT_USER')
            cursor.execute(f'DROP OWNED BY "{ada}", "{grace}", "{teacher}"')
            cursor.execute(f'DROP ROLE IF EXISTS "{ada}", "{grace}", "{teacher}"')
        connection.close()


def progress_command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "lesson_app", "progress", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)


def test_setup_command_prints_each_new_password_once(empty_db_url) -> None:
    name = f"lin_{uuid.uuid4().hex[:8]}"
    owner = plain_url(empty_db_url)
    try:
        first = progress_command("setup", "--url", owner, name)
        again = progress_command("setup", "--url", owner, name)
        password = first.stdout.split(f"{name}: password ")[1].split()[0]
        with psycopg2.connect(plain_url(empty_db_url.set(username=name, password=password))) as connection:
            assert connection.status == psycopg2.extensions.STATUS_READY  # the printed password logs in
        connection.close()
        assert first.returncode == again.returncode == 0
        assert password not in again.stdout and f"{name}: the role exists already" in again.stdout
    finally:
        with psycopg2.connect(owner) as connection, connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{name}"; DROP ROLE IF EXISTS "{name}"')
        connection.close()


def test_progress_command_without_a_class_database_says_what_to_set() -> None:
    env = {key: value for key, value in os.environ.items() if key != "CLASS_DATABASE_URL"}
    result = progress_command(env=env)
    assert result.returncode == 2 and "set CLASS_DATABASE_URL" in result.stderr
    down = progress_command("--url", "postgresql://nobody:secret@127.0.0.1:9/class")
    assert down.returncode == 1 and down.stderr.startswith("error: the class database refused or did not answer")


def test_a_class_database_that_never_answers_costs_one_connect_timeout(fresh_state, capsys) -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts connections (the kernel's backlog), never speaks
        port = silent.getsockname()[1]
        with override_settings(class_database_url=f"postgresql://ada:secret@127.0.0.1:{port}/class", learner="ada"):
            started = time.monotonic()
            for _ in range(3):
                assert check_is_valid_ipv4(good_ipv4).passed is True
                progress.flush()
            took = time.monotonic() - started
    assert progress.CONNECT_TIMEOUT_SECONDS - 0.5 < took < progress.CONNECT_TIMEOUT_SECONDS + 1.5
    assert capsys.readouterr().err.count("could not be recorded") == 1
