"""Show rows the way a database client (psql, TablePlus) shows a table, as plain deterministic text."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


class Table:
    """Rows with column names; prints as an aligned text table in a notebook cell."""

    def __init__(self, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        self.columns = list(columns)
        self.rows = [list(row) for row in rows]

    @classmethod
    def from_result(cls, result: Any) -> Table:
        """Build a table from a SQLAlchemy `Result` (what `connection.execute(...)` returns)."""
        return cls(list(result.keys()), result.all())

    @classmethod
    def from_dicts(cls, items: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> Table:
        """Build a table from dictionaries, such as the JSON objects an API returns."""
        columns = list(columns or (items[0].keys() if items else []))
        return cls(columns, ([item.get(column) for column in columns] for item in items))

    def __repr__(self) -> str:
        cells = [self.columns] + [["NULL" if value is None else str(value) for value in row] for row in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        line = lambda row: " | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()  # noqa: E731
        rule = "-+-".join("-" * width for width in widths)
        count = len(self.rows)
        return "\n".join([line(cells[0]), rule, *map(line, cells[1:]), f"({count} row{'s' if count != 1 else ''})"])


@contextmanager
def printing_sql(engine: Engine, prefix: str = "    SQL> ") -> Iterator[None]:
    """Print each SQL statement (and COMMIT/ROLLBACK) the engine sends while the block runs."""

    def statement(conn: Any, cursor: Any, sql: str, parameters: Any, context: Any, executemany: bool) -> None:
        print(prefix + " ".join(sql.split()), parameters)

    def commit(conn: Any) -> None:
        print(prefix + "COMMIT")

    def rollback(conn: Any) -> None:
        print(prefix + "ROLLBACK")

    listeners: list[tuple[str, Callable[..., None]]] = [
        ("before_cursor_execute", statement),
        ("commit", commit),
        ("rollback", rollback),
    ]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)
