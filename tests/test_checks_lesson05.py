"""The checkers of notebook 05 against the solutions, the usual wrong answers, and an untouched `...`."""

from __future__ import annotations

import httpx
import pytest

from lesson_app.checks.lesson05 import SCENARIOS, check_forbidden, check_status_codes, check_validation_error
from lesson_app.settings import get_settings


def response(method: str, path: str, status: int, *, auth: str | None = None, json: object = None) -> httpx.Response:
    """A response as httpx hands it back, without a server: enough for checks that only read it."""
    headers = {"Authorization": auth} if auth else {}
    request = httpx.Request(method, f"http://127.0.0.1:8000{path}", headers=headers)
    return httpx.Response(status, json=json, request=request)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- exercise 1: pick the code ------------------------------------------------------------------------------


def test_status_codes_solution_passes() -> None:
    assert check_status_codes(dict(SCENARIOS)).passed is True


def test_status_codes_accepts_text_and_httpx_codes() -> None:
    answers = {situation: f"{code} something" for situation, code in SCENARIOS.items()}
    answers["GET /admin/stats with the learner's token"] = httpx.codes.FORBIDDEN
    assert check_status_codes(answers).passed is True


def test_status_codes_not_attempted() -> None:
    assert check_status_codes(...).passed is None
    assert check_status_codes(dict.fromkeys(SCENARIOS, ...)).passed is None


@pytest.mark.parametrize(
    ("situation", "wrong", "expected_hint"),
    [
        ('POST /videos with "views": "lots"', 400, "422 (not 400)"),  # the classic: 400 for FastAPI's validation
        ("GET /videos?min_views=10&max_views=2", 422, "the function that sees"),  # and the reverse
        ("GET /admin/stats with no Authorization header", 403, "unauthenticated"),  # 401 and 403 swapped
        ("GET /admin/stats with the learner's token", 401, "Known but not allowed is 403"),
        ("POST /videos with a url another video already has", 400, "409 Conflict"),
        ("POST /videos with a url another video already has", 500, "not a bug"),
        ("DELETE /videos/{id} of a video that exists", 200, "204 No Content"),
        ("DELETE /videos/{id} of a video that exists", 418, "Find the section"),  # no specific hint: a pointer
    ],
)
def test_status_codes_usual_mistakes(situation: str, wrong: int, expected_hint: str) -> None:
    feedback = check_status_codes({**SCENARIOS, situation: wrong})
    assert feedback.passed is False
    assert expected_hint in feedback.message


def test_status_codes_partial_and_malformed() -> None:
    first = next(iter(SCENARIOS))
    assert "still `...`" in check_status_codes({**SCENARIOS, "DELETE /videos/{id} of a video that exists": ...}).message
    assert "as a number" in check_status_codes({**SCENARIOS, first: "unprocessable"}).message
    assert "as a number" in check_status_codes({**SCENARIOS, first: True}).message
    assert "keep the dictionary" in check_status_codes({first: 422}).message


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


# --- exercise 2: a 403 --------------------------------------------------------------------------------------


def test_forbidden_solution_passes_on_the_live_api(client: httpx.Client) -> None:
    feedback = check_forbidden(client.get("/admin/stats", headers=bearer(get_settings().learner_token)))
    assert feedback.passed is True


def test_forbidden_not_attempted() -> None:
    assert check_forbidden(...).passed is None


def test_forbidden_usual_mistakes_on_the_live_api(client: httpx.Client) -> None:
    no_token = check_forbidden(client.get("/admin/stats"))
    assert no_token.passed is False and "you sent no token" in no_token.message
    bad_token = check_forbidden(client.get("/admin/stats", headers=bearer("nope")))
    assert bad_token.passed is False and "does not know the token 'nope'" in bad_token.message
    no_scheme = check_forbidden(client.get("/admin/stats", headers={"Authorization": "learner-token"}))
    assert no_scheme.passed is False and "must follow the word Bearer" in no_scheme.message
    admin = check_forbidden(client.get("/admin/stats", headers=bearer(get_settings().admin_token)))
    assert admin.passed is False and "admin role, so you were let in" in admin.message


@pytest.mark.parametrize(
    ("answer", "expected_hint"),
    [
        (response("GET", "/admin/stat", 404), "ask for '/admin/stats'"),
        (response("POST", "/admin/stats", 405), "only takes GET"),
        (response("GET", "/admin/stats", 503), "maintenance mode is on"),
        (403, "expected the response object"),
    ],
)
def test_forbidden_other_mistakes(answer: object, expected_hint: str) -> None:
    feedback = check_forbidden(answer)
    assert feedback.passed is False
    assert expected_hint in feedback.message


# --- exercise 3: a 422 --------------------------------------------------------------------------------------


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
        (response("POST", "/videos", 409, json={"detail": "dup"}), "clashed with a stored video"),
        (response("GET", "/videos/abc", 422, json={"detail": []}), "this exercise is about '/videos'"),
        ("422", "expected the response object"),
    ],
)
def test_validation_error_other_mistakes(answer: object, expected_hint: str) -> None:
    feedback = check_validation_error(answer)
    assert feedback.passed is False
    assert expected_hint in feedback.message
