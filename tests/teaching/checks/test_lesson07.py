"""The checkers of notebook 07 pass the solutions, and answer the usual mistakes with the hint meant for them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from lesson_app.teaching.checks.lesson07 import EXERCISE_URL, check_direct_url, check_title_search, check_url_parts

SOLUTION_PARTS = {
    "user": "maya",
    "host": "ep-quiet-river-654321-pooler.us-east-2.aws.neon.tech",
    "port": 5432,
    "database": "shopdb",
    "sslmode": "require",
}


# --- exercise 1: the parts of a URL -------------------------------------------------------------------------------


def test_url_parts_solution_passes() -> None:
    url = make_url(EXERCISE_URL)
    answer = {
        "user": url.username,
        "host": url.host,
        "port": url.port or 5432,
        "database": url.database,
        "sslmode": url.query["sslmode"],
    }
    assert check_url_parts(answer).passed is True


def test_url_parts_not_attempted() -> None:
    feedback = check_url_parts(...)
    assert feedback.passed is None
    assert "Not attempted" in repr(feedback)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"port": None}, "default port, 5432"),
        ({"port": 443}, "web port"),
        ({"port": "5432"}, "as text"),
        ({"database": "shopdb?sslmode=require"}, "at the `?`"),
        ({"database": "/shopdb"}, "leading `/`"),
        ({"host": "ep-quiet-river-654321.us-east-2.aws.neon.tech"}, "`-pooler` included"),
        ({"host": "maya:Xy7Kq2Lm@ep-quiet-river-654321-pooler.us-east-2.aws.neon.tech"}, "more than the host"),
        ({"user": "maya:Xy7Kq2Lm"}, "ends at the `:`"),
        ({"sslmode": "sslmode=require"}, "only the value"),
        ({"sslmode": "prefer"}, "read the value of `sslmode=`"),
    ],
)
def test_url_parts_usual_mistakes(change: dict, expected: str) -> None:
    feedback = check_url_parts({**SOLUTION_PARTS, **change})
    assert feedback.passed is False
    assert expected in feedback.message


def test_url_parts_parse_qs_lists() -> None:
    """`parse_qs` gives every option as a list; the hint says so instead of calling the value wrong."""
    query = parse_qs(urlsplit(EXERCISE_URL).query)
    feedback = check_url_parts({**SOLUTION_PARTS, "sslmode": query["sslmode"]})
    assert feedback.passed is False
    assert "sslmode is a list, ['require']" in feedback.message and "parse_qs" in feedback.message
    assert check_url_parts({**SOLUTION_PARTS, "sslmode": query["sslmode"][0]}).passed is True


def test_url_parts_wrong_shapes() -> None:
    assert "dict" in check_url_parts(EXERCISE_URL).message
    missing = check_url_parts({"user": "maya"})
    assert missing.passed is False and "port" in missing.message


# --- exercise 2: the direct URL -----------------------------------------------------------------------------------


def test_direct_url_solution_passes() -> None:
    assert check_direct_url(EXERCISE_URL.replace("-pooler", "")).passed is True
    as_url = make_url(EXERCISE_URL)
    assert check_direct_url(as_url.set(host=as_url.host.replace("-pooler", ""))).passed is True


def test_direct_url_not_attempted() -> None:
    assert check_direct_url(...).passed is None


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (EXERCISE_URL, "still has `-pooler`"),
        (EXERCISE_URL.replace("-pooler.us-east-2.aws.neon.tech", ""), "remove only `-pooler`"),
        (EXERCISE_URL.replace("-pooler", "").split("?")[0], "keep `?sslmode=require`"),
        (EXERCISE_URL.replace("-pooler", "").replace("&channel_binding=require", ""), "channel_binding=require"),
        (EXERCISE_URL.replace("-pooler", "").replace("shopdb", "neondb"), "only the host changes"),
        (42, "expected a URL"),
    ],
)
def test_direct_url_usual_mistakes(answer: object, expected: str) -> None:
    feedback = check_direct_url(answer)
    assert feedback.passed is False
    assert expected in feedback.message


# --- exercise 3: a search with a bound parameter ------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(empty_engine: Engine) -> Engine:
    """One empty database for this module: the checkers only use temporary tables (and alembic_version)."""
    return empty_engine


def solution(conn, word):
    query = text("SELECT title FROM youtube WHERE title LIKE :pattern ORDER BY id")
    return conn.execute(query, {"pattern": f"%{word}%"}).scalars().all()


def pasted(conn, word):
    return conn.execute(text(f"SELECT title FROM youtube WHERE title LIKE '%{word}%' ORDER BY id")).scalars().all()


def quoted_placeholder(conn, word):
    return (
        conn.execute(text("SELECT title FROM youtube WHERE title LIKE '%:word%' ORDER BY id"), {"word": word})
        .scalars()
        .all()
    )


def no_wildcards(conn, word):
    return (
        conn.execute(text("SELECT title FROM youtube WHERE title LIKE :word ORDER BY id"), {"word": word})
        .scalars()
        .all()
    )


def whole_rows(conn, word):
    return conn.execute(text("SELECT title FROM youtube WHERE title LIKE :p ORDER BY id"), {"p": f"%{word}%"}).all()


def no_order(conn, word):
    return (
        conn.execute(text("SELECT title FROM youtube WHERE title LIKE :p ORDER BY id DESC"), {"p": f"%{word}%"})
        .scalars()
        .all()
    )


def no_text(conn, word):
    return conn.execute("SELECT title FROM youtube").scalars().all()


def no_return(conn, word):
    conn.execute(text("SELECT title FROM youtube WHERE title LIKE :p"), {"p": f"%{word}%"})


def test_search_solution_passes(engine: Engine) -> None:
    feedback = check_title_search(solution, engine)
    assert feedback.passed is True, feedback.message


def ilike(conn, word):
    return (
        conn.execute(text("SELECT title FROM youtube WHERE title ILIKE :p ORDER BY id"), {"p": f"%{word}%"})
        .scalars()
        .all()
    )


def lowered(conn, word):
    return (
        conn.execute(
            text("SELECT title FROM youtube WHERE lower(title) LIKE lower(:p) ORDER BY id"), {"p": f"%{word}%"}
        )
        .scalars()
        .all()
    )


def test_search_other_case_sensitive_spellings_pass(engine: Engine) -> None:
    def strpos(conn, word):
        return (
            conn.execute(text("SELECT title FROM youtube WHERE strpos(title, :word) > 0 ORDER BY id"), {"word": word})
            .scalars()
            .all()
        )

    assert check_title_search(strpos, engine).passed is True


def test_search_not_attempted(engine: Engine) -> None:
    assert check_title_search(..., engine).passed is None


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        (pasted, "injection"),
        (quoted_placeholder, "inside quotes"),
        (no_wildcards, "`LIKE` without `%`"),
        (whole_rows, "list of strings"),
        (no_order, "ORDER BY id"),
        (no_text, "text(...)"),
        (no_return, "returned None"),
        (ilike, "your search ignores case"),  # the task asks for LIKE, which is case-sensitive
        (lowered, "your search ignores case"),
        ("SELECT 1", "expected a function"),
    ],
)
def test_search_usual_mistakes(engine: Engine, search: object, expected: str) -> None:
    feedback = check_title_search(search, engine)
    assert feedback.passed is False
    assert expected in feedback.message


def without_order_by(conn, word):
    return conn.execute(text("SELECT title FROM youtube WHERE title LIKE :p"), {"p": f"%{word}%"}).scalars().all()


def hand_escaped(conn, word):
    escaped = word.replace("'", "''")  # quotes doubled by hand: no error, no injection, still pasted
    return conn.execute(text(f"SELECT title FROM youtube WHERE title LIKE '%{escaped}%' ORDER BY id")).scalars().all()


def filtered_in_python(conn, word):
    titles = conn.execute(text("SELECT title FROM youtube ORDER BY id")).scalars().all()
    return [title for title in titles if word in title]


def sorted_in_python(conn, word):
    rows = conn.execute(text("SELECT id, title FROM youtube WHERE title LIKE :p"), {"p": f"%{word}%"}).all()
    return [title for _, title in sorted(rows)]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        (without_order_by, "the right titles, in another order: add `ORDER BY id`"),  # rows are stored out of order
        (sorted_in_python, "the statement has no ORDER BY"),
        (hand_escaped, "'route' went to PostgreSQL inside the SQL text"),
        (filtered_in_python, "PostgreSQL was never sent 'route'"),
    ],
)
def test_search_judged_by_what_was_really_sent(engine: Engine, search: object, expected: str) -> None:
    """Each returns the right titles for every word (or, without ORDER BY, may); what reached PostgreSQL says why
    it is not the answer."""
    feedback = check_title_search(search, engine)
    assert feedback.passed is False
    assert expected in feedback.message


def test_search_apostrophe_breaks_pasted_sql(engine: Engine) -> None:
    def escapes_percent_only(conn, word):
        # Pasted, but the injection no longer matches anything: the apostrophe still breaks it.
        if "%" in word:
            return []
        return pasted(conn, word)

    feedback = check_title_search(escapes_percent_only, engine)
    assert feedback.passed is False
    assert "apostrophe" in feedback.message


def test_search_leaves_no_trace(engine: Engine) -> None:
    check_title_search(pasted, engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('youtube')")).scalar() is None
