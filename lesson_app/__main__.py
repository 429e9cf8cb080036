"""The command line: `python -m lesson_app db start|stop|status|url|reset`, `load-data`, `bench`."""

from __future__ import annotations

import argparse
import sys

from lesson_app import databases, embedded
from lesson_app.databases import plain_url
from lesson_app.settings import get_settings


def _db(args: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.database_url and args.action in ("start", "stop", "reset"):
        print("DATABASE_URL is set, so the series uses that server and the embedded one is not needed.")
        return 0
    if args.action == "start":
        server = embedded.ensure_running()
        print(f"PostgreSQL {server.version} is running on 127.0.0.1:{server.port} (pid {server.pid}).")
    elif args.action == "stop":
        print("PostgreSQL stopped." if embedded.stop() else "PostgreSQL was not running.")
    elif args.action == "status":
        if settings.database_url:
            print(f"Using DATABASE_URL: {databases.server_url().render_as_string(hide_password=True)}")
            return 0
        server = embedded.status()
        if server is None:
            print(f"PostgreSQL is not running (data folder: {settings.pg_dir}).")
            return 3  # like `pg_ctl status`: scripts can tell running from stopped
        print(f"PostgreSQL {server.version} is running on 127.0.0.1:{server.port} (pid {server.pid}), "
              f"data in {server.data_dir}.")
    elif args.action == "url":
        label = args.database
        print(plain_url(databases.lesson_database(label, migrate=False) if label else databases.server_url()))
    elif args.action == "reset":
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


def _load(args: argparse.Namespace) -> int:
    from lesson_app.config.database import make_engine, make_sessionmaker
    from lesson_app.sample_data import load_videos

    url = databases.lesson_database(args.database) if args.database else databases.server_url()
    if not args.database:
        from lesson_app import migrations

        migrations.upgrade(databases.migration_url())
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        print(load_videos(session))
    engine.dispose()
    return 0


def _bench(args: argparse.Namespace) -> int:
    from lesson_app.bench import main as bench_main

    return bench_main(with_pytest=args.pytest)


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    parser = argparse.ArgumentParser(prog="python -m lesson_app", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    db = commands.add_parser("db", help="the embedded PostgreSQL server")
    db.add_argument("action", choices=["start", "stop", "status", "url", "reset"])
    db.add_argument("--database", help="with url: a lesson's database, e.g. 07_postgresql")
    db.add_argument("--yes", action="store_true", help="with reset: do not ask")
    db.set_defaults(run=_db)
    load = commands.add_parser("load-data", help="load data/videos.csv, skipping videos already stored")
    load.add_argument("--database", help="a lesson's database, e.g. 10_crud (default: the main one)")
    load.set_defaults(run=_load)
    bench = commands.add_parser("bench", help="measure start-up and request times")
    bench.add_argument("--pytest", action="store_true", help="also time the whole `pytest` run")
    bench.set_defaults(run=_bench)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (embedded.EmbeddedDatabaseError, OSError) as exc:  # DatabaseUnavailableError is an OSError
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
