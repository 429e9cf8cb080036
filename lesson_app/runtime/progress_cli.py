"""`python -m lesson_app progress [--csv FILE]` and `progress setup [LEARNER ...]`: the instructor's commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lesson_app.config.settings import get_settings

LEGEND = "✓ n: passed at least once, in n attempts; ✗ n: tried n times, not passed yet; blank: not tried."


def _progress(args: argparse.Namespace) -> int:
    url = getattr(args, "setup_url", None) or args.url or get_settings().class_database_url
    if not url:
        print("No class database: set CLASS_DATABASE_URL (or pass --url) to the class's owner URL.", file=sys.stderr)
        return 2
    import psycopg2

    try:
        if args.progress_action == "setup":
            return _setup(url, args.learners, args.databases)
        return _show(url, args.csv)
    except psycopg2.Error as exc:
        reason = " ".join(str(exc).split())
        print(f"error: the class database refused or did not answer ({reason}): check the URL.", file=sys.stderr)
        return 1


def _show(url: str, csv_path: str | None) -> int:
    from lesson_app.teaching import progress_class
    from lesson_app.teaching.display import Table

    columns, rows = progress_class.progress_grid(progress_class.read_attempts(url))
    if not rows:
        print("No attempts are recorded yet.")
    else:
        print("\n".join(repr(Table(columns, rows)).splitlines()[:-1]))
        print(LEGEND)
    if csv_path:
        progress_class.write_csv(Path(csv_path), columns, rows)
        print(f"Wrote {csv_path}.")
    return 0


def _setup(url: str, learners: list[str], databases: bool) -> int:
    from lesson_app.teaching import progress_class

    if problems := progress_class.name_problems(learners, databases=databases):
        print("\n".join(f"error: {problem}" for problem in problems), file=sys.stderr)
        return 2
    passwords = progress_class.setup(url, learners, databases=databases)
    print("The attempts table and its row-level security policy are in place.")
    for name in learners:
        if name in passwords:
            print(f"{name}: password {passwords[name]} (shown once: give it to {name} now)")
        else:
            print(f"{name}: the role exists already and keeps its password.")
        if databases:
            for line in _learner_env(url, name, passwords.get(name, "PASSWORD")):
                print(f"  {line}")
    if databases:
        print("Each learner's .env (or the hub's Spawner.environment): the lines above and LEARNER_DATABASES=true.")
    return 0


def _learner_env(owner_url: str, name: str, password: str) -> list[str]:
    """The .env lines of one learner: their own main database and the class database, as their role."""
    from lesson_app.config.settings import normalize_url
    from lesson_app.runtime.databases import plain_url
    from lesson_app.runtime.learner_databases import learner_database_name

    theirs = normalize_url(owner_url).set(username=name, password=password)
    return [
        f"DATABASE_URL={plain_url(theirs.set(database=learner_database_name(name)))}",
        f"CLASS_DATABASE_URL={plain_url(theirs)}",
        f"LEARNER={name}",
    ]


def add_command(commands: argparse._SubParsersAction) -> None:
    """Add `progress` and `progress setup` to the command line."""
    command = commands.add_parser(
        "progress",
        help="the class's progress, learners by exercises (instructor); `progress setup NAME ...` makes the class",
        description="Print every learner's attempts as a table, learners by exercises, from the class database "
        "(CLASS_DATABASE_URL, or --url: the instructor's owner URL).",
    )
    command.add_argument("--csv", help="also write the table to this CSV file")
    command.add_argument("--url", help="the class database's owner URL (default: CLASS_DATABASE_URL)")
    command.set_defaults(run=_progress, progress_action="show")
    actions = command.add_subparsers(dest="progress_action")
    setup = actions.add_parser(
        "setup",
        help="make the attempts table, its row-level security and a login role per learner",
        description="Make the attempts table and its row-level security (again, harmlessly), and a login role "
        "per learner named, printing each new role's password once.",
    )
    setup.add_argument(
        "--databases",
        action="store_true",
        help="also let each role create its lessons' databases (CREATEDB), make each learner a main database of "
        "their own, and print each learner's DATABASE_URL, for LEARNER_DATABASES=true",
    )
    setup.add_argument("learners", nargs="*", metavar="LEARNER", help="a learner's name: their role")
    # Its own destination: a subcommand's default would overwrite a --url given before `setup`.
    setup.add_argument(
        "--url", dest="setup_url", metavar="URL", help="the class database's owner URL (default: CLASS_DATABASE_URL)"
    )
