"""Shared fixtures: a fresh real PostgreSQL database per test, the real app on a real port, one client."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import certifi
import fasteners
import httpx
import pytest
import trustme
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL

# The tests and the notebooks nbval runs use a PostgreSQL server of their own: lesson_app.runtime.pytest_isolation,
# which pyproject's addopts loads for every run, has already pointed the environment at it.
from lesson_app import create_app, start_server
from lesson_app.config.settings import PROJECT_ROOT, TESTS_PG_DIR, get_settings
from lesson_app.runtime.databases import create_database, drop_database, lesson_database, server_url

TEMPLATE = "test_template"


@pytest.fixture(scope="session")
def template_url() -> URL:
    """A database migrated to head, which every test's database is copied from (faster than migrating)."""
    # Under a lock: two runs (or parallel workers) on the tests' server would otherwise both find it missing and
    # migrate it at once, and one of them fail on a table the other just made.
    TESTS_PG_DIR.mkdir(parents=True, exist_ok=True)
    with fasteners.InterProcessLock(str(TESTS_PG_DIR / ".template.lock")):
        return lesson_database(TEMPLATE)


@pytest.fixture
def db_url(template_url: URL) -> Iterator[URL]:
    """This test's own empty database, at the newest revision, dropped afterwards."""
    url = server_url("postgres").set(database=f"rj_test_{uuid.uuid4().hex[:12]}")
    create_database(url, template=template_url.database)
    yield url
    drop_database(url)


def _empty_database() -> Iterator[URL]:
    url = server_url("postgres").set(database=f"rj_test_{uuid.uuid4().hex[:12]}")
    create_database(url)
    yield url
    drop_database(url)


@pytest.fixture
def empty_db_url() -> Iterator[URL]:
    """This test's own database with no tables at all (for migration tests)."""
    yield from _empty_database()


@pytest.fixture(scope="module")
def empty_engine() -> Iterator[Engine]:
    """An engine on an empty database of this test module's own (for checkers that use temporary tables)."""
    for url in _empty_database():
        engine = create_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def server(db_url: URL):
    """The lesson API on a real port, on this test's database."""
    with start_server(create_app(db_url), port=0, name=f"test-{uuid.uuid4().hex[:8]}") as running:
        yield running


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    """A throwaway certificate authority, as lesson 06 makes one."""
    return trustme.CA(organization_name="request-journey test CA")


def trusting_context(ca: trustme.CA) -> ssl.SSLContext:
    """httpx's usual trust (certifi's list) plus the test CA, as lesson 06 builds it."""
    context = ssl.create_default_context(cafile=certifi.where())
    ca.configure_trust(context)
    return context


@pytest.fixture
def https_server(ca: trustme.CA, db_url: URL, tmp_path: Path):
    """The lesson API over HTTPS on a real port, with a certificate from `ca` for localhost and 127.0.0.1."""
    certificate = ca.issue_cert("localhost", "127.0.0.1")
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(b"".join(pem.bytes() for pem in certificate.cert_chain_pems))
    certificate.private_key_pem.write_to_path(key_file)
    name = f"test-https-{uuid.uuid4().hex[:8]}"
    with start_server(create_app(db_url), port=0, name=name, ssl_certfile=cert_file, ssl_keyfile=key_file) as running:
        yield running


@pytest.fixture
def client(server) -> Iterator[httpx.Client]:
    """One httpx client for the test's server."""
    with httpx.Client(base_url=server.url, timeout=10) as http:
        yield http


class SettingsEnv:
    """Change environment variables for one test; the settings are read again after each change."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch

    def setenv(self, name: str, value: str) -> None:
        self._monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    def delenv(self, name: str, raising: bool = True) -> None:
        self._monkeypatch.delenv(name, raising=raising)
        get_settings.cache_clear()


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[SettingsEnv]:
    """Let a test change the environment and have the settings read it again, then restore them."""
    get_settings.cache_clear()
    yield SettingsEnv(monkeypatch)
    monkeypatch.undo()
    get_settings.cache_clear()


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `python -m lesson_app ...` in a separate process, as a learner's terminal would."""
    return subprocess.run(
        [sys.executable, "-m", "lesson_app", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
    )


@dataclass
class CliResult:
    """What `python -m lesson_app ...` answered: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(fresh_settings: SettingsEnv, capfd: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run the command line in this process (`main([...])`), for tests a separate process proves nothing more to.

    A subprocess pays the package's import (seconds) on every call; `run_cli` stays for the tests that are about
    another process. capfd, not capsys: `db psql` runs psql, which writes to the file descriptors themselves.
    """
    from lesson_app.runtime.cli import main

    def run(*args: str, env: dict[str, str] | None = None) -> CliResult:
        for key, value in (env or {}).items():
            fresh_settings.setenv(key, value)
        capfd.readouterr()  # only what this command prints
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse refuses bad arguments by exiting with status 2
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capfd.readouterr()
        return CliResult(code, out, err)

    return run


# The variables that point a run at a server by URL (the workflow's "service" job sets TEST_DATABASE_URL, which
# pytest_isolation turns into DATABASE_URL).
SERVER_URL_VARIABLES = ("DATABASE_URL", "TEST_DATABASE_URL")


def embedded_only(fresh_settings: SettingsEnv) -> None:
    """Unset the run's server URL for one test, so a test of the embedded server tests it, in every run."""
    for name in SERVER_URL_VARIABLES:
        fresh_settings.delenv(name, raising=False)


@pytest.fixture
def private_pg(fresh_settings: SettingsEnv) -> Iterator[dict[str, str]]:
    """A second embedded server with its own data folder, so lifecycle tests never stop the shared one."""
    from lesson_app.runtime import embedded

    embedded_only(fresh_settings)
    # Not pytest's tmp_path: it sits in a 0700 folder the PostgreSQL system user (when we are root) cannot enter.
    root = Path(tempfile.mkdtemp(prefix="rj-pg-"))
    root.chmod(0o755)
    env = {"PG_DIR": str(root / "pg"), "PG_PORT": str(embedded.free_port())}
    for key, value in env.items():
        fresh_settings.setenv(key, value)
    yield env
    get_settings.cache_clear()
    embedded.stop()
    shutil.rmtree(root, ignore_errors=True)


def _initdb_once(root: Path, bins: Path) -> Path:
    """Run initdb as the server's user into `root`/data, the way `embedded.ensure_running` does, and return it."""
    from lesson_app.runtime import pg_access, pg_programs

    settings = get_settings()
    who = pg_access.run_as(settings.pg_system_user)
    runnable = pg_access.runnable_binaries(bins, pg_programs.binary_version(bins), who, settings.pg_shared_bin_dir)
    pg_programs.initdb(runnable, root / "data", who)
    return root / "data"


def copy_data_folder(template: Path, pg_dir: Path) -> None:
    """Give `pg_dir` a copy of a data folder initdb made, with the same owner and modes (faster than initdb)."""
    pg_dir.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":  # `cp -a` keeps owner and modes in one pass, about 3x faster than copytree and chown
        subprocess.run(["cp", "-a", str(template), str(pg_dir / "data")], check=True)
    else:  # on Windows PostgreSQL runs as the learner, who owns the copy anyway
        shutil.copytree(template, pg_dir / "data")


@pytest.fixture(scope="session")
def pg_data_template() -> Iterator[Path]:
    """A data folder made once per run with the bundled binaries, for tests whose subject is not initdb."""
    from lesson_app.runtime.pg_programs import bin_dir

    root = Path(tempfile.mkdtemp(prefix="rj-pg-template-"))  # not tmp_path_factory: PostgreSQL's user must enter
    root.chmod(0o755)
    yield _initdb_once(root, bin_dir())
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def private_pg_data(private_pg: dict[str, str], pg_data_template: Path) -> dict[str, str]:
    """`private_pg` with a data folder already made (copied from the run's template), not yet started."""
    copy_data_folder(pg_data_template, Path(private_pg["PG_DIR"]))
    return private_pg


def copy_bundled_binaries(destination: Path) -> Path:
    """Copy the bundled PostgreSQL as the wheel lays it out (vendored libpq in `<package>.libs` beside the
    package, found through RPATH), and return the copy's bin folder."""
    from lesson_app.runtime.pg_programs import bin_dir

    install, package = bin_dir().parent, bin_dir().parent.parent
    shutil.copytree(install, destination / package.name / install.name, ignore=shutil.ignore_patterns("include"))
    libs = package.parent / f"{package.name}.libs"
    if libs.is_dir():
        shutil.copytree(libs, destination / libs.name)
    return destination / package.name / install.name / "bin"


# The bundled binaries are built without SSL, so this server runs Debian's (`.ci/run` installs them).
SYSTEM_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin"))


@pytest.fixture(scope="session")
def tls_template() -> Iterator[Path]:
    """A data folder for Debian's PostgreSQL (built with SSL) that refuses connections without TLS, made once."""
    if not SYSTEM_BINARIES:
        pytest.skip("needs a PostgreSQL built with SSL: `apt-get install postgresql` (.ci/run does)")
    root = Path(tempfile.mkdtemp(prefix="rj-pg-tls-template-"))
    root.chmod(0o755)
    data = _initdb_once(root, SYSTEM_BINARIES[-1])
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert.cert_chain_pems[0].write_to_path(data / "server.crt")
    cert.private_key_pem.write_to_path(data / "server.key")
    ca.cert_pem.write_to_path(root / "ca.pem")
    (data / "server.key").chmod(0o600)
    owner = data.stat()  # PostgreSQL's user must read its key; the copies keep this owner
    for name in ("server.crt", "server.key"):
        os.chown(data / name, owner.st_uid, owner.st_gid)
    with (data / "postgresql.conf").open("a") as conf:
        conf.write("\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n")
    (data / "pg_hba.conf").write_text(
        "local all all trust\nhostnossl all all 127.0.0.1/32 reject\nhostssl all all 127.0.0.1/32 scram-sha-256\n"
    )
    yield data
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def tls_server(private_pg: dict[str, str], fresh_settings, tls_template: Path, tmp_path) -> dict:
    """A private PostgreSQL that refuses any connection without TLS, with a certificate from a throwaway CA."""
    fresh_settings.setenv("PG_BIN_DIR", str(SYSTEM_BINARIES[-1]))
    from lesson_app.runtime import embedded

    copy_data_folder(tls_template, Path(private_pg["PG_DIR"]))
    shutil.copy(tls_template.parent / "ca.pem", tmp_path / "ca.pem")
    port = embedded.ensure_running().port
    return {"port": port, "ca": tmp_path / "ca.pem"}
