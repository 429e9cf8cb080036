"""The in-process servers' log lines: kept in memory, printed only when asked, off the notebook's output."""

from __future__ import annotations

import collections
import logging
import sys

THREAD_PREFIX = "lesson-server-"
LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi", "lesson_app")


class ServerLogs(logging.Filter):
    """Take every log record our server threads make, keep it in memory, and print it only if asked.

    A filter on the loggers themselves, not a handler: `logging.config.dictConfig` (which a plain
    `uvicorn.Config(...)` in a cell runs) replaces a logger's handlers but keeps its filters, so no later
    cell can make the access log spill into the notebook.
    """

    def __init__(self) -> None:
        super().__init__()
        self.lines: collections.deque[str] = collections.deque(maxlen=500)
        # (thread name, exception) of each error a server logged, so a checker can show what really failed
        self.errors: collections.deque[tuple[str, BaseException]] = collections.deque(maxlen=50)
        self.echo = False
        self.formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.threadName or not record.threadName.startswith(THREAD_PREFIX):
            return True  # not from one of our servers: leave it to whatever is configured
        if record.exc_info and record.exc_info[1] is not None:
            self.errors.append((record.threadName, record.exc_info[1]))
        line = self.formatter.format(record)
        self.lines.append(line)
        if self.echo:
            print(line, file=sys.stderr)
        return False


logs = ServerLogs()


def install() -> None:
    """Put the filter on Uvicorn's and lesson_app's loggers at INFO; calling it again changes nothing."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if logs not in logger.filters:  # a second server, or a re-run cell, must not add it twice
            logger.addFilter(logs)
    logging.getLogger("uvicorn").setLevel(logging.INFO)
    logging.getLogger("lesson_app").setLevel(logging.INFO)
