"""Lesson 09's scratch Alembic project: type `alembic ...` in a notebook cell and see what a terminal would show.

`AlembicProject(folder, database_url)` stands for a terminal opened in `folder` with `DATABASE_URL` exported.
`project.alembic("upgrade head")` runs the command there the way the `alembic` script does (Alembic's own
`CommandLine` parses the words, its `run_cmd` runs them), inside the notebook's Python: milliseconds instead of
the second a new process needs. `with project.inside(): ...` runs any other code in that same scene, for
instance `alembic.command` functions.

One thing outlives a command, where a new process would start afresh: the engine that env.py's
`engine_from_config` makes, for the same settings, with its dialect and the SQL it has compiled. Each command
still opens its own connection and reads the database anew; the engine's pool is emptied when the command ends.
(So a listener env.py attached to its engine would be attached again by each command; the lessons' env.py has none.)

What Alembic prints is shown with the folder written as `.`, and without the lines every command starts with
(`Context impl PostgresqlImpl.`, `Will assume transactional DDL.`, ...), so a cell shows only what matters.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import logging
import os
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy
from alembic.config import CommandLine, Config
from sqlalchemy import Engine

# Lines Alembic prints at every command; they say nothing about this command.
CHATTER = ("Context impl", "Will assume transactional DDL", "setting up autogenerate plugin", "assuming SERIAL")
# What Alembic says when a revision names itself or a later one as its parent, or a parent whose script is gone:
# every command fails from then on.
BROKEN_CHAIN = ("Cycle is detected in revisions", "Self-loop is detected in revisions", "is not present")


def _logging_state() -> list[tuple[logging.Logger, int, bool, bool, list[logging.Handler]]]:
    """Remember how every logger is set up (a new `alembic` process would start from scratch)."""
    loggers = [
        logging.root,
        *(logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)),
    ]
    return [(logger, logger.level, logger.disabled, logger.propagate, list(logger.handlers)) for logger in loggers]


def _restore_logging(state: list[tuple[logging.Logger, int, bool, bool, list[logging.Handler]]]) -> None:
    """Set every logger back as `_logging_state` found it: `fileConfig` in env.py disables the others."""
    for logger, level, disabled, propagate, handlers in state:
        if logger.level != level:  # setLevel clears every logger's cache: once per logger made it quadratic
            logger.setLevel(level)
        logger.disabled, logger.propagate = disabled, propagate
        logger.handlers[:] = handlers


@functools.cache
def _command_line() -> CommandLine:
    """Return Alembic's own command-line parser, built once per kernel."""
    # Building it (argparse and gettext for 20-odd commands) took more CPU than `alembic current` itself;
    # each parse_args returns a fresh namespace, so one command's options never reach the next.
    return CommandLine(prog="alembic")


# Engines env.py made, by their settings (see _kept_engine), oldest first.
_engines: dict[tuple[object, ...], Engine] = {}
_KEPT_ENGINES = 8


@contextlib.contextmanager
def _engines_kept() -> Iterator[None]:
    """Let env.py's `engine_from_config` return the engine an earlier command made with the same settings.

    A new engine compiles every query afresh (autogenerate's reflection queries are most of `alembic check`'s
    time, ~90 of ~170 ms) and asks the server for its version again; the connection itself is new each time.
    """
    made_by = sqlalchemy.engine_from_config

    def _kept_engine(configuration: dict[str, Any], prefix: str = "sqlalchemy.", **kwargs: Any) -> Engine:
        try:
            key = (prefix, tuple(sorted(configuration.items())), tuple(sorted(kwargs.items())))
            hash(key)
        except TypeError:  # a setting such as connect_args={...}: no key, so a new engine, as before
            return made_by(configuration, prefix, **kwargs)
        if key not in _engines:
            if len(_engines) >= _KEPT_ENGINES:
                _engines.pop(next(iter(_engines))).dispose()
            _engines[key] = made_by(configuration, prefix, **kwargs)
        return _engines[key]

    sqlalchemy.engine_from_config = _kept_engine  # env.py reads it from the module when it runs
    try:
        yield
    finally:
        sqlalchemy.engine_from_config = made_by
        for engine in _engines.values():
            engine.dispose()  # no connection stays open between commands, whatever pool env.py chose


class AlembicProject:
    """An Alembic project folder, and the environment a terminal in it would have (`DATABASE_URL` set)."""

    def __init__(self, folder: str | os.PathLike[str], database_url: str, start_over: str = "") -> None:
        self.folder = Path(folder)
        self.database_url = database_url
        self.exit_status = 0  # of the last `alembic(...)`, as `echo $?` would print it
        self.last_output = ""  # what the last command printed, as shown
        # What a lesson tells a learner whose chain of revisions is broken (a cycle), e.g. which cell rebuilds it.
        self.start_over = start_over or "rebuild the project with Kernel > Restart Kernel and Run All"

    @contextlib.contextmanager
    def inside(self, nothing_printed: str = "") -> Iterator[None]:
        """Run the block as a terminal in the project folder would, then print what it printed.

        The working directory is the project folder (and so the first place imports look) and `DATABASE_URL`
        is set, both for the block only; the project's `models` package is imported afresh, as a new `alembic`
        process would import it, and the logging set-up that `env.py` changes is put back afterwards.
        """
        output, saved_path, saved_url = io.StringIO(), sys.path[:], os.environ.get("DATABASE_URL")
        saved_logging = _logging_state()
        os.environ["DATABASE_URL"] = self.database_url
        sys.path.insert(0, str(self.folder))
        for name in [name for name in sys.modules if name == "models" or name.startswith("models.")]:
            del sys.modules[name]
        importlib.invalidate_caches()  # files written since the last import are found
        try:
            with (
                contextlib.chdir(self.folder),
                contextlib.redirect_stdout(output),
                contextlib.redirect_stderr(output),
                _engines_kept(),
            ):
                yield
        finally:
            _restore_logging(saved_logging)  # env.py's fileConfig would otherwise switch off the kernel's loggers
            sys.path[:] = saved_path
            if saved_url is None:
                del os.environ["DATABASE_URL"]
            else:
                os.environ["DATABASE_URL"] = saved_url
            printed = output.getvalue().replace(str(self.folder.resolve()), ".").replace(str(self.folder), ".")
            lines = [line for line in printed.splitlines() if not any(chatter in line for chatter in CHATTER)]
            self.last_output = "\n".join(lines)
            if lines or nothing_printed:
                print(self.last_output or nothing_printed)

    def _written_before(self, command_line: str) -> Path | None:
        """The script a `revision ... --rev-id X` already wrote, if any: writing X again would point it at head."""
        words = shlex.split(command_line)
        # `merge` writes a script too: a second 0003 merging "heads" would name 0003 itself as its parent.
        if not words or words[0] not in ("revision", "merge") or "--rev-id" not in words[:-1]:
            return None
        rev_id = words[words.index("--rev-id") + 1]
        return next(iter(sorted((self.folder / "alembic" / "versions").glob(f"{rev_id}_*.py"))), None)

    def alembic(self, command_line: str) -> None:
        """Run `alembic <command_line>` in the project folder, as `alembic.config.main` does, and print it all.

        A failing command prints what a terminal would end with (Alembic's `FAILED: ...` line, or the last
        line of a traceback) and its exit status; nothing is raised, so a notebook goes on.
        """
        print("$ alembic", command_line)
        self.exit_status = 0
        if (earlier := self._written_before(command_line)) is not None:
            print(
                f"(revision {earlier.name.split('_')[0]} is already written, ./{earlier.relative_to(self.folder)}: "
                "running the cell again keeps it, since a second one would break the chain)"
            )
            return
        if not self.folder.is_dir():  # a terminal cannot even open it; the lesson's folder goes with its kernel
            print("FAILED: the project folder no longer exists; rebuild it with Kernel > Restart Kernel and Run All.")
            self.exit_status = 1
            return
        with self.inside(nothing_printed="(no output)"):
            try:
                cli = _command_line()
                options = cli.parser.parse_args(shlex.split(command_line))
                # stdout=sys.stdout: print here. (Config's default is the stdout of when alembic was imported.)
                cli.run_cmd(Config("alembic.ini", cmd_opts=options, stdout=sys.stdout), options)
            except SystemExit as exc:  # Alembic prints FAILED: ... and exits with -1, as the command does
                code = exc.code
                self.exit_status = code % 256 if isinstance(code, int) else int(code is not None)
            except Exception as exc:  # noqa: BLE001 - a terminal would show a traceback ending with this line
                print(f"{type(exc).__name__}: {exc}")
                self.exit_status = 1
        if self.exit_status:
            print(f"(exit status {self.exit_status}, as a terminal would report it)")
            if any(broken in self.last_output for broken in BROKEN_CHAIN):
                print(f"The chain of revisions in ./alembic/versions is broken: {self.start_over}.")
