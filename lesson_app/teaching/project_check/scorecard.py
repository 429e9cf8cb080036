"""The result of a project check: one row per behaviour, shown as a table in a notebook and in a terminal."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lesson_app.teaching.display import Table

# Every row a check reports, in the order the scorecard shows them (not the order they run in).
ROWS = (
    "project files",
    "alembic upgrade head",
    "server starts",
    "create: 201 + Location",
    "duplicate url: 409",
    "missing id: 404",
    "invalid body: 422",
    "PATCH changes only what was sent",
    "PATCH views -5: 422",
    "PATCH title null: 422",
    "DELETE: 204, then 404",
    "list is bounded",
    "sessions are closed",
    "row survives a restart",
    "migrations match models",
    "migrations round-trip",
)


@dataclass(frozen=True)
class Row:
    """One checked behaviour: its name, whether it passed, a one-line hint, and the server log tail if useful."""

    name: str
    passed: bool
    hint: str = ""
    log: str = ""


class Scorecard:
    """The rows of one check of a project folder; `.passed` is True only when every expected row passed.

    `expected` is every row of ROWS unless the check was asked for some rows only (`check_project(only=...)`):
    a row outside it is not recorded, so the card shows, counts and judges only what was checked.
    """

    def __init__(self, path: Path, expected: tuple[str, ...] = ROWS) -> None:
        self.path = path
        self.expected = expected
        self._rows: dict[str, Row] = {}
        self.notes: list[str] = []  # what to change that no row can fail on (e.g. a blocking async def route)

    def add(self, name: str, passed: bool, hint: str = "", log: str = "") -> bool:
        """Record a row (a name from ROWS) if it is expected, and return whether it passed."""
        if name not in ROWS:
            raise ValueError(f"unknown scorecard row {name!r}")
        if name in self.expected:
            self._rows[name] = Row(name, passed, "" if passed else hint, log)
        return passed

    def wants(self, *names: str) -> bool:
        """Say whether any of these rows is expected, so a check can leave out the steps nobody asked for."""
        return any(name in self.expected for name in names)

    def row(self, name: str) -> Row | None:
        """Return the recorded row of this name, or None when it has not run yet."""
        return self._rows.get(name)

    def skip_remaining(self, reason: str) -> None:
        """Mark every row not recorded yet as failed because an earlier step did."""
        for name in self.expected:
            self._rows.setdefault(name, Row(name, False, f"skipped: {reason}"))

    @property
    def rows(self) -> list[Row]:
        """The recorded rows, in the scorecard's order."""
        return [self._rows[name] for name in ROWS if name in self._rows]

    @property
    def passed(self) -> bool:
        """Say whether every row was checked and passed."""
        return len(self._rows) == len(self.expected) and all(row.passed for row in self._rows.values())

    def _summary(self) -> str:
        good = sum(row.passed for row in self.rows)
        verdict = "every check passed" if self.passed else "fix the failing rows, then check again"
        return f"{good} of {len(self.expected)} checks passed: {verdict}."

    def _logs(self) -> list[tuple[str, str]]:
        return [(row.name, row.log) for row in self.rows if row.log and not row.passed]

    def __str__(self) -> str:
        cells = ([r.name, "pass" if r.passed else "FAIL", r.hint] for r in self.rows)
        table = Table(["check", "result", "hint"], cells)
        lines = ["\n".join(repr(table).splitlines()[:-1]), "", self._summary()]
        lines += [f"Note: {note}" for note in self.notes]
        for name, log in self._logs():
            lines += ["", f"--- {name}: the last lines the project printed ---", log]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Scorecard {self.path.name}: {sum(r.passed for r in self.rows)}/{len(self.expected)} passed>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_markdown_(self) -> str:
        cell = lambda text: html.escape(text).replace("|", "\\|")  # noqa: E731
        lines = ["| check | result | hint |", "| --- | --- | --- |"]
        lines += [f"| {cell(r.name)} | {'✅ pass' if r.passed else '❌ fail'} | {cell(r.hint)} |" for r in self.rows]
        lines += ["", f"**{self._summary()}**"]
        lines += [f"\n**Note:** {cell(note)}" for note in self.notes]
        for name, log in self._logs():
            lines += ["", f"The last lines the project printed ({cell(name)}):", "", "```", log, "```"]
        return "\n".join(lines)
