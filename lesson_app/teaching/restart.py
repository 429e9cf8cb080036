"""After a kernel restart: one sentence that says which cell makes a missing name, instead of a bare NameError.

A learner who comes back after a break often runs one exercise cell alone. Each lesson's checkers module
builds its `needs` from a table of the names the lesson makes and the heading of the section whose code cell
makes each one; the exercise cell calls `needs("client", "engine")` on its first lines. In a full run every
name is there and `needs` does nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any


class RunEarlierCell(Exception):
    """A name the lesson made earlier is missing, or closed: the message says which cell to run."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a traceback: the one sentence, which is all there is to know."""
        return [f"⏮️ {self}"]


def _problem(name: str, namespace: Mapping[str, Any]) -> str | None:
    """Why `name` cannot be used yet: 'is not defined', 'is closed', 'is stopped'; None when it can."""
    if name not in namespace:
        return "is not defined"
    value = namespace[name]
    if getattr(value, "is_closed", False) is True:  # an httpx client after `client.close()` or a stop cell
        return "is closed"
    if getattr(value, "running", True) is False:  # a LessonServer after `.stop()` or `stop_all()`
        return "is stopped"
    return None


def make_needs(made_in: Mapping[str, str]) -> Callable[..., None]:
    """Return a lesson's `needs(*names)`; `made_in` maps each name to the heading of the section that makes it."""

    def needs(*names: str) -> None:
        namespace = sys._getframe(1).f_globals  # the notebook's own names: the cell calling needs runs there
        for name in names:
            problem = _problem(name, namespace)
            if problem is None:
                continue
            where = made_in.get(name)
            if problem == "is not defined":
                # Run All Above first: the cell that makes the name usually needs the cells before it too, so
                # naming it alone sent learners to a second NameError.
                made = f" (the code cell under “{where}” makes `{name}`)" if where else ""
                raise RunEarlierCell(
                    f"`{name}` is not defined: after a restart the kernel remembers nothing. Use Run > Run All "
                    f"Above{made}, then run this cell again."
                )
            cell = f"the code cell under “{where}”" if where else "the cells above"
            raise RunEarlierCell(f"`{name}` {problem}: run {cell} again (or Run > Run All Above), then this cell.")

    needs.made_in = dict(made_in)  # type: ignore[attr-defined]  # read by the tests that check each heading
    return needs
