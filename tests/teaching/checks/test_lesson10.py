"""The checkers of notebook 10 against the solutions, the usual wrong answers, and an untouched `...`.

Every answer is a real request to the real API on a real database holding the sample data, as in the lesson.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL

from lesson_app import create_app, start_server
from lesson_app.config.database import make_engine, make_sessionmaker
from lesson_app.runtime.databases import create_database, drop_database, server_url
from lesson_app.teaching.checks.lesson10 import check_page, check_sql, check_status_prediction, check_views_update
from lesson_app.teaching.checks.status_prediction import (
    DELETE_ALL,
    PAGE_PAST_END,
    PATCH_TAKEN_URL,
    PREDICTIONS,
    PUT_MISSING,
)
from lesson_app.teaching.sample_data import load_videos


@pytest.fixture(scope="module")
def sample_url(template_url: URL) -> Iterator[URL]:
    """A database of this module's own, with the twelve sample videos (ids 1 to 12), dropped afterwards."""
    url = server_url("postgres").set(database=f"rj_test_{uuid.uuid4().hex[:12]}")
    create_database(url, template=template_url.database)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        assert load_videos(session).added == 12
    engine.dispose()
    yield url
    drop_database(url)


@pytest.fixture(scope="module")
def engine(sample_url: URL) -> Iterator[Engine]:
    engine = make_engine(sample_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def api(sample_url: URL) -> Iterator[httpx.Client]:
    with (
        start_server(create_app(sample_url), port=0, name=f"test-lesson10-{uuid.uuid4().hex[:8]}") as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        yield client


# --- exercise 1: status codes predicted, then sent --------------------------------------------------------------

RIGHT = {PUT_MISSING: 404, PATCH_TAKEN_URL: 409, PAGE_PAST_END: 200, DELETE_ALL: 405}


@pytest.mark.parametrize(
    "spelling",
    [RIGHT, {k: float(v) for k, v in RIGHT.items()}, {k: str(v) for k, v in RIGHT.items()}, {
        PUT_MISSING: "404 Not Found", PATCH_TAKEN_URL: "409 Conflict", PAGE_PAST_END: "200 OK",
        DELETE_ALL: "405 Method Not Allowed"}],
)  # fmt: skip
def test_status_prediction_right_in_every_spelling(api: httpx.Client, spelling: dict) -> None:
    feedback = check_status_prediction(spelling, api)
    assert feedback.passed is True, feedback.message
    assert "404, 409, 200, 405" in feedback.message


def test_status_prediction_changes_no_row(api: httpx.Client) -> None:
    before = [api.get(f"/videos/{video_id}").json() for video_id in (1, 2)]
    check_status_prediction(RIGHT, api)
    assert [api.get(f"/videos/{video_id}").json() for video_id in (1, 2)] == before


def test_status_prediction_not_attempted(api: httpx.Client) -> None:
    assert check_status_prediction(..., api).passed is None
    assert check_status_prediction(dict(PREDICTIONS), api).passed is None


@pytest.mark.parametrize(
    ("changes", "expected_hint"),
    [
        ({PUT_MISSING: 201}, "201 would mean the PUT created"),
        ({PUT_MISSING: 422}, "validation passes before the id is looked up"),
        ({PATCH_TAKEN_URL: 200}, "the database has the last word"),
        ({PATCH_TAKEN_URL: 422}, "only taken"),
        ({PAGE_PAST_END: 404}, "this page of it is empty"),
        ({PAGE_PAST_END: 422}, "`offset` has no maximum"),
        ({DELETE_ALL: 404}, "no route has this path at all"),
        ({DELETE_ALL: 204}, "405 Method Not Allowed"),
        ({DELETE_ALL: ...}, "'DELETE /videos': write a status code, such as 200, not `...`"),
        ({DELETE_ALL: "gone"}, "not 'gone'"),
        ({DELETE_ALL: True}, "not True"),
    ],
)
def test_status_prediction_wrong(api: httpx.Client, changes: dict, expected_hint: str) -> None:
    feedback = check_status_prediction({**RIGHT, **changes}, api)
    assert feedback.passed is False
    assert expected_hint in feedback.message, feedback.message


def test_status_prediction_explains_every_wrong_code_on_a_line_of_its_own(api: httpx.Client) -> None:
    message = check_status_prediction({**RIGHT, PUT_MISSING: 201, DELETE_ALL: 404}, api).message
    assert "2 of the four as you predicted" in message
    assert "\n- PUT /videos/999 with a whole, valid video: you predicted 201, the API answered 404." in message
    assert "\n- DELETE /videos: you predicted 404, the API answered 405. The path /videos exists" in message


def test_status_prediction_keeps_the_dictionary(api: httpx.Client) -> None:
    assert "keep the dictionary as given" in check_status_prediction({"GET /videos": 200}, api).message
    assert "keep the dictionary as given" in check_status_prediction([404, 409, 200, 405], api).message


def test_status_prediction_without_a_server() -> None:
    with httpx.Client(base_url="http://127.0.0.1:1") as nowhere:
        feedback = check_status_prediction(RIGHT, nowhere)
    assert feedback.passed is False
    assert "could not send" in feedback.message


# --- exercise 2: PATCH the views ----------------------------------------------------------------------------


def test_views_update_solution_passes(api: httpx.Client) -> None:
    feedback = check_views_update(api.patch("/videos/1", json={"views": 2000}), video_id=1, views=2000)
    assert feedback.passed is True
    assert "'How a URL is put together'" in feedback.message


def test_views_update_not_attempted() -> None:
    assert check_views_update(...).passed is None


@pytest.mark.parametrize(
    ("send", "expected_hint"),
    [
        (lambda api: api.put("/videos/1", json={"views": 2000}), "changes only the fields it is sent"),
        (
            lambda api: api.put(
                "/videos/1",
                json={
                    "title": "How a URL is put together",
                    "views": 2000,
                    "url": "https://videos.example/watch/url-anatomy",
                    "channel": "Request Journey",
                },
            ),
            "PUT worked",
        ),
        (lambda api: api.post("/videos/1", json={"views": 2000}), "POST creates in /videos"),
        (
            lambda api: api.patch("/videos/2", json={"views": 2000}),
            "lives at '/videos/1'. Your PATCH did change /videos/2; running the lesson from the top resets its table",
        ),
        (lambda api: api.get("/videos/2"), "lives at '/videos/1'."),
        (lambda api: api.patch("/videos/1", data={"views": 2000}), "not JSON (form data, from `data=`)"),
        (lambda api: api.patch("/videos/1", json={"views": 2000}).json(), "keep the response a `client` request"),
        (
            lambda api: api.patch("/videos/1", json={"views": 2000, "title": "How a URL is put together"}),
            "also sent title",
        ),
        (lambda api: api.patch("/videos/1", json={"views": 200}), "the exercise asks for 2000"),
        (lambda api: api.patch("/videos/1", json={"views": -5}), "422"),
        (lambda api: api.patch("/videos/1", json={"title": "How a URL is put together"}), "did not contain 'views'"),
    ],
)
def test_views_update_usual_mistakes(api: httpx.Client, send, expected_hint: str) -> None:
    feedback = check_views_update(send(api), video_id=1, views=2000)
    assert feedback.passed is False
    assert expected_hint in feedback.message


def test_views_update_missing_video(api: httpx.Client) -> None:
    feedback = check_views_update(api.patch("/videos/999", json={"views": 2000}), video_id=999, views=2000)
    assert feedback.passed is False
    assert "404" in feedback.message


# --- exercise 3: a page of a filtered list ------------------------------------------------------------------


def page(api: httpx.Client, **params: object) -> httpx.Response:
    return api.get("/videos", params=params)


def test_page_solution_passes(api: httpx.Client) -> None:
    feedback = check_page(page(api, channel="Data Desk", limit=3, offset=3), "Data Desk", 3, 2)
    assert feedback.passed is True
    assert "ids [11]" in feedback.message and "2 pages" in feedback.message


def test_page_not_attempted() -> None:
    assert check_page(...).passed is None


@pytest.mark.parametrize(
    ("params", "expected_hint"),
    [
        ({"channel": "Data Desk", "limit": 3, "offset": 2}, "counts videos to skip, not pages"),  # the page number
        ({"channel": "Data Desk", "limit": 3, "offset": 1}, "counts videos to skip, not pages"),  # 0-based page
        ({"channel": "Data Desk", "limit": 3}, "without `offset` you get the first page"),
        ({"channel": "Data Desk", "offset": 3}, "without it the API sends 20"),
        ({"channel": "data desk", "limit": 3, "offset": 3}, "capitals and spaces included"),
        ({"limit": 3, "offset": 3}, "no channel filter"),
        ({"channel": "Data Desk", "limit": 3, "offset": 6}, "page 2 starts after 3"),
    ],
)
def test_page_usual_mistakes(api: httpx.Client, params: dict, expected_hint: str) -> None:
    feedback = check_page(page(api, **params), "Data Desk", 3, 2)
    assert feedback.passed is False
    assert expected_hint in feedback.message


def test_page_given_the_json_says_keep_the_response(api: httpx.Client) -> None:
    message = check_page(page(api, channel="Data Desk", limit=3, offset=3).json(), "Data Desk", 3, 2).message
    assert "keep the response `client.get(...)` returns itself, not its .json()" in message
    assert "client.post" not in check_page(7, "Data Desk", 3, 2).message


def test_page_wrong_route(api: httpx.Client) -> None:
    feedback = check_page(api.get("/videos/3", params={"channel": "Data Desk"}), "Data Desk", 3, 2)
    assert feedback.passed is False
    assert "GET /videos" in feedback.message


# --- exercise 4: the same page in SQL -----------------------------------------------------------------------

SOLUTION_SQL = "SELECT id, title, views FROM youtube WHERE channel = 'Data Desk' ORDER BY id LIMIT 3 OFFSET 3"


def test_sql_solution_passes(engine: Engine) -> None:
    feedback = check_sql(SOLUTION_SQL, engine, "Data Desk", 3, 2)
    assert feedback.passed is True
    assert "ids [11]" in feedback.message


def test_sql_matches_the_api(engine: Engine, api: httpx.Client) -> None:
    """The answer key is what the API really returns for that page."""
    items = page(api, channel="Data Desk", limit=3, offset=3).json()["items"]
    assert check_sql(SOLUTION_SQL, engine).message.endswith(f"ids {[item['id'] for item in items]}.")


def test_sql_not_attempted(engine: Engine) -> None:
    assert check_sql(..., engine).passed is None


@pytest.mark.parametrize(
    ("sql", "expected_hint"),
    [
        ('SELECT id FROM youtube WHERE channel = "Data Desk" ORDER BY id LIMIT 3 OFFSET 3', "single quotes"),
        ("SELECT id FROM youtube WHERE channel = 'Data Desk' LIMIT 3 OFFSET 3", "add ORDER BY id"),
        ("SELECT id FROM youtube WHERE channel = 'data desk' ORDER BY id LIMIT 3 OFFSET 3", "no rows"),
        ("SELECT id FROM youtube WHERE channel = 'Data Desk' ORDER BY id LIMIT 3", "that is the first page"),
        ("SELECT id FROM youtube WHERE channel = 'Data Desk' ORDER BY id LIMIT 3 OFFSET 1", "not pages"),
        ("SELECT id FROM youtube WHERE channel = 'Data Desk' ORDER BY id LIMIT 3 OFFSET 2", "not pages"),
        ("SELECT id FROM youtube ORDER BY id LIMIT 3 OFFSET 3", "other channels"),
        ("SELECT title FROM youtube WHERE channel = 'Data Desk' ORDER BY id LIMIT 3 OFFSET 3", "select the id"),
        ("SELEC id FROM youtube", "PostgreSQL refused the statement: syntax error"),
        (
            "SELECT id FROM youtube WHERE channel = :channel ORDER BY id LIMIT 3 OFFSET 3",
            "`:channel` is a placeholder",
        ),  # lesson 07b's bound parameter, with no value to bind
        ("SELECT id FROM youtube WHERE channel = 'Data Desk' ORDER BY id LIMIT 3, 3", "`LIMIT 3 OFFSET 3`"),
        ("DELETE FROM youtube WHERE channel = 'Data Desk'", "Write a SELECT"),
        ("-- the page\nupdate youtube SET views = 0 WHERE channel = 'Data Desk'", "an UPDATE, which changes rows"),
        ("SET LOCAL statement_timeout = '1s'", "returns no rows"),
        (42, "as a string"),
    ],
)
def test_sql_usual_mistakes(engine: Engine, sql: object, expected_hint: str) -> None:
    feedback = check_sql(sql, engine, "Data Desk", 3, 2)
    assert feedback.passed is False
    assert expected_hint in feedback.message


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT id FROM youtube WHERE channel = 'Data Desk' AND id > 9 ORDER BY id",  # the page after id 9, today
        "SELECT id, title FROM youtube WHERE id = 11 ORDER BY id",
        "SELECT id FROM youtube WHERE channel = 'Data Desk' AND id > 9 ORDER BY id LIMIT 3",
    ],
)
def test_sql_fitted_to_todays_ids_is_not_accepted(engine: Engine, sql: str) -> None:
    """Each gives today's page, [11]; on rows where an earlier video joins the channel and more follow, it does not."""
    count = text("SELECT count(*) FROM youtube WHERE channel = 'Data Desk'")
    with engine.connect() as conn:
        top, data_desk = conn.scalar(text("SELECT max(id) FROM youtube")), conn.scalar(count)
    feedback = check_sql(sql, engine, "Data Desk", 3, 2)
    assert feedback.passed is False
    assert "right for today's rows, but only by luck" in feedback.message
    # Video 1 joined Data Desk (7, 8, 9, 11), and rows top+2 and top+4 were added to it.
    assert f"while the page holds [9, 11, {top + 2}]" in feedback.message
    with engine.connect() as conn:  # and all of that was rolled back
        assert (conn.scalar(text("SELECT max(id) FROM youtube")), conn.scalar(count)) == (top, data_desk)


def test_sql_without_a_database() -> None:
    nowhere = create_engine("postgresql+psycopg2://postgres:postgres@127.0.0.1:1/nothing")
    feedback = check_sql(SOLUTION_SQL, nowhere)
    assert feedback.passed is False
    assert "could not be reached (OperationalError)" in feedback.message


def test_sql_changes_nothing(engine: Engine) -> None:
    """A statement that writes is not run, and whatever runs is rolled back: the learner's table stays as it is."""
    for statement in (
        "DELETE FROM youtube RETURNING id",
        "WITH gone AS (DELETE FROM youtube RETURNING id) SELECT id FROM gone ORDER BY id LIMIT 3 OFFSET 3",
    ):
        assert check_sql(statement, engine).passed is False
    assert check_sql(SOLUTION_SQL, engine).passed is True


def test_sql_refuses_several_statements_and_runs_none(engine: Engine) -> None:
    """`SELECT 1; COMMIT; DROP TABLE youtube` once dropped the table; now nothing of it runs."""
    feedback = check_sql("SELECT 1; COMMIT; DROP TABLE youtube", engine)
    assert feedback.passed is False
    assert "that is 3 statements" in feedback.message and "ran none of these" in feedback.message
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT to_regclass('youtube') IS NOT NULL"))
    assert check_sql(SOLUTION_SQL, engine).passed is True


def test_sql_runs_read_only_so_a_data_modifying_cte_is_refused(engine: Engine) -> None:
    with engine.connect() as conn:
        before = conn.scalar(text("SELECT count(*) FROM youtube"))
    feedback = check_sql("WITH gone AS (DELETE FROM youtube RETURNING id) SELECT id FROM gone ORDER BY id", engine)
    assert feedback.passed is False
    assert "in a read-only transaction" in feedback.message
    assert "leave out the part that changes rows" in feedback.message
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM youtube")) == before
        assert conn.scalar(text("SHOW default_transaction_read_only")) == "off"  # the pool's connection is as before


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (SOLUTION_SQL + ";", True),  # one statement with its semicolon
        (SOLUTION_SQL + "; -- the page", True),
        ("SELECT id FROM youtube WHERE channel = 'Data; Desk' ORDER BY id LIMIT 3 OFFSET 3", False),  # `;` in text
    ],
)
def test_sql_a_semicolon_that_ends_or_sits_in_a_string_is_one_statement(engine: Engine, sql: str, expected: bool):
    feedback = check_sql(sql, engine)
    assert feedback.passed is expected
    assert "statements" not in feedback.message


# --- an emptied table: the TRUNCATE cell run again after a restart ------------------------------------------


@pytest.fixture(scope="module")
def empty_url(template_url: URL) -> Iterator[URL]:
    """A database of this module's own with an empty `youtube` table, as after the lesson's TRUNCATE cell."""
    url = server_url("postgres").set(database=f"rj_test_{uuid.uuid4().hex[:12]}")
    create_database(url, template=template_url.database)
    yield url
    drop_database(url)


def test_page_refuses_an_empty_table(empty_url: URL) -> None:
    with (
        start_server(create_app(empty_url), port=0, name=f"test-lesson10-empty-{uuid.uuid4().hex[:8]}") as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        # The right parameters answer an empty page here, with nothing to show that it is the right page.
        response = client.get("/videos", params={"channel": "Data Desk", "limit": 3, "offset": 3})
        feedback = check_page(response, "Data Desk", 3, 2)
    assert feedback.passed is False
    assert "“The sample data”" in feedback.message


@pytest.mark.parametrize("sql", [SOLUTION_SQL, "SELECT id FROM youtube WHERE channel = 'Nobody' ORDER BY id"])
def test_sql_refuses_an_empty_table(empty_url: URL, sql: str) -> None:
    engine = make_engine(empty_url)
    try:
        feedback = check_sql(sql, engine, channel="Data Desk", per_page=3, page=2)
    finally:
        engine.dispose()
    assert feedback.passed is False
    assert "“The sample data”" in feedback.message


def test_views_update_422_names_only_the_field(api: httpx.Client) -> None:
    feedback = check_views_update(api.patch("/videos/1", json={"views": "2000"}), video_id=1, views=2000)
    assert feedback.passed is False
    assert "(views: Input should be a valid integer" in feedback.message
    assert "function-before" not in feedback.message
