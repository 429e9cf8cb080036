"""The checkers of notebook 07b pass the solutions, and answer the usual mistakes with the hint meant for them."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import Engine, text, update

from lesson_app.models import Youtube
from lesson_app.teaching.checks.lesson07b import check_rename, check_request_sql, check_title_search

# --- exercise 1: predict what one request sends -------------------------------------------------------------------

RIGHT = {"statements": 2, "channel": "bound", "is_published": "inline", "limit": "bound"}


def test_request_sql_right_prediction_passes_in_other_spellings(client: httpx.Client) -> None:
    assert check_request_sql(RIGHT, client).passed is True
    spelled = {"statements": "2", "channel": "Bound", "is_published": "in the text", "limit": "parameter"}
    assert check_request_sql(spelled, client).passed is True


def test_request_sql_not_attempted(client: httpx.Client) -> None:
    assert check_request_sql(..., client).passed is None
    assert check_request_sql(dict.fromkeys(RIGHT, ...), client).passed is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"statements": 1}, "the API sent 2: a `count(*)` for `total`"),
        ({"channel": "inline"}, "Text from a request is always bound"),
        ({"is_published": "bound"}, "`youtube.is_published = false`"),
        ({"limit": "inline"}, "Numbers are bound too"),
    ],
)
def test_request_sql_each_wrong_guess_is_explained(client: httpx.Client, change: dict, expected: str) -> None:
    feedback = check_request_sql({**RIGHT, **change}, client)
    assert feedback.passed is False
    assert "3 of 4 as you predicted" in feedback.message and expected in feedback.message


def test_request_sql_sends_nothing_before_every_key_is_predicted(client: httpx.Client) -> None:
    half = check_request_sql({**RIGHT, "limit": ...}, client)
    assert half.passed is False and "limit is still `...`" in half.message
    assert "limit is 'maybe'" in check_request_sql({**RIGHT, "limit": "maybe"}, client).message
    assert "a whole number" in check_request_sql({**RIGHT, "statements": True}, client).message
    assert "exactly the keys" in check_request_sql({"statements": 2}, client).message


def test_request_sql_without_the_server_is_a_hint(server, client: httpx.Client) -> None:
    server.stop()
    feedback = check_request_sql(RIGHT, client)
    assert feedback.passed is False and "did not reach the lesson API" in feedback.message


# --- exercise 2: a rename an apostrophe breaks --------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(empty_engine: Engine) -> Engine:
    """One empty database for this module: the checkers only use temporary tables (and alembic_version)."""
    return empty_engine


def rename_pasted(conn, video_id, new_title):  # the bug, as the notebook shows it
    conn.execute(text(f"UPDATE youtube SET title = '{new_title}' WHERE id = {video_id}"))


def rename_bound(conn, video_id, new_title):
    conn.execute(text("UPDATE youtube SET title = :title WHERE id = :id"), {"title": new_title, "id": video_id})


def rename_id_pasted(conn, video_id, new_title):  # an int cannot carry SQL: fair to accept
    conn.execute(text(f"UPDATE youtube SET title = :title WHERE id = {int(video_id)}"), {"title": new_title})


def rename_driver_sql(conn, video_id, new_title):
    conn.exec_driver_sql("UPDATE youtube SET title = %(t)s WHERE id = %(i)s", {"t": new_title, "i": video_id})


def rename_orm(conn, video_id, new_title):
    conn.execute(update(Youtube).where(Youtube.id == video_id).values(title=new_title))


def rename_hand_escaped(conn, video_id, new_title):
    escaped = new_title.replace("'", "''")
    conn.execute(text(f"UPDATE youtube SET title = '{escaped}' WHERE id = {video_id}"))


def rename_wrong_row(conn, video_id, new_title):
    conn.execute(text("UPDATE youtube SET title = :title WHERE id = :id"), {"title": new_title, "id": video_id + 1})


def rename_nothing(conn, video_id, new_title):
    return new_title


def rename_quoted_placeholder(conn, video_id, new_title):  # the placeholder inside quotes, as in '%:word%'
    conn.execute(text("UPDATE youtube SET title = ':title' WHERE id = :id"), {"title": new_title, "id": video_id})


def rename_pyformat_in_text(conn, video_id, new_title):  # the driver's placeholder where text() wants :name
    conn.execute(text("UPDATE youtube SET title = %(title)s WHERE id = :id"), {"title": new_title, "id": video_id})


def rename_psycopg2_style(conn, video_id, new_title):  # how psycopg2 alone is called, handed to text()
    conn.execute(text("UPDATE youtube SET title = %s WHERE id = %s"), (new_title, video_id))


def rename_commits(conn, video_id, new_title):
    rename_bound(conn, video_id, new_title)
    conn.commit()


@pytest.mark.parametrize("rename", [rename_bound, rename_id_pasted, rename_driver_sql, rename_orm])
def test_rename_fixes_pass(engine: Engine, rename) -> None:
    feedback = check_rename(rename, engine)
    assert feedback.passed is True, feedback.message


def test_rename_not_attempted(engine: Engine) -> None:
    assert check_rename(..., engine).passed is None


@pytest.mark.parametrize(
    ("rename", "expected"),
    [
        (rename_pasted, "the apostrophe in the title ended the string"),
        (rename_hand_escaped, "your code pasted the title into the SQL text, `UPDATE youtube SET title = 'Alex''s"),
        (rename_psycopg2_style, "`text()` takes `:name` placeholders and a dict of values, not psycopg2's `%s`"),
        (rename_wrong_row, "after renaming video 2 and 3 the table holds"),
        (rename_nothing, "was never sent"),
        (rename_commits, "`conn.commit()`"),
        (rename_quoted_placeholder, "`:title` sits inside quotes"),
        (rename_pyformat_in_text, "`text()` takes `:name` placeholders"),
        ("rename_video()", "expected the function"),
    ],
)
def test_rename_usual_mistakes(engine: Engine, rename, expected: str) -> None:
    feedback = check_rename(rename, engine)
    assert feedback.passed is False
    assert expected in feedback.message


def test_rename_leaves_no_trace(engine: Engine) -> None:
    check_rename(rename_pasted, engine)
    check_rename(rename_commits, engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('youtube')")).scalar() is None


# --- exercise 3: a search with a bound parameter ---------------------------------------------------------------------


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
        (hand_escaped, "your code pasted 'route' into the SQL text"),
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


def test_search_pasted_shows_the_sql_as_written_and_no_solution(engine: Engine) -> None:
    message = check_title_search(pasted, engine).message
    assert "`SELECT title FROM youtube WHERE title LIKE '%route%' ORDER BY id`" in message  # not '%%route%%'
    assert "the hint under the task says where the `%` signs go" in message


@pytest.mark.parametrize("search", [pasted, quoted_placeholder, no_wildcards])
def test_search_hints_do_not_paste_the_solution(engine: Engine, search: object) -> None:
    assert 'f"%{word}%"' not in check_title_search(search, engine).message


def psycopg2_style(conn, word):
    return conn.execute(text("SELECT title FROM youtube WHERE title LIKE %s ORDER BY id"), (f"%{word}%",)).all()


def test_search_psycopg2_style_says_text_takes_a_dict(engine: Engine) -> None:
    assert "`text()` takes `:name` placeholders and a dict" in check_title_search(psycopg2_style, engine).message


def wildcards_escaped(conn, word):
    """`%` and `_` in the word matched as themselves (backslash is LIKE's escape character): accepted too."""
    literal = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = text("SELECT title FROM youtube WHERE title LIKE :pattern ORDER BY id")
    return conn.execute(query, {"pattern": f"%{literal}%"}).scalars().all()


def test_search_with_wildcards_escaped_passes(engine: Engine) -> None:
    feedback = check_title_search(wildcards_escaped, engine)
    assert feedback.passed is True, feedback.message


def test_search_leaves_no_trace(engine: Engine) -> None:
    check_title_search(pasted, engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('youtube')")).scalar() is None
