"""The checkers of notebook 05b against the solutions, the usual wrong answers, and an untouched `...`, for real."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI, Response

from lesson_app.config.settings import get_settings
from lesson_app.teaching.checks.lesson05b import (
    CHANNEL,
    SEQUENCES,
    check_cookie_route,
    check_etag,
    check_repeats,
)

# --- exercise 1: predict what the repeats leave -------------------------------------------------------------


def test_repeats_solution_passes_on_the_live_api_and_leaves_no_rows(client: httpx.Client) -> None:
    feedback = check_repeats(dict(SEQUENCES), client)
    assert feedback.passed is True, feedback
    assert client.get("/videos", params={"channel": CHANNEL}).json()["total"] == 0


def test_repeats_not_attempted(client: httpx.Client) -> None:
    assert check_repeats(..., client).passed is None
    assert check_repeats(dict.fromkeys(SEQUENCES, ...), client).passed is None


@pytest.mark.parametrize(
    ("sequence", "wrong", "expected"),
    [
        ("POST a video, then the very same POST again", 2, "the API answered 201, 409): the url column is unique"),
        ("POST a video, then POST it again with another title (the same url)", 2, "whatever the title says"),
        ("PUT a video to /videos/999999, an id nobody stored, twice", 1, "(the API answered 404, 404)"),
        ("PUT a video to /videos/999999, an id nobody stored, twice", 2, "only replaces a video that exists"),
        ("POST a video, then POST another with a different url", 1, "each POST creates one"),
        ("POST a video, then POST another with a different url", -1, "the table kept 2"),
    ],
)
def test_repeats_wrong_prediction_names_what_really_happened(
    client: httpx.Client, sequence: str, wrong: int, expected: str
) -> None:
    feedback = check_repeats({**SEQUENCES, sequence: wrong}, client)
    assert feedback.passed is False and expected in feedback.message, feedback
    assert f"you predicted {wrong}" in feedback.message and feedback.message.startswith("3 of 4 as you predicted")


def test_repeats_every_difference_is_listed(client: httpx.Client) -> None:
    feedback = check_repeats(dict.fromkeys(SEQUENCES, 5), client)
    assert feedback.message.startswith("0 of 4") and feedback.message.count(": you predicted 5") == 4


def test_repeats_partial_and_malformed(client: httpx.Client) -> None:
    first, second = list(SEQUENCES)[:2]
    partial = check_repeats({**SEQUENCES, second: ...}, client)
    assert partial.passed is False and "predict every sequence first" in partial.message
    assert "as a number" in check_repeats({**SEQUENCES, first: "one"}, client).message
    assert "as a number" in check_repeats({**SEQUENCES, first: True}, client).message
    assert "missing: " in check_repeats({first: 1}, client).message


def test_repeats_a_renamed_key_is_named(client: httpx.Client) -> None:
    first = list(SEQUENCES)[0]
    renamed = {("POST twice" if name == first else name): left for name, left in SEQUENCES.items()}
    feedback = check_repeats(renamed, client)
    assert feedback.passed is False, feedback
    assert (
        f"missing: {first!r}" in feedback.message and "not one of the four sequences: 'POST twice'" in feedback.message
    )


def test_repeats_numbers_in_other_spellings_pass(client: httpx.Client) -> None:
    spelled = {name: [float(left), str(left), f" {left} ", left][i] for i, (name, left) in enumerate(SEQUENCES.items())}
    feedback = check_repeats(spelled, client)
    assert feedback.passed is True, feedback
    wrong = check_repeats({**SEQUENCES, list(SEQUENCES)[0]: 2.0}, client)
    assert "you predicted 2," in wrong.message and "2.0" not in wrong.message, wrong


def test_repeats_without_an_open_client(client: httpx.Client) -> None:
    assert "pass the lesson's open `client`" in check_repeats(dict(SEQUENCES), None).message
    closed = httpx.Client()
    closed.close()
    assert "pass the lesson's open `client`" in check_repeats(dict(SEQUENCES), closed).message


def test_repeats_in_maintenance_mode_says_so(client: httpx.Client) -> None:
    admin = {"Authorization": f"Bearer {get_settings().admin_token}"}
    client.put("/admin/maintenance", json={"enabled": True}, headers=admin).raise_for_status()
    try:
        feedback = check_repeats(dict(SEQUENCES), client)
    finally:
        client.put("/admin/maintenance", json={"enabled": False}, headers=admin).raise_for_status()
    assert feedback.passed is False and "maintenance" in feedback.message, feedback


# --- exercise 2: debug this ETag ----------------------------------------------------------------------------


def from_the_time(body: bytes) -> str:  # the bug the exercise starts with
    return '"' + hashlib.sha256(str(time.time()).encode()).hexdigest()[:16] + '"'


def test_etag_the_given_bug_is_refused_for_the_right_reason() -> None:
    feedback = check_etag(from_the_time)
    assert feedback.passed is False and "two different ETags" in feedback.message, feedback


@pytest.mark.parametrize(
    "fixed",
    [
        lambda body: '"' + hashlib.sha256(body).hexdigest()[:16] + '"',  # the solution
        lambda body: f'"{hashlib.md5(body).hexdigest()}"',  # another hash, whole
        lambda body: 'W/"' + hashlib.sha256(body).hexdigest() + '"',  # a weak tag: If-None-Match compares weakly
    ],
)
def test_etag_every_tag_made_from_the_body_passes(fixed: Callable[[bytes], str]) -> None:
    feedback = check_etag(fixed)
    assert feedback.passed is True, feedback


@pytest.mark.parametrize(
    ("wrong", "expected"),
    [
        (lambda body: f'"{len(body)}"', "two different bodies got the same ETag"),
        (lambda body: '"v1"', "two different bodies got the same ETag"),
        # the test bodies differ only near their end: a hash of the first bytes cannot see the change
        (lambda body: '"' + hashlib.sha256(body[:10]).hexdigest()[:16] + '"', "from all of the body, every byte"),
        (lambda body: hashlib.sha256(body).hexdigest(), "no double quotes"),
        (lambda body: hashlib.sha256(body).digest(), "returned a bytes"),
        # hash() of bytes is salted per process: stable here, another tag after a restart or in a second worker
        (lambda body: f'"{hash(body)}"', "PYTHONHASHSEED"),
        (lambda body: '"' + str(hash(body)) + '"', "from `hashlib`"),
        (lambda body: f'W/"{hash(body):x}"', "PYTHONHASHSEED"),
        (lambda body: body.decode("ascii").upper() + 1, "raised `TypeError"),
    ],
)
def test_etag_usual_mistakes(wrong: Callable[[bytes], object], expected: str) -> None:
    feedback = check_etag(wrong)
    assert feedback.passed is False and expected in feedback.message, feedback


def test_etag_not_attempted_and_not_a_function() -> None:
    assert check_etag(...).passed is None
    assert "no brackets" in check_etag('"abc"').message


# --- exercise 3: a session cookie ---------------------------------------------------------------------------


def login_app(**cookie: object) -> FastAPI:
    """An app whose POST /login sets the `session` cookie with `cookie`'s attributes (cache_control: the header)."""
    cache_control = cookie.pop("cache_control", "private")
    name = cookie.pop("name", "session")
    app = FastAPI()

    @app.post("/login")
    def log_in(response: Response) -> dict:
        response.set_cookie(str(name), "user-7", **cookie)  # type: ignore[arg-type]
        if cache_control:
            response.headers["Cache-Control"] = str(cache_control)
        return {"logged_in": True}

    return app


SOLUTION = {"httponly": True, "samesite": "strict", "max_age": 600}


@pytest.mark.parametrize(
    "right",
    [
        SOLUTION,
        {**SOLUTION, "secure": True},  # what a real site adds
        {"httponly": True, "samesite": "strict", "expires": 600},  # Expires ten minutes ahead, not Max-Age
        {**SOLUTION, "cache_control": "no-store"},
        {**SOLUTION, "cache_control": "private, max-age=0"},
    ],
)
def test_cookie_right_answers_pass(right: dict) -> None:
    feedback = check_cookie_route(login_app(**right))
    assert feedback.passed is True, feedback


@pytest.mark.parametrize(
    ("cache_control", "said", "not_said"),
    [
        ("private", "only this user's own cache may keep it", "no-store"),
        ("no-store", "the answer is no-store: no cache may keep it, not even this user's own", "is private"),
    ],
)
def test_cookie_success_says_what_the_header_given_allows(cache_control: str, said: str, not_said: str) -> None:
    message = check_cookie_route(login_app(**{**SOLUTION, "cache_control": cache_control})).message
    assert said in message and not_said not in message


@pytest.mark.parametrize(
    ("wrong", "expected"),
    [
        ({"samesite": "strict", "max_age": 600}, "no HttpOnly"),
        ({"httponly": True, "max_age": 600}, "SameSite=lax (Starlette's default)"),
        ({"httponly": True, "samesite": "none", "secure": True, "max_age": 600}, "SameSite=none"),
        ({"httponly": True, "samesite": "strict"}, "no Max-Age"),
        ({**SOLUTION, "max_age": 3600}, "lives 3600 seconds"),
        ({**SOLUTION, "cache_control": None}, "there is no Cache-Control header"),
        ({**SOLUTION, "cache_control": "max-age=60"}, "Cache-Control is 'max-age=60': an answer that sets"),
        ({**SOLUTION, "name": "token"}, "set ['token']; the exercise asks for one named 'session'"),
        ({**SOLUTION, "domain": "videos.example"}, "did not keep the cookie"),
    ],
)
def test_cookie_usual_mistakes(wrong: dict, expected: str) -> None:
    feedback = check_cookie_route(login_app(**wrong))
    assert feedback.passed is False and expected in feedback.message, feedback


@pytest.mark.parametrize(
    "wrong",
    [
        {"samesite": "strict", "max_age": 600},
        {"httponly": True, "max_age": 600},
        {"httponly": True, "samesite": "strict"},
        {**SOLUTION, "max_age": 3600},
        {**SOLUTION, "cache_control": None},
        {**SOLUTION, "cache_control": "max-age=60"},
    ],
)
def test_cookie_hints_point_to_the_section_without_the_fix(wrong: dict) -> None:
    message = check_cookie_route(login_app(**wrong)).message
    assert 'section "A cookie"' in message, message
    assert not any(
        fix in message for fix in ("httponly=True", "samesite='strict'", "max_age", "is 600", ": private")
    ), message


def test_cookie_set_on_a_fresh_response_says_use_the_parameter() -> None:
    fresh = FastAPI()

    @fresh.post("/login")
    def log_in() -> dict:
        response = Response()  # thrown away: FastAPI sends the dict below in a response of its own
        response.set_cookie("session", "user-7", httponly=True, samesite="strict", max_age=600)
        return {"logged_in": True}

    message = check_cookie_route(fresh).message
    assert "no cookie at all" in message and "`response` parameter FastAPI passes in" in message, message


def test_cookie_wrong_method_no_cookie_and_a_crash() -> None:
    as_get = FastAPI()
    as_get.get("/login")(lambda response: None)
    assert "answered 405" in check_cookie_route(as_get).message
    bare = FastAPI()
    bare.post("/login")(lambda: {"logged_in": True})
    assert "no cookie at all" in check_cookie_route(bare).message
    crashing = FastAPI()
    crashing.post("/login")(lambda: 1 / 0)
    assert "answered 500" in check_cookie_route(crashing).message


def test_cookie_not_attempted_and_not_an_app() -> None:
    assert check_cookie_route(...).passed is None
    assert check_cookie_route(FastAPI()).passed is None  # the cell as given: an app with no route yet
    assert "expected the app itself" in check_cookie_route("my_app").message
