"""The table display and the SQL printer the notebooks use."""

from __future__ import annotations

import sqlalchemy as sa

from lesson_app.teaching.display import Table, printing_sql


def test_table_aligns_columns_shows_null_and_counts_rows() -> None:
    text = repr(Table(["id", "title"], [(1, "a"), (22, None)]))
    assert text.splitlines() == ["id | title", "---+------", "1  | a", "22 | NULL", "(2 rows)"]


def test_table_from_dicts_and_from_result(db_url) -> None:
    assert repr(Table.from_dicts([{"a": 1, "b": "x"}])).endswith("(1 row)")
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        table = Table.from_result(conn.execute(sa.text("SELECT 1 AS one, 'two' AS two")))
    engine.dispose()
    assert table.columns == ["one", "two"] and table.rows == [[1, "two"]]


def test_printing_sql_prints_statements_and_commit_then_stops(db_url, capsys) -> None:
    engine = sa.create_engine(db_url)
    with printing_sql(engine), engine.begin() as conn:
        conn.execute(sa.text("SELECT :x"), {"x": 1})
    printed = capsys.readouterr().out.splitlines()
    assert printed == ["    SQL> SELECT %(x)s {'x': 1}", "    SQL> COMMIT"]
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 2"))
    engine.dispose()
    assert capsys.readouterr().out == ""
