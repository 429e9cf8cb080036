"""Checkers for notebook 05, status codes: pick the code, get a 403, get a 422 (not a 400), and raise a 400 in a
route of the learner's own."""

from __future__ import annotations

from typing import Any

from lesson_app.config.settings import get_settings
from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting

# Notebook 05 imports every checker of its lesson from here; the route check lives in a module of its own.
from lesson_app.teaching.checks.clip_route import check_clip_route as check_clip_route
from lesson_app.teaching.checks.guards import all_placeholders, first_wrong, not_a_response, same_keys
from lesson_app.teaching.checks.status_code_hints import NUDGE, WHY
from lesson_app.teaching.restart import make_needs

# The names this lesson's cells make, and the heading of the section whose code cell makes each: after a
# kernel restart, `needs(...)` in an exercise cell names that section instead of a bare NameError.
MADE_IN = {
    "db_url": "Start the real parts",
    "server": "Start the real parts",
    "client": "Start the real parts",
    "show": "Start the real parts",
    "VIDEO": "The life of one video: 201, 200, 409, 204, 404",
    "settings": "401 Unauthorized and 403 Forbidden",
    "bearer": "401 Unauthorized and 403 Forbidden",
}
needs = make_needs(MADE_IN)

# The situations of exercise 1 and the code the lesson API answers (and should answer) for each.
SCENARIOS = {
    'POST /videos with "views": "lots"': 422,
    "GET /videos?min_views=10&max_views=2": 400,
    "GET /admin/stats with no Authorization header": 401,
    "GET /admin/stats with the learner's token": 403,
    "POST /videos with a url another video already has": 409,
    "DELETE /videos/{id} of a video that exists": 204,
}


def _code(answer: Any) -> int | None:
    """A status code is an int (an `httpx.codes` member is one too); text, floats and booleans are not."""
    if isinstance(answer, int) and not isinstance(answer, bool):
        return int(answer)
    return None


def _judge_code(situation: str, expected: int, given: Any) -> Feedback | None:
    """Refuse a code that is not a number or not the one the API answers in `situation`."""
    code = _code(given)
    if code is None:
        return hint(f"for {situation!r}, write the code as a number, e.g. 404 (not {given!r}).")
    if code != expected:
        why = WHY[situation].get(code) or NUDGE[situation]
        return hint(f"{situation}: not {code}. {why[0].upper()}{why[1:]}")
    return None


def check_status_codes(answers: Any) -> Feedback:
    """Check the status code the learner picked for each situation in `SCENARIOS`."""
    if all_placeholders(answers):
        return waiting("the status code the API answers in each situation, e.g. `404`")
    if not same_keys(answers, SCENARIOS):
        return hint("keep the dictionary as it was given, with the same six situations, and fill in its values.")
    if (wrong := first_wrong(answers, SCENARIOS, _judge_code)) is not None:
        return wrong
    return correct(
        "six out of six. The code says what happened so a program can act on it: fix the input "
        "(400, 422), log in (401), give up (403), pick another url (409), or just carry on (204)."
    )


def check_forbidden(response: Any) -> Feedback:
    """Check that `response` is a 403 from GET /admin/stats: a known token without the admin role."""
    if not_attempted(response):
        return waiting("a request to /admin/stats that the server answers with 403")
    if (refused := not_a_response(response)) is not None:
        return refused
    path, code = response.request.url.path, response.status_code
    sent = response.request.headers.get("authorization")
    learner = get_settings().learner_token
    if path != "/admin/stats":
        return hint(f"that request went to {path!r} and got {code}; ask for '/admin/stats'.")
    if code == 403:
        return correct(
            "403 Forbidden: the token is valid, so the server knows who you are (the learner), and "
            "the route needs the admin role. No WWW-Authenticate this time: logging in again won't help."
        )
    if code == 401:
        return _unauthorized(sent, learner)
    if code == 200:
        return hint(
            "200: that token has the admin role, so you were let in. A 403 needs a token the server "
            f"knows without the admin role: the learner's, {learner!r}."
        )
    if code == 405:
        return hint(f"405: /admin/stats only takes GET; that was {response.request.method}.")
    if code == 503:
        return hint(
            "503: maintenance mode is on. Switch it off with the admin token "
            '(`client.put("/admin/maintenance", json={"enabled": False}, headers=...)`) and try again.'
        )
    return hint(f"the server answered {code}; GET /admin/stats with the learner's token gets 403.")


def _unauthorized(sent: str | None, learner: str) -> Feedback:
    """Explain a 401 from /admin/stats: no token, a token without `Bearer `, or a token the server does not know."""
    if sent is None:
        return hint(
            "401: you sent no token, so the server does not know who you are yet. Send the learner's: "
            f'headers={{"Authorization": "Bearer {learner}"}}.'
        )
    if not sent.startswith("Bearer "):
        return hint(
            f'401: the header was {sent!r}; the token must follow the word Bearer and a space: "Bearer {learner}".'
        )
    return hint(
        f"401: the server does not know the token {sent.removeprefix('Bearer ')!r} (see its "
        f"WWW-Authenticate header). A 403 needs a token it knows without the admin role: {learner!r}."
    )


# /videos has two routes; either one's validation can refuse a request before its function runs.
VIDEOS_ROUTES = {"GET": "list_videos", "POST": "create_video"}
# A value each route's validation refuses by itself, for the hints.
INVALID = {
    "list_videos": "text where a number goes (limit=abc), or a number out of range (limit=0, limit=1000)",
    "create_video": 'text where a number goes ("views": "lots" in the JSON body), or a required field left out',
}


def check_validation_error(response: Any) -> Feedback:
    """Check that `response` is a 422 from /videos: FastAPI's validation refused it before the function ran."""
    if not_attempted(response):
        return waiting('a request to /videos that FastAPI rejects with 422, e.g. `client.get("/videos", params={...})`')
    if (refused := not_a_response(response)) is not None:
        return refused
    path, code, method = response.request.url.path, response.status_code, response.request.method
    if path != "/videos":
        return hint(f"that request went to {path!r} and got {code}; this exercise is about '/videos'.")
    function = VIDEOS_ROUTES.get(method)
    if function is None:
        return hint(
            f"that was {method} /videos, which answered {code}; /videos has no {method} route. Send a GET "
            "(list_videos) or a POST (create_video) with one value that is wrong on its own."
        )
    if code == 422:
        return _judge_422(response, function)
    return _not_422(code, function)


def _not_422(code: int, function: str) -> Feedback:
    """Say what a code other than 422 from /videos means: the function ran, or the server was not serving."""
    if code == 400:
        return hint(
            f"400 came from inside {function}: every value passed validation on its own, and the function "
            f"refused the combination. For 422, make one value invalid by itself: {INVALID[function]}."
        )
    if code in (200, 201):
        return hint(f"{code}: every value was valid, so {function} ran. Break one: {INVALID[function]}.")
    if code == 409:
        return hint(
            "409: every field was valid, so create_video ran, and the table refused a second row with that url. "
            'For 422, make one field invalid by itself, e.g. "views": "lots".'
        )
    if code == 503:
        return hint("503: maintenance mode is on; switch it off with the admin token, then try again.")
    return hint(f"the server answered {code}; a value of the wrong type, e.g. GET /videos?limit=abc, gets 422.")


def _judge_422(response: Any, function: str) -> Feedback:
    """Tell FastAPI's validation error (a list of problems) from a 422 the function raised itself."""
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    if not isinstance(detail, list) or not detail:
        return hint(
            f"that 422 came from inside {function} ({detail!r}): the function ran and refused the value "
            f"itself. Make a value FastAPI's validation refuses before the function runs: {INVALID[function]}."
        )
    first = detail[0] if isinstance(detail[0], dict) else {}
    where = " → ".join(str(part) for part in first.get("loc", [])) or "the request"
    return correct(f"422, and {function} never ran: FastAPI refused {where}: {first.get('msg', detail)}.")
