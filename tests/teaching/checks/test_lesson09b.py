"""The checkers of notebook 09b pass the right answers, in every spelling, and answer the usual mistakes with the
hint meant for them: a real scratch Alembic project with two heads, and migrations run for real with `op`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from alembic import op
from lesson_app.teaching.checks.lesson09b import (
    check_expand,
    check_heads_prediction,
    check_not_null_column,
    check_plan_prediction,
    rows_after_upgrade_heads,
)


@pytest.fixture(scope="module")
def engine(empty_engine: Engine) -> Engine:
    return empty_engine


def no_trace(engine: Engine) -> bool:
    """The checker's rehearsal left nothing behind in the database."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT to_regclass('youtube')")).scalar() is None


# --- exercise 1: predict what `alembic upgrade heads` leaves in alembic_version -----------------------------------


def test_upgrade_heads_really_leaves_one_row_per_head(empty_db_url: URL) -> None:
    assert rows_after_upgrade_heads(empty_db_url) == ["0002a", "0002b"]
    # Run again on the same database: the checker starts from an empty schema, so a second try sees the same.
    assert rows_after_upgrade_heads(empty_db_url) == ["0002a", "0002b"]


@pytest.mark.parametrize("prediction", [2, "2", "2.", " two ", 2.0])
def test_heads_prediction_right_in_every_spelling(empty_db_url: URL, prediction: object) -> None:
    feedback = check_heads_prediction(prediction, empty_db_url)
    assert feedback.passed is True, feedback.message
    assert "holds 2 rows: 0002a, 0002b" in feedback.message


def test_heads_prediction_not_attempted(empty_db_url: URL) -> None:
    assert check_heads_prediction(..., empty_db_url).passed is None


@pytest.mark.parametrize(
    ("prediction", "expected"),
    [
        (1, "not 1. With no merge revision"),
        (0, "does not refuse as `upgrade head` did"),
        (3, "not 3. A row is replaced as the database moves along a branch"),
        ("refuses", "write the prediction as a number of rows"),
        (True, "write the prediction as a number of rows"),
        (None, "write the prediction as a number of rows"),
    ],
)
def test_heads_prediction_wrong_answers_get_the_reason(empty_db_url: URL, prediction: object, expected: str) -> None:
    feedback = check_heads_prediction(prediction, empty_db_url)
    assert feedback.passed is False
    assert expected in feedback.message
    if isinstance(prediction, int) and not isinstance(prediction, bool):
        assert "holds 2 rows: 0002a, 0002b" in feedback.message  # what really happened, shown with the hint


def test_heads_prediction_without_a_database_says_so_instead_of_raising() -> None:
    nowhere = URL.create("postgresql+psycopg2", username="x", password="x", host="127.0.0.1", port=1, database="x")
    feedback = check_heads_prediction(2, nowhere)
    assert feedback.passed is False and "could not run the commands" in feedback.message


# --- exercise 2: a NOT NULL column on a table with rows -----------------------------------------------------------


def as_given():
    op.add_column("youtube", sa.Column("language", sa.String(length=10), nullable=False))


def three_steps():
    op.add_column("youtube", sa.Column("language", sa.String(length=10), nullable=True))
    op.execute("UPDATE youtube SET language = 'en'")
    op.alter_column("youtube", "language", nullable=False)


def with_server_default():
    op.add_column("youtube", sa.Column("language", sa.String(length=10), nullable=False, server_default="en"))


def server_default_then_removed():
    op.add_column("youtube", sa.Column("language", sa.String(length=10), nullable=False, server_default="en"))
    op.alter_column("youtube", "language", server_default=None)


def with_sql_only():
    op.execute("ALTER TABLE youtube ADD COLUMN language varchar(10)")
    op.execute("UPDATE youtube SET language = 'en' WHERE language IS NULL")
    op.execute("ALTER TABLE youtube ALTER COLUMN language SET NOT NULL")


@pytest.mark.parametrize("upgrade", [three_steps, with_server_default, server_default_then_removed, with_sql_only])
def test_not_null_column_right_answers_pass(engine: Engine, upgrade) -> None:
    feedback = check_not_null_column(upgrade, engine)
    assert feedback.passed is True, feedback.message
    assert no_trace(engine)


def test_not_null_column_with_a_default_says_it_stays(engine: Engine) -> None:
    assert "stays for new rows" in check_not_null_column(with_server_default, engine).message
    assert "stays" not in check_not_null_column(three_steps, engine).message


def nullable_only():
    op.add_column("youtube", sa.Column("language", sa.String(length=10), nullable=True))
    op.execute("UPDATE youtube SET language = 'en'")


def with_a_python_default():
    op.add_column("youtube", sa.Column("language", sa.String(length=10), nullable=False, default="en"))


def never_filled():
    op.add_column("youtube", sa.Column("language", sa.String(length=10), nullable=True))
    op.alter_column("youtube", "language", nullable=False)


def filled_with_the_wrong_value():
    op.add_column("youtube", sa.Column("language", sa.String(length=10), nullable=True))
    op.execute("UPDATE youtube SET language = 'english'")
    op.alter_column("youtube", "language", nullable=False)


def wrong_column_name():
    op.add_column("youtube", sa.Column("lang", sa.String(length=10), nullable=False, server_default="en"))


def wrong_op():
    op.add_column_nullable("youtube", "language")


def forgot_the_table():
    op.add_column(sa.Column("language", sa.String(length=10), nullable=True))


@pytest.mark.parametrize(
    ("upgrade", "expected"),
    [
        (as_given, "contains null values. The `youtube` table already has rows, and a NOT NULL column added in one"),
        (never_filled, "contains null values"),
        (nullable_only, "the column still accepts NULL: the last of the three steps is missing"),
        (with_a_python_default, "`default=` is Python's: SQLAlchemy fills it in only for the new rows it INSERTs"),
        (filled_with_the_wrong_value, "language is 'english'; every video so far should say 'en'"),
        (wrong_column_name, "there is no `language` column afterwards"),
        (wrong_op, "Alembic's `op` has no `add_column_nullable`"),
        (forgot_the_table, "your upgrade raised TypeError"),
        ("upgrade", "the function itself"),
        (None, "the function itself"),
    ],
)
def test_not_null_column_usual_mistakes(engine: Engine, upgrade: object, expected: str) -> None:
    feedback = check_not_null_column(upgrade, engine)
    assert feedback.passed is False
    assert expected in feedback.message
    assert no_trace(engine)


def test_not_null_column_hint_as_given_names_the_cause_not_the_steps(engine: Engine) -> None:
    message = check_not_null_column(as_given, engine).message
    assert 'the section "A data migration: a NOT NULL column for the rows already there"' in message
    assert "UPDATE" not in message and "alter_column" not in message  # the section has the steps, not the hint


def test_not_null_column_python_default_names_server_default_and_as_given_does_not(engine: Engine) -> None:
    assert "the rows already there need a `server_default` or an UPDATE" in (
        check_not_null_column(with_a_python_default, engine).message
    )
    assert "default=" not in check_not_null_column(as_given, engine).message  # no default: the usual hint


def test_not_null_column_hints_give_no_code(engine: Engine) -> None:
    assert "op.alter_column" not in check_not_null_column(nullable_only, engine).message


UPGRADE_CALLED_SESSION = """
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance(colors="nocolor")
shell.run_cell("import sqlalchemy as sa\\nfrom alembic import op")
shell.run_cell("from lesson_app.teaching.checks.lesson09b import check_not_null_column, hook_into_ipython")
shell.run_cell("hook_into_ipython()")
shell.run_cell("def upgrade():\\n    op.add_column('youtube', sa.Column('language', sa.String(10), nullable=False))")
print("--- cell 1")
shell.run_cell("my_upgrade = upgrade()\\ncheck_not_null_column(my_upgrade, None)")
"""


def test_upgrade_called_instead_of_passed_gets_one_hint_in_ipython() -> None:
    """`my_upgrade = upgrade()` fails in `op` in the learner's own cell: the notebook shows the hint alone."""
    result = subprocess.run(
        [sys.executable, "-c", UPGRADE_CALLED_SESSION],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[3],
    )
    shown = result.stdout.split("--- cell 1")[1]
    assert "❌ Not yet: `op` works only while Alembic runs a migration" in shown, result.stdout + result.stderr
    assert "`my_upgrade = upgrade`" in shown
    assert "Traceback" not in shown and "Error" not in shown


def test_not_null_column_not_attempted(engine: Engine) -> None:
    assert check_not_null_column(..., engine).passed is None


# --- exercise 3: the expand step of renaming title to headline ----------------------------------------------------


def expand_solution():
    op.add_column("youtube", sa.Column("headline", sa.String(length=200), nullable=True))
    op.execute("UPDATE youtube SET headline = title")


def expand_with_a_trigger():
    op.add_column("youtube", sa.Column("headline", sa.String(length=200), nullable=True))
    op.execute(
        "CREATE FUNCTION pg_temp.both() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN NEW.headline := coalesce(NEW.headline, NEW.title); RETURN NEW; END $$"
    )
    op.execute("CREATE TRIGGER both_titles BEFORE INSERT ON youtube FOR EACH ROW EXECUTE FUNCTION pg_temp.both()")
    op.execute("UPDATE youtube SET headline = title")


def expand_then_not_null_with_a_default():
    op.add_column("youtube", sa.Column("headline", sa.String(length=200), nullable=True))
    op.execute("UPDATE youtube SET headline = title")
    op.alter_column("youtube", "headline", nullable=False, server_default="")


@pytest.mark.parametrize("upgrade", [expand_solution, expand_with_a_trigger, expand_then_not_null_with_a_default])
def test_expand_right_answers_pass(engine: Engine, upgrade) -> None:
    feedback = check_expand(upgrade, engine)
    assert feedback.passed is True, feedback.message
    assert no_trace(engine)


def expand_in_one_step():
    op.alter_column("youtube", "title", new_column_name="headline")


def expand_by_copy_and_drop():
    op.add_column("youtube", sa.Column("headline", sa.String(length=200), nullable=True))
    op.execute("UPDATE youtube SET headline = title")
    op.drop_column("youtube", "title")


def expand_without_copy():
    op.add_column("youtube", sa.Column("headline", sa.String(length=200), nullable=True))


def expand_the_first_title_everywhere():
    op.add_column("youtube", sa.Column("headline", sa.String(length=200), nullable=True))
    op.execute("UPDATE youtube SET headline = (SELECT title FROM youtube ORDER BY id LIMIT 1)")


def expand_one_row_only():
    op.add_column("youtube", sa.Column("headline", sa.String(length=200), nullable=True))
    op.execute("UPDATE youtube SET headline = title WHERE id = 1")


def expand_not_null_at_once():
    op.add_column("youtube", sa.Column("headline", sa.String(length=200), nullable=True))
    op.execute("UPDATE youtube SET headline = title")
    op.alter_column("youtube", "headline", nullable=False)


def expand_wrong_name():
    op.add_column("youtube", sa.Column("head_line", sa.String(length=200), nullable=True))
    op.execute("UPDATE youtube SET head_line = title")


@pytest.mark.parametrize(
    ("upgrade", "expected"),
    [
        (expand_in_one_step, "that is the one-step rename"),
        (expand_by_copy_and_drop, "`title` is gone"),
        (expand_without_copy, "the 3 videos already stored have none (NULL): filling it from the rows"),
        (expand_the_first_title_everywhere, "2 of the 3 videos stored have another video's title in `headline`"),
        (expand_one_row_only, "2 of the 3 videos stored still have no `headline` (NULL): the copy must reach"),
        (expand_not_null_at_once, "the old code's INSERT, which names only `title`, now fails"),
        (expand_wrong_name, "there is no `headline` column"),
        (as_given, 'PostgreSQL refused your upgrade: column "language"'),  # PostgreSQL's own words
        ("upgrade", "the function itself"),
    ],
)
def test_expand_usual_mistakes(engine: Engine, upgrade: object, expected: str) -> None:
    feedback = check_expand(upgrade, engine)
    assert feedback.passed is False
    assert expected in feedback.message
    assert no_trace(engine)


def test_expand_hint_gives_no_code(engine: Engine) -> None:
    assert "UPDATE" not in check_expand(expand_without_copy, engine).message


def test_expand_not_attempted(engine: Engine) -> None:
    assert check_expand(..., engine).passed is None


# --- exercise 4: predict the plan for one video by its id ---------------------------------------------------------


@pytest.fixture
def videos(empty_db_url: URL):
    """A youtube table with a primary key and 10,000 rows, analysed, as the lesson's scratch table has."""
    engine = sa.create_engine(empty_db_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE youtube (id serial PRIMARY KEY, title varchar(200) NOT NULL)"))
        conn.execute(text("INSERT INTO youtube (title) SELECT 'Video ' || i FROM generate_series(1, 10000) AS i"))
        conn.execute(text("ANALYZE youtube"))
    yield engine
    engine.dispose()


@pytest.mark.parametrize("prediction", ["Index Scan", "index scan", " Index  Scan ", "index_scan", "IndexScan"])
def test_plan_prediction_right_in_every_spelling(videos: Engine, prediction: str) -> None:
    feedback = check_plan_prediction(prediction, videos)
    assert feedback.passed is True, feedback.message
    assert "is Index Scan (using youtube_pkey)" in feedback.message


@pytest.mark.parametrize(
    ("prediction", "expected"),
    [
        ("Seq Scan", "not Seq Scan. `id` is the primary key"),
        ("Bitmap Heap Scan", "not Bitmap Heap Scan: a bitmap scan first marks every matching row"),
        ("Bitmap Index Scan", "not Bitmap Index Scan: a Bitmap Index Scan only marks"),
        ("Index Only Scan", "holds only `id`, so PostgreSQL finds the row in the index and then reads `title`"),
        ("IndexOnlyScan", "not Index Only Scan"),
        ("fast", "'fast' is not a plan node's name"),
        (7, "as a string"),
    ],
)
def test_plan_prediction_wrong_answers(videos: Engine, prediction: object, expected: str) -> None:
    feedback = check_plan_prediction(prediction, videos)
    assert feedback.passed is False
    assert expected in feedback.message


def test_plan_prediction_without_the_table_says_so(empty_db_url: URL) -> None:
    engine = sa.create_engine(empty_db_url)
    feedback = check_plan_prediction("Index Scan", engine)
    engine.dispose()
    assert feedback.passed is False and "could not run the query" in feedback.message


def test_plan_prediction_not_attempted(videos: Engine) -> None:
    assert check_plan_prediction(..., videos).passed is None
