"""What is wrong with the `youtube` table a learner's model declares: the columns lessons 12 to 14 build on."""

from __future__ import annotations

from typing import Any


def column_problem(table: Any, annotated: bool = True) -> str | None:
    """Return what is wrong with the youtube table's columns, or None (`annotated`: written as Mapped[...])."""
    columns = table.columns
    missing = [
        name for name in ("id", "title", "url", "channel", "views", "is_published", "created_at") if name not in columns
    ]
    if missing:
        them = "them" if len(missing) > 1 else "it"
        return f"the model has no column {', '.join(missing)}: add {them} as `Mapped[...]` lines."
    if not columns["id"].primary_key:
        return "id must be the primary key: `mapped_column(primary_key=True)`."
    nullable = [name for name in ("title", "url", "channel") if columns[name].nullable]
    if nullable and annotated:
        return f"{', '.join(nullable)} may be NULL: a required field is `Mapped[str]`, not `Mapped[str | None]`."
    if nullable:
        return f"{', '.join(nullable)} may be NULL: a required field needs `nullable=False` in its `Column(...)`."
    if not (
        columns["url"].unique
        or any(set(c.columns.keys()) == {"url"} for c in table.constraints if type(c).__name__ == "UniqueConstraint")
    ):
        return "url is not unique: add `unique=True`, so the database itself refuses a second row with the same url."
    for name, value in (("views", "0"), ("is_published", "true")):
        if columns[name].server_default is None:
            return (
                f'{name} has no server_default: add `server_default="{value}"`, so the database fills it in '
                "for rows inserted without it (and Alembic can add the column to a table that has rows)."
            )
    if type(columns["views"].type).__name__ not in ("Integer", "BigInteger"):
        return "views must be an Integer column."
    created = columns["created_at"]
    if not getattr(created.type, "timezone", False) or created.server_default is None:
        return "created_at needs `DateTime(timezone=True)` and `server_default=func.now()`, so PostgreSQL stamps it."
    return None
