"""The checkers of notebook 07 pass the solutions, and answer the usual mistakes with the hint meant for them."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, quote_plus, urlsplit

import pytest
from sqlalchemy.engine import URL, make_url

from lesson_app.teaching.checks.lesson07 import (
    EXERCISE_URL,
    check_connect_prediction,
    check_maya_url,
    check_url_parts,
    connect_candidates,
)
from lesson_app.teaching.checks.password_url import PASSWORD

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


# --- exercise 2: predict which URLs connect -----------------------------------------------------------------------

RIGHT = {"A": True, "B": False, "C": True, "D": False}


def test_connect_prediction_right_passes(db_url: URL) -> None:
    feedback = check_connect_prediction(RIGHT, db_url)
    assert feedback.passed is True
    assert "server does not support SSL" in feedback.message  # what really happened, from libpq


@pytest.mark.parametrize(("word", "value"), [("yes", "True"), ("No", "False"), ("connects", "True"), ("n", "False")])
def test_connect_prediction_asks_for_true_or_false_not_a_word(db_url: URL, word: str, value: str) -> None:
    """The exercise asks for True or False: a word is answered with the value it stands for, and nothing connects."""
    feedback = check_connect_prediction({**RIGHT, "C": word}, db_url)
    assert feedback.passed is False
    assert f"C is the string {word!r}: write the Python value {value}, without quotes" in feedback.message


def test_connect_prediction_not_attempted(db_url: URL) -> None:
    assert check_connect_prediction(..., db_url).passed is None
    assert check_connect_prediction(dict.fromkeys("ABCD", ...), db_url).passed is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"A": False}, "`prefer` asks for TLS and goes on without it"),
        ({"B": True}, "`verify-full` insists on TLS"),
        ({"C": False}, "One server holds many databases"),
        ({"D": True}, "password authentication failed"),
    ],
)
def test_connect_prediction_each_wrong_guess_is_explained_by_what_happened(
    db_url: URL, change: dict, expected: str
) -> None:
    feedback = check_connect_prediction({**RIGHT, **change}, db_url)
    assert feedback.passed is False
    assert "3 of 4 as you predicted" in feedback.message and expected in feedback.message


def test_connect_prediction_refuses_to_run_before_every_url_is_predicted(db_url: URL) -> None:
    half = check_connect_prediction({"A": True, "B": ..., "C": True, "D": False}, db_url)
    assert half.passed is False and "B is still `...`" in half.message
    maybe = check_connect_prediction({**RIGHT, "C": "maybe"}, db_url)
    assert maybe.passed is False and "C is 'maybe'" in maybe.message
    assert "exactly the keys A, B, C, D" in check_connect_prediction({"A": True}, db_url).message
    assert "exactly the keys" in check_connect_prediction([True, False, True, False], db_url).message


def test_connect_candidates_change_one_part_each(db_url: URL) -> None:
    urls = {label: make_url(url) for label, url in connect_candidates(db_url).items()}
    assert urls["A"].query == {"sslmode": "prefer"} and urls["B"].query == {"sslmode": "verify-full"}
    assert urls["C"].database == "postgres" and urls["D"].password == "Postgres"
    assert {url.host for url in urls.values()} == {db_url.host}


# --- exercise 3: a password with an `@` ---------------------------------------------------------------------------


def broken(db_url: URL) -> str:
    return f"postgresql://maya:{PASSWORD}@{db_url.host}:{db_url.port}/{db_url.database}"


def test_maya_url_fixes_pass_and_really_log_in(db_url: URL) -> None:
    encoded = broken(db_url).replace(PASSWORD, quote(PASSWORD, safe=""))
    created = URL.create(
        "postgresql", username="maya", password=PASSWORD, host=db_url.host, port=db_url.port, database=db_url.database
    )
    for answer in (
        encoded,
        broken(db_url).replace(PASSWORD, quote_plus(PASSWORD)),
        broken(db_url).replace("@home", "%40home"),
        created,
        created.render_as_string(hide_password=False),
        db_url.set(username="maya", password=PASSWORD),  # postgresql+psycopg2, as `db_url` has it
        encoded + "?sslmode=disable",
    ):
        feedback = check_maya_url(answer, db_url)
        assert feedback.passed is True, (answer, feedback.message)
        assert "logged in for real as maya to " + db_url.database in feedback.message


def test_maya_url_str_of_a_url_hides_the_password(db_url: URL) -> None:
    created = URL.create(
        "postgresql", username="maya", password=PASSWORD, host=db_url.host, port=db_url.port, database=db_url.database
    )
    feedback = check_maya_url(str(created), db_url)
    assert feedback.passed is False
    assert "str() and print() of a URL hide the password" in feedback.message
    assert "render_as_string(hide_password=False)" in feedback.message


def test_maya_url_not_attempted(db_url: URL) -> None:
    assert check_maya_url(..., db_url).passed is None


def test_maya_url_the_bug_itself_is_explained(db_url: URL) -> None:
    feedback = check_maya_url(broken(db_url), db_url)
    assert feedback.passed is False
    # db_url's host as the run spells it: 127.0.0.1 on the embedded server, `localhost` in the service job.
    assert f"password as 's3cret' and the host as 'home@{db_url.host}'" in feedback.message


@pytest.mark.parametrize(
    ("mistake", "expected"),
    [
        (lambda u: broken(u).replace(PASSWORD, "s3cret%2540home"), "encoded twice"),
        (lambda u: broken(u).replace(PASSWORD, "s3cret:home"), "maya's is 's3cret@home'"),  # a `:` is read right
        (lambda u: broken(u).replace(PASSWORD, "s3cret@ho:me"), "could not read this URL"),  # port 'me@127...'?
        (lambda u: broken(u).replace(PASSWORD, "s3crethome"), "maya's is 's3cret@home'"),
        (lambda u: broken(u).replace(PASSWORD, "s3cret%40home").replace("maya", "postgres"), "logs in as `maya`"),
        (lambda u: broken(u).replace(PASSWORD, "s3cret%40home").replace(u.database, "postgres"), "keep the host"),
        (lambda u: 42, "expected the URL as a string"),
        (lambda u: "mysql://maya:s3cret%40home@127.0.0.1/shop", "could not read this URL"),
    ],
)
def test_maya_url_usual_mistakes(db_url: URL, mistake, expected: str) -> None:
    feedback = check_maya_url(mistake(db_url), db_url)
    assert feedback.passed is False
    assert expected in feedback.message


def test_maya_url_on_a_server_that_refuses_create_role_is_judged_by_its_parts(db_url: URL) -> None:
    """A hosted server may refuse to make maya: a right URL still passes, and says the login was not tried."""
    from sqlalchemy import create_engine, text

    admin = create_engine(db_url)
    with admin.begin() as conn:
        conn.execute(text("DROP ROLE IF EXISTS lesson07_plain"))
        conn.execute(text("CREATE ROLE lesson07_plain LOGIN NOCREATEROLE PASSWORD 'plain-pw'"))
    admin.dispose()
    plain = db_url.set(username="lesson07_plain", password="plain-pw")
    try:
        right = broken(db_url).replace(PASSWORD, quote(PASSWORD, safe=""))
        feedback = check_maya_url(right, plain)
        assert feedback.passed is True, feedback.message
        assert "login itself was not tried" in feedback.message
        assert check_maya_url(broken(db_url), plain).passed is False  # the bug is still found by reading the URL
    finally:
        admin = create_engine(db_url)
        with admin.begin() as conn:
            conn.execute(text("DROP ROLE lesson07_plain"))
        admin.dispose()
