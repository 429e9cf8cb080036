"""Run several `alembic` command lines in one Python process, each as the `alembic` program would run it.

process.run_alembic runs this file's text with `python -c` in the project folder, so that a check starts
Python (and imports SQLAlchemy and Alembic) once instead of once per command. Its arguments: a marker, a
guard, then the command lines. After each command it prints the marker and the command's exit status on a line
of their own. A line equal to the guard is not a command: the commands after it run only if every command before
it succeeded and the database DATABASE_URL names records a revision (so a downgrade never reaches another one).
"""

import os
import sys
import traceback
from contextlib import closing

from alembic.config import main


def migrated_here() -> bool:
    """Say whether the database in DATABASE_URL records a revision: the commands migrated this one, not another."""
    import psycopg2  # the project's own driver; it reads a postgresql:// URL as it is

    connection = psycopg2.connect(os.environ["DATABASE_URL"], connect_timeout=10)
    with closing(connection), connection.cursor() as cur:
        cur.execute("SELECT to_regclass('alembic_version') IS NOT NULL")
        if cur.fetchone() != (True,):
            return False
        cur.execute("SELECT count(*) > 0 FROM alembic_version")
        return cur.fetchone() == (True,)


def main_commands(mark: str, guard: str, *command_lines: str) -> None:
    """Run each command line, and print the mark and its exit status after each (the guard's too)."""
    failed = False
    for line in command_lines:
        if line == guard:
            if failed or not migrated_here():
                return
            print(f"\n{mark} 0", flush=True)
            continue
        try:
            main(argv=line.split(), prog="alembic")
            status = 0
        except SystemExit as exc:  # alembic reports a failed command through sys.exit(-1)
            status = exc.code if isinstance(exc.code, int) else 1
        except Exception:  # an error in env.py or a revision: show it as `alembic` would
            traceback.print_exc()
            status = 1
        failed = failed or status != 0
        sys.stderr.flush()
        print(f"\n{mark} {status}", flush=True)


if __name__ == "__main__":
    main_commands(*sys.argv[1:])
    # Every command has finished and printed its status: end here, without the interpreter's teardown of Alembic's
    # and SQLAlchemy's modules, which took 0.2-0.5 s that the check would wait for before its next row.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
