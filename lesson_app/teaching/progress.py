"""Record the outcome of each check in the class database, when one is configured (CLASS_DATABASE_URL).

One row per attempt: learner, lesson, exercise, passed or not, and the time (the table's default); never the
learner's code. With no class database nothing is imported, nothing connects and nothing is written. Recording
never raises into the learner's cell: a failure is said once per kernel, and recording stops until a restart,
so a class database that is down costs one short connect timeout, not one per check.

A checker is any `check_*` function of `lesson_app.teaching.checks`; the feedback it returns is the outcome.
Helpers inside a check may make feedback of their own before the final one, so the newest feedback of a check
call waits here (`_pending`) and is written when the next check starts, when the cell ends, or at exit.
"""

from __future__ import annotations

import atexit
import re
import sys
from dataclasses import dataclass
from types import FrameType
from typing import Any

from lesson_app.config.settings import get_settings, normalize_url

CONNECT_TIMEOUT_SECONDS = 2  # how long a check may wait for a class database that does not answer
_CHECKS_PACKAGE = "lesson_app.teaching.checks"
_LESSON_MODULE = re.compile(r"lesson_app\.teaching\.checks\.lesson(\w+)")
INSERT = "INSERT INTO attempts (learner, lesson, exercise, passed) VALUES (%s, %s, %s, %s)"


@dataclass
class _Pending:
    frame: FrameType  # the check call's frame, held so that its id cannot be reused by the next call
    lesson: str
    exercise: str
    passed: bool | None


class _State:
    connection: Any = None
    connections_opened = 0  # how many times this kernel connected to the class database (tests read it)
    failed = False  # set by the first failure: recording stops until the kernel restarts
    pending: _Pending | None = None
    exit_hook = False


state = _State()


def record(lesson: str, exercise: str, passed: bool) -> bool:
    """Write one attempt to the class database; return whether it was written. Never raises."""
    settings = get_settings()
    if not settings.class_database_url or state.failed:
        return False
    try:
        with _connection(settings.class_database_url).cursor() as cursor:
            cursor.execute(INSERT, (settings.learner, lesson, exercise, bool(passed)))
        return True
    except Exception as exc:  # whatever went wrong, the learner's check must still show its result
        _give_up(exc)
        return False


def _connection(raw_url: str) -> Any:
    if state.connection is None or state.connection.closed:
        import psycopg2  # imported only when a class database is configured

        url = normalize_url(raw_url).set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        state.connection = psycopg2.connect(dsn, connect_timeout=CONNECT_TIMEOUT_SECONDS)
        state.connection.autocommit = True
        with state.connection.cursor() as cursor:
            # connect_timeout bounds only the connecting; a server that accepts and then hangs must not hang a check
            cursor.execute("SET statement_timeout = %s", (f"{CONNECT_TIMEOUT_SECONDS}s",))
        state.connections_opened += 1
    return state.connection


def _give_up(exc: BaseException) -> None:
    state.failed = True
    if state.connection is not None:
        state.connection.close()
        state.connection = None
    reason = " ".join(str(exc).split()) or type(exc).__name__
    print(
        f"Your progress could not be recorded in the class database ({reason}), so it is not recorded until you "
        "restart the kernel: check CLASS_DATABASE_URL and LEARNER in .env, or ask your instructor.",
        file=sys.stderr,
    )


def noticed(passed: bool | None) -> None:
    """Called by every new Feedback: remember it as the outcome of the check call that made it, if any."""
    if not get_settings().class_database_url:
        return  # off: no stack walk, no connection
    found = _checker_call(sys._getframe(1))
    if found is None:
        return  # feedback made outside a checker (a test, a lesson's own demonstration)
    frame, lesson, exercise = found
    if state.pending is not None and state.pending.frame is not frame:
        flush()
    state.pending = _Pending(frame, lesson, exercise, passed)
    if not state.exit_hook:
        atexit.register(flush)
        state.exit_hook = True


def flush(*_: object) -> None:
    """Write the outcome of the last check call, unless it was not attempted (`...`); IPython calls it per cell."""
    pending, state.pending = state.pending, None
    if pending is not None and pending.passed is not None:
        record(pending.lesson, pending.exercise, pending.passed)


def _checker_call(frame: FrameType | None) -> tuple[FrameType, str, str] | None:
    """Find the outermost `check_*` call of the checks package on the stack: the one the learner made."""
    outermost = None
    while frame is not None:
        if frame.f_code.co_name.startswith("check_") and frame.f_globals.get("__name__", "").startswith(
            _CHECKS_PACKAGE
        ):
            outermost = frame
        frame = frame.f_back
    if outermost is None:
        return None
    lesson = _lesson_of(outermost)
    return None if lesson is None else (outermost, lesson, outermost.f_code.co_name.removeprefix("check_"))


def _lesson_of(frame: FrameType) -> str | None:
    """The lesson whose checks module offers this checker (some live in a module of their own and are re-exported)."""
    code = frame.f_code
    for name, module in list(sys.modules.items()):
        match = name.startswith(_CHECKS_PACKAGE) and _LESSON_MODULE.fullmatch(name)
        if match and getattr(getattr(module, code.co_name, None), "__code__", None) is code:
            return match.group(1)
    return None


def record_scorecard(card: Any) -> None:
    """Record each row of a project check's scorecard as an attempt of lesson `project`."""
    if not get_settings().class_database_url:
        return
    for row in card.rows:
        if not record("project", row.name, row.passed):
            return  # one failure is said once; the other rows would fail the same way
