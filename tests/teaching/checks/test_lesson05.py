"""The checkers of notebook 05 against the solutions, the usual wrong answers, and an untouched `...`."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse, PlainTextResponse

from lesson_app.config.settings import get_settings
from lesson_app.teaching.checks.lesson05 import (
    SCENARIOS,
    check_clip_route,
    check_status_codes,
    check_validation_error,
)


def response(method: str, path: str, status: int, *, auth: str | None = None, json: object = None) -> httpx.Response:
    """A response as httpx hands it back, without a server: enough for checks that only read it."""
    headers = {"Authorization": auth} if auth else {}
    request = httpx.Request(method, f"http://127.0.0.1:8000{path}", headers=headers)
    return httpx.Response(status, json=json, request=request)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- exercise 1: predict, then send -------------------------------------------------------------------------


def test_status_codes_solution_passes_when_sent_for_real(client: httpx.Client) -> None:
    feedback = check_status_codes(dict(SCENARIOS), client)
    assert feedback.passed is True, feedback
    assert client.get("/videos").json()["total"] == 0  # the checker's own video is gone again


def test_status_codes_accepts_httpx_codes(client: httpx.Client) -> None:
    answers = {**SCENARIOS, "GET /admin/stats with the learner's token": httpx.codes.FORBIDDEN}
    assert check_status_codes(answers, client).passed is True


def test_status_codes_not_attempted() -> None:
    assert check_status_codes(..., None).passed is None
    assert check_status_codes(dict.fromkeys(SCENARIOS, ...), None).passed is None


@pytest.mark.parametrize(
    ("situation", "wrong", "expected_hint"),
    [
        ('POST /videos with "views": "lots"', 400, "in FastAPI such a value never reaches your code"),  # the classic
        ("GET /videos?min_views=10&max_views=2", 422, "only checks each value on its own"),  # and the reverse
        ("GET /admin/stats with no Authorization header", 403, "with no token it does not know yet"),  # swapped
        ("GET /admin/stats with the learner's token", 401, "known, and still not allowed"),
        ("POST /videos with a url another video already has", 400, "already stored. The data is fine on its own"),
        ("POST /videos with a url another video already has", 500, "not a bug"),
        ("DELETE /videos/{id} of a video that exists", 200, "this one sends nothing"),
        ("DELETE /videos/{id} of a video that exists", 418, "this API sends nothing back after it."),  # no WHY_NOT
        ("GET /admin/stats with the learner's token", 400, "known, and still not allowed"),
    ],
)
def test_status_codes_a_wrong_prediction_gets_what_really_happened_and_why(
    client: httpx.Client, situation: str, wrong: int, expected_hint: str
) -> None:
    feedback = check_status_codes({**SCENARIOS, situation: wrong}, client)
    assert feedback.passed is False
    assert f"you predicted {wrong}, the API answered {SCENARIOS[situation]}" in feedback.message
    assert expected_hint in feedback.message
    assert feedback.message.startswith("5 of 6 as you predicted")


def test_status_codes_every_difference_is_listed(client: httpx.Client) -> None:
    all_wrong = {situation: 200 if code != 200 else 404 for situation, code in SCENARIOS.items()}
    feedback = check_status_codes(all_wrong, client)
    assert feedback.message.startswith("0 of 6") and feedback.message.count(": you predicted") == 6


def test_status_codes_partial_and_malformed_are_refused_before_sending() -> None:
    first = next(iter(SCENARIOS))
    last = "DELETE /videos/{id} of a video that exists"
    assert "predict every code first" in check_status_codes({**SCENARIOS, last: ...}, None).message
    for not_a_number in ("unprocessable", 422.5, True):
        assert "write the code as a number" in check_status_codes({**SCENARIOS, first: not_a_number}, None).message
    assert "keep the dictionary" in check_status_codes({first: 422}, None).message
    assert "pass the lesson's open `client`" in check_status_codes(dict(SCENARIOS), None).message
    for spelled in ("422", 422.0):  # the number 422 however written: read as 422, so the client is asked for next
        assert "pass the lesson's open `client`" in check_status_codes({**SCENARIOS, first: spelled}, None).message


def test_status_codes_in_maintenance_mode_says_so(client: httpx.Client) -> None:
    admin = bearer(get_settings().admin_token)
    client.put("/admin/maintenance", json={"enabled": True}, headers=admin).raise_for_status()
    try:
        feedback = check_status_codes(dict(SCENARIOS), client)
    finally:
        client.put("/admin/maintenance", json={"enabled": False}, headers=admin).raise_for_status()
    assert feedback.passed is False and "maintenance mode is on" in feedback.message


def test_status_codes_answers_are_what_the_live_api_says(client: httpx.Client) -> None:
    """The answer key is not an opinion: every situation, sent for real, gets its code."""
    settings = get_settings()
    video = {"title": "t", "url": "https://videos.example/watch/answer-key", "channel": "c"}
    created = client.post("/videos", json=video)
    live = {
        'POST /videos with "views": "lots"': client.post("/videos", json={**video, "views": "lots"}),
        "GET /videos?min_views=10&max_views=2": client.get("/videos", params={"min_views": 10, "max_views": 2}),
        "GET /admin/stats with no Authorization header": client.get("/admin/stats"),
        "GET /admin/stats with the learner's token": client.get("/admin/stats", headers=bearer(settings.learner_token)),
        "POST /videos with a url another video already has": client.post("/videos", json=video),
        "DELETE /videos/{id} of a video that exists": client.delete(created.headers["Location"]),
    }
    assert {situation: r.status_code for situation, r in live.items()} == SCENARIOS


# --- exercise 2: a 422 --------------------------------------------------------------------------------------


def test_validation_error_solution_passes_on_the_live_api(client: httpx.Client) -> None:
    feedback = check_validation_error(client.get("/videos", params={"limit": "abc"}))
    assert feedback.passed is True
    assert "query → limit" in feedback.message


def test_validation_error_not_attempted() -> None:
    assert check_validation_error(...).passed is None


def test_validation_error_near_miss_is_the_400(client: httpx.Client) -> None:
    feedback = check_validation_error(client.get("/videos", params={"min_views": 10, "max_views": 2}))
    assert feedback.passed is False
    assert "400 came from inside list_videos" in feedback.message


@pytest.mark.parametrize(
    ("answer", "expected_hint"),
    [
        (response("GET", "/videos", 200, json={"items": []}), "every value was valid"),
        (response("POST", "/videos", 409, json={"detail": "dup"}), "create_video ran"),
        (response("POST", "/videos", 201, json={"id": 1}), "201: every value was valid, so create_video ran"),
        (response("POST", "/videos", 422, json={"detail": "channel must not hold NUL"}), "inside create_video"),
        (response("DELETE", "/videos", 405, json={"detail": "no"}), "/videos has no DELETE route"),
        (response("GET", "/videos", 422, json={"detail": "channel must not hold NUL"}), "came from inside"),
        (response("GET", "/videos/abc", 422, json={"detail": []}), "this exercise is about '/videos'"),
        ("422", "expected the response object"),
    ],
)
def test_validation_error_other_mistakes(answer: object, expected_hint: str) -> None:
    feedback = check_validation_error(answer)
    assert feedback.passed is False
    assert expected_hint in feedback.message


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.post("/videos", json={}),  # required fields left out
        lambda c: c.post("/videos", json={"title": "t", "url": "https://v.example/1", "channel": "c", "views": "lots"}),
        lambda c: c.post("/videos", content=b"{not json", headers={"Content-Type": "application/json"}),
    ],
)
def test_validation_error_a_post_that_gets_422_passes(client: httpx.Client, send) -> None:
    # The exercise says "send a request to /videos": create_video's validation refuses before it runs, too.
    feedback = check_validation_error(send(client))
    assert feedback.passed is True, feedback
    assert "create_video never ran" in feedback.message and "body" in feedback.message


# --- exercise 3: debug a route that should answer 400, run for real --------------------------------------------


def clip_app(endpoint, method: str = "get", path: str = "/clips") -> FastAPI:
    """A fresh app with `endpoint` added as the learner's cell would: `@app.<method>(path)`."""
    app = FastAPI()
    getattr(app, method)(path)(endpoint)
    return app


def solution(start: int, end: int):
    if start > end:
        raise HTTPException(400, f"start ({start}) is after end ({end}).")
    return {"seconds": end - start}


def test_clip_route_solution_passes() -> None:
    feedback = check_clip_route(clip_app(solution))
    assert feedback.passed is True
    assert "start (30) is after end (5)." in feedback.message


def test_clip_route_not_attempted() -> None:
    assert check_clip_route(...).passed is None
    assert check_clip_route(FastAPI()).passed is None  # the cell as given: an app with no route of its own


def no_check(start: int, end: int):
    return {"seconds": end - start}


def returns_the_exception(start: int, end: int):
    if start > end:
        return HTTPException(400, "start is after end")
    return {"seconds": end - start}


def raises_value_error(start: int, end: int):
    if start > end:
        raise ValueError("start is after end")
    return {"seconds": end - start}


def returns_a_tuple(start: int, end: int):
    if start > end:
        return {"detail": "start is after end"}, 400  # Flask's way: FastAPI sends the tuple as a JSON list
    return {"seconds": end - start}


def returns_a_json_response(start: int, end: int):
    if start > end:
        return JSONResponse({"detail": "start is after end"}, status_code=400)
    return {"seconds": end - start}


def returns_a_json_response_named_otherwise(start: int, end: int):
    if start > end:
        return JSONResponse({"error": "start is after end"}, status_code=400)
    return {"seconds": end - start}


def returns_plain_text(start: int, end: int):
    if start > end:
        return PlainTextResponse("start is after end", status_code=400)
    return {"seconds": end - start}


def raises_422(start: int, end: int):
    if start > end:
        raise HTTPException(422, "start is after end")
    return {"seconds": end - start}


def no_reason(start: int, end: int):
    if start > end:
        raise HTTPException(400)
    return {"seconds": end - start}


def untyped(start, end):
    return {"seconds": end - start}


def other_names(begin: int, finish: int):
    return {"seconds": finish - begin}


def wrong_answer(start: int, end: int):
    return {"length": end - start}


def fixed_answer(start: int, end: int):
    if start > end:
        raise HTTPException(400, "start is after end")
    return {"seconds": 15}  # right for start=10&end=25 only


@pytest.mark.parametrize(
    ("app", "expected_hint"),
    [
        (clip_app(no_check), "should refuse it with 400; look under “400 Bad Request and 422"),
        (clip_app(returns_a_tuple), "a tuple is not a status in FastAPI"),
        (clip_app(returns_the_exception), "as an ordinary value to send back"),
        (clip_app(raises_value_error), "an exception FastAPI does not know"),
        (clip_app(raises_422), "the code for a request that makes no sense is 400"),
        (clip_app(no_reason), "without a sentence"),
        (clip_app(untyped), "declare `start: int, end: int`"),
        (clip_app(other_names), "matched by name"),
        (clip_app(wrong_answer), "{'seconds': 15}"),
        (clip_app(fixed_answer), "start=0&end=60 answered {'seconds': 15}: compute the answer from start and end"),
        (clip_app(solution, path="/clip"), "no route has that path"),
        (clip_app(solution, method="post"), "@my_app.get"),
        (solution, "expected the app itself"),
    ],
)
def test_clip_route_usual_mistakes(app: object, expected_hint: str) -> None:
    feedback = check_clip_route(app)
    assert feedback.passed is False
    assert expected_hint in feedback.message


def raises_without_importing(start: int, end: int):
    if start > end:
        raise HTTPExceptoin(400, "start is after end")  # noqa: F821 - a typo: the name does not exist
    return {"seconds": end - start}


def typo_in_the_sum(start: int, end: int):
    return {"seconds": end - strat}  # noqa: F821 - a typo


def test_clip_route_blames_a_missing_import_only_when_the_name_is_httpexception() -> None:
    namespace: dict = {}
    exec(  # a cell that uses HTTPException without `from fastapi import HTTPException`
        "def read_clip(start: int, end: int):\n"
        "    if start > end:\n"
        "        raise HTTPException(400, 'start is after end')\n"
        "    return {'seconds': end - start}\n",
        namespace,
    )
    feedback = check_clip_route(clip_app(namespace["read_clip"]))
    assert "raised `NameError: name 'HTTPException' is not defined`" in feedback.message
    assert "`from fastapi import HTTPException`" in feedback.message

    feedback = check_clip_route(clip_app(raises_without_importing))
    assert "raised `NameError: name 'HTTPExceptoin' is not defined`" in feedback.message
    assert "import" not in feedback.message and "FastAPI does not know" not in feedback.message


def test_clip_route_shows_a_typo_instead_of_asking_for_types() -> None:
    feedback = check_clip_route(clip_app(typo_in_the_sum))
    assert feedback.passed is False
    assert "raised `NameError: name 'strat' is not defined`" in feedback.message
    assert "declare" not in feedback.message


def test_clip_route_names_the_exception_it_does_not_know() -> None:
    feedback = check_clip_route(clip_app(raises_value_error))
    assert "raised `ValueError: start is after end`, an exception FastAPI does not know" in feedback.message
    untyped_feedback = check_clip_route(clip_app(untyped))
    assert "raised `TypeError: unsupported operand type(s) for -: 'str' and 'str'`" in untyped_feedback.message


@pytest.mark.parametrize(
    "endpoint", [returns_a_json_response, returns_a_json_response_named_otherwise, returns_plain_text]
)
def test_clip_route_a_400_response_the_function_returns_passes(endpoint) -> None:
    feedback = check_clip_route(clip_app(endpoint))
    assert feedback.passed is True, feedback
    assert "400 from your function, with the sentence 'start is after end'" in feedback.message
    assert "raised" not in feedback.message  # it was returned, not raised


@pytest.mark.parametrize("endpoint", [no_check, returns_a_tuple, raises_value_error, no_reason])
def test_clip_route_hints_name_the_cause_not_the_solution_line(endpoint) -> None:
    feedback = check_clip_route(clip_app(endpoint))
    assert feedback.passed is False
    assert "raise HTTPException(400" not in feedback.message, feedback
    assert 'HTTPException(400, "' not in feedback.message, feedback


def test_clip_route_an_unknown_exception_says_where_to_look() -> None:
    feedback = check_clip_route(clip_app(raises_value_error))
    assert "turns such an exception into 500" in feedback.message
    assert "look at what the cell imports from fastapi" in feedback.message


@pytest.mark.parametrize(("answer", "got"), [(422, "got an int"), ("422", "got a str"), ([], "got a list")])
def test_validation_error_names_what_it_got_with_the_right_article(answer: object, got: str) -> None:
    feedback = check_validation_error(answer)
    assert feedback.passed is False
    assert got in feedback.message, feedback
