"""Run several `alembic` command lines in one Python process, each as the `alembic` program would run it.

process.run_alembic runs this file's text with `python -c` in the project folder, so that a check starts
Python (and imports SQLAlchemy and Alembic) once instead of once per command. Its arguments: a marker, then
the command lines. After each command it prints the marker and the command's exit status on a line of their
own.
"""

import sys
import traceback

from alembic.config import main


def main_commands(mark: str, *command_lines: str) -> None:
    """Run each command line, and print the mark and its exit status after each."""
    for line in command_lines:
        try:
            main(argv=line.split(), prog="alembic")
            status = 0
        except SystemExit as exc:  # alembic reports a failed command through sys.exit(-1)
            status = exc.code if isinstance(exc.code, int) else 1
        except Exception:  # an error in env.py or a revision: show it as `alembic` would
            traceback.print_exc()
            status = 1
        sys.stderr.flush()
        print(f"\n{mark} {status}", flush=True)


if __name__ == "__main__":
    main_commands(*sys.argv[1:])
