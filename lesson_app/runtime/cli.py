"""The command line: `python -m lesson_app db start|stop|status|url|psql|reset`, `load-data`, `bench`,
`check-project PATH`, `diagrams`, `progress`; `lesson_app.run_cli([...])` runs the same from a notebook."""

from __future__ import annotations

import argparse
import sys

from lesson_app.runtime import databases, db_cli, embedded


def _load(args: argparse.Namespace) -> int:
    from lesson_app.config.database import make_engine, make_sessionmaker
    from lesson_app.teaching.sample_data import load_videos

    url = databases.lesson_database(args.database) if args.database else databases.server_url()
    if not args.database:
        databases.migrate_to_newest(databases.migration_url())
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        print(load_videos(session))
    engine.dispose()
    return 0


def _bench(args: argparse.Namespace) -> int:
    from lesson_app.teaching.bench import main as bench_main

    return bench_main(with_pytest=args.pytest, with_notebooks=args.notebooks, with_suite_ratio=args.suite_ratio)


def _check_project(args: argparse.Namespace) -> int:
    from lesson_app.teaching.project_check import check_project

    try:
        card = check_project(args.path, only=args.only)
    except ValueError as exc:  # a row name that is not on the scorecard
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(card)
    return 0 if card.passed else 1


def _add_check_project(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser(
        "check-project",
        help="grade your own FastAPI + PostgreSQL project folder (exit status 0 only when every check passes)",
        description="Run the project's own `alembic upgrade head`, `alembic check` and a downgrade round trip on a "
        "fresh database, start `uvicorn main:app` from the folder, send real requests to /videos, and print a "
        "scorecard. The database is made for the check and dropped at the end.",
    )
    check.add_argument("path", help="the project folder: the one holding main.py, alembic.ini and alembic/")
    check.add_argument(
        "--only",
        action="append",
        metavar="ROW",
        help='check only this scorecard row (and the rows it needs), e.g. --only "duplicate url: 409"; repeatable',
    )
    check.set_defaults(run=_check_project)


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    # psql takes its own arguments after `--`: argparse never sees them, so none is taken for `db create`'s name.
    cut = argv.index("--") if "--" in argv else len(argv)
    args, extra = parser.parse_known_args(argv[:cut])
    extra += argv[cut + 1 :]
    if extra and getattr(args, "action", None) != "psql":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.psql_args = extra
    try:
        return args.run(args)
    except (embedded.EmbeddedDatabaseError, OSError) as exc:  # DatabaseUnavailableError is an OSError
        print(f"error: {exc}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser, every command included (the README's commands are checked against it)."""
    parser = argparse.ArgumentParser(prog="python -m lesson_app", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    db_cli.add_command(commands)
    load = commands.add_parser("load-data", help="load data/videos.csv, skipping videos already stored")
    load.add_argument("--database", help="a lesson's database, e.g. 10_crud (default: the main one)")
    load.set_defaults(run=_load)
    bench = commands.add_parser("bench", help="measure start-up and request times")
    bench.add_argument("--pytest", action="store_true", help="also time the whole `pytest` run")
    bench.add_argument(
        "--notebooks",
        action="store_true",
        help="also time each notebook (fresh kernel) next to a notebook that only imports the stack",
    )
    bench.add_argument(
        "--suite-ratio",
        action="store_true",
        help="also time the whole `pytest` run, then `pytest notebooks` once more, and print their ratio",
    )
    bench.set_defaults(run=_bench)
    _add_check_project(commands)
    from lesson_app.teaching.diagram_render import add_command  # its module imports only the standard library

    add_command(commands)
    from lesson_app.runtime import progress_cli

    progress_cli.add_command(commands)
    return parser
