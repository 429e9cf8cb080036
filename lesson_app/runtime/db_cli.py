"""`python -m lesson_app db start|stop|status|url|psql|reset|create`: the embedded PostgreSQL, or DATABASE_URL's."""

from __future__ import annotations

import argparse
import re
import sys

from lesson_app.config.settings import PROJECT_ROOT, get_settings
from lesson_app.runtime import databases, embedded
from lesson_app.runtime.connection import DatabaseUnavailableError, server_version
from lesson_app.runtime.databases import plain_url
from lesson_app.runtime.pg_programs import PASSWORD_FILE


def add_command(commands: argparse._SubParsersAction) -> None:
    """Add `db` to the command line."""
    db = commands.add_parser("db", help="the embedded PostgreSQL server")
    db.add_argument("action", choices=["start", "stop", "status", "url", "psql", "reset", "create"])
    db.add_argument("name", nargs="?", help="with create: your own project's database, e.g. my_tube")
    db.add_argument("--database", help="with url or psql: a lesson's database (e.g. 10_crud), or one you created")
    db.add_argument("--yes", action="store_true", help="with reset: do not ask")
    db.set_defaults(run=_db)


def _db(args: argparse.Namespace) -> int:
    settings = get_settings()
    if args.action == "psql" and args.name is not None:  # a word of psql's own, given before `--`
        print("psql's own arguments go after `--`: `python -m lesson_app db psql -- -c 'SELECT 1'`.", file=sys.stderr)
        return 2
    if (args.name is not None) != (args.action == "create"):
        print("Only `db create` takes a name: `python -m lesson_app db create my_tube`.", file=sys.stderr)
        return 2
    if args.action == "create":
        return _create(args.name)
    if args.action in ("url", "psql"):
        url = _chosen_database(args.database)
        if url is None:
            return 2
        if args.action == "psql":
            return _psql(url, args.psql_args)
        print(plain_url(url))
        return 0
    action = {"start": _start, "stop": _stop, "status": _status, "reset": _reset}[args.action]
    if settings.database_url and args.action != "status":
        print("DATABASE_URL is set, so the series uses that server and the embedded one is not needed.")
        return _stop_tests_server() if args.action == "stop" else 0
    return action(args)


def _start(args: argparse.Namespace) -> int:
    server = embedded.ensure_running()
    print(f"PostgreSQL {server.version} is running on 127.0.0.1:{server.port} (pid {server.pid}).")
    return 0


def _stop(args: argparse.Namespace) -> int:
    print("PostgreSQL stopped." if embedded.stop() else "PostgreSQL was not running.")
    return _stop_tests_server()


def _status(args: argparse.Namespace) -> int:
    settings = get_settings()
    leftover = _tests_server()
    if leftover:
        print(
            f"The tests' own PostgreSQL is still running on 127.0.0.1:{leftover.port} (pid {leftover.pid}), "
            "left by a test run that did not finish: `python -m lesson_app db stop` stops it."
        )
    if settings.database_url:  # it is tried, so a wrong password or a server that wants TLS shows here, not in a 503
        print(f"Using DATABASE_URL: {databases.server_url().render_as_string(hide_password=True)}")
        try:
            print(f"It answers: PostgreSQL {server_version(databases.server_url())}.")
        except DatabaseUnavailableError as refused:
            print(refused)
            return 3
        return 0
    server = embedded.status()
    if server is None:
        print(f"PostgreSQL is not running (data folder: {settings.pg_dir}).")
        return 3  # like `pg_ctl status`: scripts can tell running from stopped
    print(
        f"PostgreSQL {server.version} is running on 127.0.0.1:{server.port} (pid {server.pid}), "
        f"data in {server.data_dir}."
    )
    secret = server.data_dir.parent / PASSWORD_FILE
    if secret.exists():  # PG_PRIVATE: the password is no longer the one the lessons' prose shows
        print(f"Its password is kept in {secret}, which only its owner can read; `db url` prints the whole URL.")
    return 0


def _tests_server() -> embedded.RunningServer | None:
    """Return the tests' own server when it runs apart from this one (a test run stops it when it ends)."""
    settings = get_settings()
    if settings.tests_pg_dir is None or settings.tests_pg_dir.resolve() == settings.pg_dir.resolve():
        return None  # inside a test run (blank), or that server is the configured one
    return embedded.status(settings.tests_pg_dir)


def _stop_tests_server() -> int:
    leftover = _tests_server()
    if leftover and embedded.stop(pg_dir=get_settings().tests_pg_dir):
        print(f"The tests' own PostgreSQL (port {leftover.port}), left by a test run that did not finish, stopped too.")
    return 0


def _reset(args: argparse.Namespace) -> int:
    settings = get_settings()
    if not args.yes:
        if not sys.stdin.isatty():
            print("Refusing to delete every lesson's rows without --yes.", file=sys.stderr)
            return 2
        answer = input(f"Delete {settings.pg_dir / 'data'} and every row the lessons stored? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing deleted.")
            return 0
    embedded.reset()
    print("The embedded database is empty; the next lesson starts it afresh.")
    return 0


def lesson_labels() -> list[str]:
    """Return the labels of the lessons' databases: the notebooks' names, such as 07_postgresql_and_urls."""
    return sorted(path.stem for path in (PROJECT_ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))


def _chosen_database(label: str | None):
    """Return the URL of the main database, a lesson's, or one `db create` made; refuse any other name (a typo)."""
    if not label:
        return databases.server_url()
    url = databases.server_url("postgres").set(database=databases.database_name(label))
    if label not in lesson_labels() and not databases.database_exists(url):
        own = url.set(database=label)
        if OWN_NAME.fullmatch(label) and databases.database_exists(own):
            return own
        print(
            f"No lesson uses a database called {label!r}, and `db create {label}` has not made one. "
            f"The lessons' are: {', '.join(lesson_labels())}.",
            file=sys.stderr,
        )
        return None
    return databases.lesson_database(label, migrate=False)


# A name a learner can type in a URL unquoted; `rj_` names and PostgreSQL's own are the series' and the server's.
OWN_NAME = re.compile(r"(?!rj_)(?!postgres$)(?!template\d)[a-z][a-z0-9_]{0,62}")


def _create(name: str) -> int:
    """Make a database for a project of the learner's own (never a lesson's) unless it exists; print its URL.

    The URL goes to stdout alone, so `DATABASE_URL="$(... db create my_tube)"` takes it; the sentence to stderr.
    An existing database is left exactly as it is: creating never empties anything.
    """
    if not OWN_NAME.fullmatch(name) or name == get_settings().default_database:
        fixed = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
        better = f" Try {fixed}." if OWN_NAME.fullmatch(fixed) and fixed != get_settings().default_database else ""
        print(
            f"{name!r} cannot be your project's database name: use lower-case letters, digits and _, starting with a "
            f"letter (at most 63), and not postgres, template0/1, the series' own or a name starting with rj_.{better}",
            file=sys.stderr,
        )
        return 2
    url = databases.server_url("postgres").set(database=name)
    made = databases.create_database(url)
    where = f"{url.host}:{url.port}"
    print(
        f"Created the database {name} on {where}."
        if made
        else f"The database {name} already exists on {where}; nothing in it changed.",
        file=sys.stderr,
    )
    print(plain_url(url))
    return 0


def _psql(url, extra: list[str]) -> int:
    from lesson_app.runtime import psql_client

    return psql_client.run(url, extra[1:] if extra[:1] == ["--"] else extra)
