"""Issue 13: a class on a real JupyterHub. Three learners, each a system user, run lesson 10 at the same time on
one shared PostgreSQL (Debian's, TLS and passwords, as Neon requires), each in databases of their own that the
others cannot open, and each checker's outcome lands in the class database under the learner's own name.

`uv run pytest tests/hub -m hub -s` prints the timings (one learner alone, then three at once).
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql
from sqlalchemy.engine import make_url

from lesson_app.config.settings import PROJECT_ROOT
from lesson_app.runtime.learner_databases import learner_database_name
from lesson_app.teaching import progress_class
from tests.hub import hub as jupyterhub
from tests.hub import learners
from tests.hub.kernels import code_cells, run_cells
from tests.tools import artifacts_dir, node_tool

pytestmark = pytest.mark.hub
LESSON = PROJECT_ROOT / "notebooks" / "10_crud.ipynb"
LESSON_PATH = "notebooks/10_crud.ipynb"  # in each learner's home, where the hub's file browser shows it
CLASS_DATABASE = "class_progress"
# The kernel's real uid, not $USER (which getpass reads first), and the hub's name for the learner.
WHO_RAN = "import os, pwd; print(pwd.getpwuid(os.getuid()).pw_name, os.environ['JUPYTERHUB_USER'])"


def _url(port: int, ca: Path, user: str, password: str, database: str) -> str:
    return f"postgresql://{user}:{password}@127.0.0.1:{port}/{database}?sslmode=verify-full&sslrootcert={ca}"


@pytest.fixture
def hub_machine() -> Iterator[Path]:
    """A folder in tmp that the learners' users may enter, on a machine that can run the test (else skip)."""
    learners.skip_unless_possible()
    learners.learner_python()
    node_tool("configurable-http-proxy")
    root = Path(tempfile.mkdtemp(prefix="rj-hub-"))  # not tmp_path: pytest's folder is root's alone (mode 700)
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _make_class(tls_server: dict, root: Path, names: list[str]) -> dict[str, dict[str, str]]:
    """As the instructor: the class database, and a role per learner with CREATEDB; return each one's environment."""
    ca = root / "ca.pem"
    shutil.copy(tls_server["ca"], ca)
    ca.chmod(0o644)  # the learners' libpq reads it to verify the server (verify-full)
    port = tls_server["port"]
    with closing(psycopg2.connect(_url(port, ca, "postgres", "postgres", "postgres"))) as connection:
        connection.autocommit = True
        connection.cursor().execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(CLASS_DATABASE)))
    passwords = progress_class.setup(_url(port, ca, "postgres", "postgres", CLASS_DATABASE), names, databases=True)
    return {
        name: {
            "DATABASE_URL": _url(port, ca, name, passwords[name], learner_database_name(name)),
            "CLASS_DATABASE_URL": _url(port, ca, name, passwords[name], CLASS_DATABASE),
            "LEARNER_DATABASES": "true",
            "LESSON_APP_TEST_RUN": "1",  # no `.env` of this checkout is read: the URLs above are the whole story
            "PATH": f"{root / 'env' / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "PYTHONDONTWRITEBYTECODE": "1",  # the project's folders are root's: nothing to write there
            # Never this checkout's own embedded server or projects, should a lesson reach for them.
            "PG_DIR": str(root / "homes" / name / ".postgres"),
            "PROJECTS_DIR": str(root / "homes" / name / "projects"),
        }
        for name in names
    }


async def _lesson_for_all(hub: jupyterhub.Hub, names: list[str]) -> dict[str, object]:
    """Start every learner's server through the REST API, then run lesson 10: one learner alone, then all at once."""
    await jupyterhub.add_users(hub, names)
    spawn = await asyncio.gather(*(jupyterhub.start_server(hub, name) for name in names))
    cells = [*code_cells(LESSON), WHO_RAN]
    alone, _ = await run_cells(hub.url, hub.token, names[0], cells, LESSON_PATH)
    started = time.monotonic()
    runs = await asyncio.gather(*(run_cells(hub.url, hub.token, name, cells, LESSON_PATH) for name in names))
    together = time.monotonic() - started
    await asyncio.gather(*(jupyterhub.stop_server(hub, name) for name in names))
    return {"spawn": spawn, "alone": alone, "together": together, "runs": dict(zip(names, runs, strict=True))}


def test_three_learners_run_lesson_10_at_once_each_in_their_own_databases(hub_machine: Path, tls_server) -> None:
    suffix = uuid.uuid4().hex[:4]
    names = [f"ada-{suffix}", f"grace.h-{suffix}", f"linus_{suffix}"]  # a hub's user names: dashes, dots
    environments = _make_class(tls_server, hub_machine, names)
    python = learners.make_environment(hub_machine / "env")
    (hub_machine / "homes").mkdir(mode=0o755)
    (hub_machine / "hub").mkdir(mode=0o700)  # the hub's config holds the learners' passwords
    hub = jupyterhub.write_config(hub_machine / "hub", node_tool("configurable-http-proxy"), python, environments)
    log = artifacts_dir("test_jupyterhub") / "jupyterhub.log"
    with (
        learners.project_reachable(),
        learners.system_users(names, hub_machine / "homes") as homes,
        jupyterhub.running_hub(hub, log),
    ):
        for name, home in homes.items():
            learners.give(home, name, [LESSON], "notebooks")
        timings = asyncio.run(_lesson_for_all(hub, names))
    print(
        f"\nservers ready in {', '.join(f'{s:.1f}' for s in timings['spawn'])} s (started at once); lesson 10: "
        f"one learner alone {timings['alone']:.1f} s, three at once {timings['together']:.1f} s "
        f"({', '.join(f'{name} {run[0]:.1f} s' for name, run in timings['runs'].items())})"
    )
    for name, (_, printed) in timings["runs"].items():
        assert printed.split() == [name, name]  # the kernel ran as the learner's own system user
    _assert_databases_are_each_learners_own(environments)
    _assert_progress_is_each_learners_own(environments, runs={names[0]: 2, names[1]: 1, names[2]: 1})


def _as(environment: dict[str, str], database: str | None = None, *, owner: bool = False) -> str:
    url = make_url(environment["DATABASE_URL"])
    if owner:
        url = url.set(username="postgres", password="postgres")
    return url.set(database=database or url.database).render_as_string(hide_password=False)


def _assert_databases_are_each_learners_own(environments: dict[str, dict[str, str]]) -> None:
    names = list(environments)
    any_one = environments[names[0]]
    with closing(psycopg2.connect(_as(any_one, "postgres", owner=True))) as connection, connection.cursor() as cur:
        cur.execute("SELECT datname, pg_get_userbyid(datdba) FROM pg_database WHERE datname LIKE '%10_crud'")
        found = dict(cur.fetchall())
    # Named from JUPYTERHUB_USER, owned by the learner's role; none shared, none named from the URL's database.
    assert found == {learner_database_name(name, "10_crud"): name for name in names}
    for name, environment in environments.items():
        with closing(psycopg2.connect(_as(environment, learner_database_name(name, "10_crud")))) as connection:
            cursor = connection.cursor()
            cursor.execute("SELECT count(*) FROM youtube")
            assert cursor.fetchone()[0] > 0  # the lesson's rows, in the learner's own database
    for owner_name, other in [(a, b) for a in names for b in names if a != b]:
        theirs = learner_database_name(owner_name, "10_crud")
        with pytest.raises(psycopg2.OperationalError, match="permission denied for database"):
            psycopg2.connect(_as(environments[other], theirs))  # refused at the door: no CONNECT for PUBLIC
    # Had an instructor opened the door by mistake, the rows themselves still refuse the other learner.
    theirs, other = learner_database_name(names[0], "10_crud"), names[1]
    with closing(psycopg2.connect(_as(any_one, theirs, owner=True))) as connection:
        connection.autocommit = True
        grant = sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(theirs), sql.Identifier(other))
        connection.cursor().execute(grant)
    for statement in ("SELECT title FROM youtube", "UPDATE youtube SET views = 0"):
        refused = pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied for table youtube")
        with closing(psycopg2.connect(_as(environments[other], theirs))) as connection, refused:
            connection.cursor().execute(statement)


def _assert_progress_is_each_learners_own(environments: dict[str, dict[str, str]], runs: dict[str, int]) -> None:
    any_one = environments[next(iter(environments))]
    everyone = progress_class.read_attempts(_as(any_one, CLASS_DATABASE, owner=True))
    for name, environment in environments.items():
        own = [row for row in everyone if row[0] == name]
        assert {row[1] for row in own} == {"10"}, own  # lesson 10's checkers, under the learner's own name
        assert [row[2] for row in own].count("views_update") == runs[name], own  # one attempt per run of the lesson
        assert progress_class.read_attempts(environment["CLASS_DATABASE_URL"]) == own  # and no one else's
