"""The embedded server where several people share the machine's loopback (PG_PRIVATE, on under JupyterHub).

On a laptop the superuser logs in with postgres/postgres, as the lessons show. In private mode a new data folder
gets a random password that only its owner can read, and every URL the package builds carries it.
"""

from __future__ import annotations

import json
import logging
import os
import pwd
import re
import secrets
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg2
import pytest
import sqlalchemy as sa

from lesson_app.config.settings import PROJECT_ROOT, get_settings, override_settings
from lesson_app.runtime import embedded, pg_access
from lesson_app.runtime.databases import lesson_database, migration_url, plain_url, server_url
from lesson_app.runtime.pg_programs import PASSWORD_FILE, new_secret
from tests.conftest import SettingsEnv, copy_bundled_binaries
from tests.helpers import run_as_user


def _refusal(**login: str) -> str:
    """Try to log in to PostgreSQL on loopback with `login`; return PostgreSQL's refusal, or "connected"."""
    try:
        psycopg2.connect(host="127.0.0.1", dbname="postgres", user="postgres", connect_timeout=5, **login).close()
    except psycopg2.OperationalError as exc:
        return str(exc).strip().splitlines()[-1]
    return "connected"


@pytest.fixture
def two_learners() -> Iterator[tuple[str, str]]:
    """Two fresh system users, as two learners' accounts on one JupyterHub machine; removed afterwards."""
    if os.geteuid() != 0:
        pytest.skip("needs root to create two system users (useradd) and run as each of them")
    names = (f"rj{secrets.token_hex(3)}a", f"rj{secrets.token_hex(3)}b")
    for name in names:
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True)
    yield names
    for name in names:
        subprocess.run(["userdel", name], capture_output=True)


@pytest.fixture
def learner_home(two_learners: tuple[str, str]) -> Iterator[Path]:
    """A folder of the first learner's own, mode 755 as many homes are: only the file's mode guards the secret."""
    root = Path(tempfile.mkdtemp(prefix="rj-hub-"))
    root.chmod(0o755)
    owner = pwd.getpwnam(two_learners[0])
    home = root / "home"
    home.mkdir(mode=0o755)
    os.chown(home, owner.pw_uid, owner.pw_gid)
    yield home
    embedded.stop(pg_dir=home / ".postgres")
    shutil.rmtree(root, ignore_errors=True)


def _binaries_for(user: str, spare: Path) -> Path:
    """The bundled binaries if `user` can run them, else a copy in `spare` (a clone in a private folder)."""
    entry = pwd.getpwnam(user)
    who = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": [], "cwd": "/"}
    bins = embedded.bin_dir()
    return bins if pg_access.reaches(who, bins, bins / "initdb") else copy_bundled_binaries(spare)


def test_another_learner_cannot_log_in_to_a_private_server(two_learners: tuple[str, str], learner_home: Path) -> None:
    alice, bob = two_learners
    pg_dir = learner_home / ".postgres"
    mine = {"pg_dir": pg_dir, "pg_port": embedded.free_port(), "pg_private": True}
    mine["pg_bin_dir"] = _binaries_for(alice, learner_home.parent / "bins")

    def start_as_alice() -> str:
        with override_settings(**mine):
            server = embedded.ensure_running()
            with psycopg2.connect(plain_url(server.url())) as conn, conn.cursor() as cur:  # the package's own URL
                cur.execute("SELECT current_user")
                (who,) = cur.fetchone()
        return json.dumps({"port": server.port, "runs_as": psutil.Process(server.pid).username(), "who": who})

    started = json.loads(run_as_user(alice, start_as_alice))
    assert started["runs_as"] == alice and started["who"] == "postgres", started
    secret = pg_dir / PASSWORD_FILE
    mode = secret.stat()
    assert stat.S_IMODE(mode.st_mode) == 0o600 and mode.st_uid == pwd.getpwnam(alice).pw_uid
    password = secret.read_text().strip()
    assert re.fullmatch(r"[a-z]{32}", password)
    port = started["port"]

    def try_as_bob() -> str:
        try:
            secret.read_text()
            read = "read it"
        except PermissionError:
            read = "refused"
        well_known = _refusal(port=str(port), password="postgres")
        return json.dumps({"file": read, "postgres": well_known, "none": _refusal(port=str(port))})

    bob_saw = json.loads(run_as_user(bob, try_as_bob))
    assert bob_saw["file"] == "refused", bob_saw
    assert 'password authentication failed for user "postgres"' in bob_saw["postgres"], bob_saw
    assert "no password supplied" in bob_saw["none"], bob_saw
    # Alice, in a new process, is let in by the password the package reads back from her file.
    assert run_as_user(alice, lambda: _refusal(port=str(port), password=password)) == "connected"


@pytest.fixture
def laptop(fresh_settings: SettingsEnv, private_pg: dict[str, str]) -> dict[str, str]:
    """A private test server on what looks like a single-user laptop: no JupyterHub, no PG_PRIVATE."""
    fresh_settings.delenv("JUPYTERHUB_USER", raising=False)
    fresh_settings.delenv("PG_PRIVATE", raising=False)
    return private_pg


def test_laptop_default_is_postgres_without_a_password_file(laptop: dict[str, str]) -> None:
    assert get_settings().pg_private is False
    server = embedded.ensure_running()
    assert server.url().password == "postgres"
    assert not (Path(laptop["PG_DIR"]) / PASSWORD_FILE).exists()


def test_jupyterhub_turns_private_mode_on(laptop: dict[str, str], fresh_settings: SettingsEnv, cli) -> None:
    fresh_settings.setenv("JUPYTERHUB_USER", "maya")
    assert get_settings().pg_private is True
    url = cli("db", "url").stdout.strip()
    password = (Path(laptop["PG_DIR"]) / PASSWORD_FILE).read_text().strip()
    assert url == f"postgresql://postgres:{password}@127.0.0.1:{embedded.ensure_running().port}/request_journey"
    status = cli("db", "status")
    assert f"Its password is kept in {Path(laptop['PG_DIR']) / PASSWORD_FILE}" in status.stdout
    # The URLs the lessons, the app and Alembic get carry it too.
    lesson = lesson_database("07_postgresql_and_urls")
    assert {server_url().password, lesson.password, migration_url(lesson).password} == {password}
    assert _refusal(port=str(embedded.ensure_running().port), password="postgres") != "connected"


def test_an_old_folder_keeps_postgres_and_says_how_to_move(
    laptop: dict[str, str], fresh_settings: SettingsEnv, caplog, cli
) -> None:
    embedded.ensure_running()  # made on a laptop, with postgres
    embedded.stop()
    fresh_settings.setenv("PG_PRIVATE", "true")
    with caplog.at_level(logging.WARNING, logger="lesson_app.runtime.embedded"):
        server = embedded.ensure_running()
    assert server.url().password == "postgres"  # still reachable as before: nothing is locked out by an upgrade
    assert "db reset --yes" in caplog.text
    # The README's commands, in its order: reset, start, status.
    assert cli("db", "reset", "--yes").returncode == 0
    assert cli("db", "start").returncode == 0
    secret = embedded.status().data_dir.parent / PASSWORD_FILE  # type: ignore[union-attr]
    assert f"Its password is kept in {secret}" in cli("db", "status").stdout
    fresh = embedded.ensure_running()
    assert fresh.url().password == secret.read_text().strip() != "postgres"
    with sa.create_engine(fresh.url()).connect() as conn:
        assert conn.execute(sa.text("SELECT 1")).scalar() == 1
    embedded.reset()  # and back on a laptop, the next folder has the well-known password again, no stale file
    fresh_settings.setenv("PG_PRIVATE", "false")
    assert embedded.ensure_running().url().password == "postgres"


def test_a_new_secret_is_32_lowercase_letters_so_lesson_07s_capital_is_always_wrong() -> None:
    from lesson_app.teaching.checks.connect_prediction import connect_candidates

    secrets_made = {new_secret() for _ in range(200)}
    assert len(secrets_made) == 200 and all(re.fullmatch(r"[a-z]{32}", secret) for secret in secrets_made)
    url = sa.engine.make_url(f"postgresql+psycopg2://postgres:{new_secret()}@127.0.0.1:5432/rj_07")
    assert sa.engine.make_url(connect_candidates(url)["D"]).password != url.password  # exercise D: refused


def test_notebook_outputs_match_whichever_password_the_server_has() -> None:
    from nbval.plugin import get_sanitize_patterns

    patterns = get_sanitize_patterns((PROJECT_ROOT / "notebooks" / "sanitize.cfg").read_text())

    def sanitized(text: str) -> str:
        for regex, replacement in patterns:  # as nbval applies them, in order
            text = re.sub(regex, replacement, text)
        return text

    on_a_laptop = "postgresql://postgres:postgres@127.0.0.1:5432/rj_07_postgresql_and_urls"
    on_a_hub = f"postgresql://postgres:{new_secret()}@127.0.0.1:40123/rj_07_postgresql_and_urls"
    assert sanitized(on_a_laptop) == sanitized(on_a_hub)
    exercise_d = "postgresql://postgres:Postgres@127.0.0.1:5432/rj_07_postgresql_and_urls"
    assert sanitized(exercise_d) != sanitized(on_a_laptop)  # the capital P still shows, and is still checked


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads psql's command line from /proc")
def test_psql_is_given_the_password_where_other_accounts_cannot_see_it(
    laptop: dict[str, str], fresh_settings: SettingsEnv, cli
) -> None:
    fresh_settings.setenv("PG_PRIVATE", "true")
    password = embedded.ensure_running().password
    # psql's own command line, as `ps` shows it to every account: `\!` runs a shell whose parent is psql.
    result = cli("db", "psql", "--", "-At", "-c", r"\! tr '\0' ' ' < /proc/$PPID/cmdline")
    assert result.returncode == 0, result.stderr
    assert "psql" in result.stdout and "127.0.0.1" in result.stdout, result.stdout
    assert password not in result.stdout
    assert cli("db", "psql", "--", "-At", "-c", "SELECT current_user").stdout.strip() == "postgres"  # it still logs in
