"""Exercise checkers: each lesson's checks live in `lesson_app.teaching.checks.lessonNN` and return a `Feedback`.

A checker never raises for a wrong or missing answer: it returns feedback, so an exercise the learner has
not tried yet (the answer is still `...`) leaves Restart & Run All and the nbval run green.

In a notebook, the feedback shows even when the check is not the cell's last line (a learner often adds a
`print` after it): the last feedback a cell made and did not display is printed when the cell ends. The
IPython callbacks that do this are registered by the first `Feedback` made, not by importing this package.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any

from lesson_app.teaching import progress

_unshown: list[Feedback] = []  # the newest feedback of the running cell, until something displays it


@dataclass(frozen=True)
class Feedback:
    """The result of a check: passed (True), not yet (False), or not attempted (None), with a message."""

    passed: bool | None
    message: str

    def __post_init__(self) -> None:
        _hook_into_ipython()
        _unshown[:] = [self]
        progress.noticed(self.passed)  # the class database's record of this check, when one is configured

    def __repr__(self) -> str:
        mark = {True: "✅ Correct", False: "❌ Not yet", None: "✏️ Not attempted yet"}[self.passed]
        return f"{mark}: {self.message}"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Display in IPython (the cell's last line), and remember that it was shown."""
        if self in _unshown:
            _unshown.clear()
        printer.text(repr(self))

    def _repr_markdown_(self) -> str:
        """The same sentence for JupyterLab, where the `code` in a message shows as code, not as backticks."""
        mark, _, _ = repr(self).partition(": ")
        return f"**{mark}**: {_markdown_safe(self.message)}"

    def __bool__(self) -> bool:
        return bool(self.passed)


def not_attempted(answer: Any) -> bool:
    """Say whether the learner left the placeholder (`...`) in place."""
    return answer is Ellipsis


def correct(message: str) -> Feedback:
    """Return a pass with a sentence saying why the answer is right."""
    return Feedback(True, message)


def hint(message: str) -> Feedback:
    """Return a not-yet with a hint aimed at the usual mistake."""
    return Feedback(False, message)


def waiting(task: str) -> Feedback:
    """Return the feedback for an exercise whose answer is still `...`."""
    return Feedback(None, f"replace the `...` with {task}, then run the cell again.")


def exception_text(exc: BaseException) -> str:
    """Show an exception as Python's last traceback line does, as Markdown code: `NameError: name 'x' ...`."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return "`" + text.replace("`", "'").replace("\n", " ") + "`"  # one line of inline code, whatever it holds


def get_and_error(server: Any, http: Any, url: str, **kwargs: Any) -> tuple[Any, BaseException | None]:
    """Send GET `url`; when it answers 500, also return the exception the route raised, from the server's log.

    Uvicorn logs the exception just after the 500 is sent, so this waits for it (up to two seconds).
    """
    before = len(server.errors())
    response = http.get(url, **kwargs)
    if response.status_code != 500:
        return response, None
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        errors = server.errors()
        if len(errors) > before:
            return response, errors[before]
        time.sleep(0.01)
    return response, None


def _forget(*_: object) -> None:
    _unshown.clear()


def _markdown_safe(message: str) -> str:
    """Escape what Markdown would take for HTML or emphasis outside the `code` spans (a `<` would vanish)."""
    parts = message.split("`")
    for i in range(0, len(parts), 2):  # the even parts are outside code spans
        parts[i] = parts[i].replace("&", "&amp;").replace("<", "&lt;").replace("*", "\\*").replace("_", "\\_")
    return "`".join(parts)


def _show_unshown(*_: object) -> None:
    if _unshown:
        from IPython.display import display  # only registered in IPython, so it is loaded already

        display(_unshown.pop())


def _hook_into_ipython() -> None:
    """Register the callbacks that print a cell's undisplayed feedback, once, if this runs in IPython."""
    ipython = sys.modules.get("IPython")  # not imported means no shell: importing it here would only cost time
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    # The first feedback of a cell registers the callbacks; the cell's own post_run_cell still sees them,
    # because IPython reads the callback list when the cell ends.
    for event, callback in (
        ("pre_run_cell", _forget),
        ("post_run_cell", _show_unshown),
        ("post_run_cell", progress.flush),
    ):
        if callback not in shell.events.callbacks[event]:
            shell.events.register(event, callback)
