"""Checkers for notebook 05, status codes: pick the code, get a 403, and get a 422 (not a 400)."""

from __future__ import annotations

from typing import Any

import httpx

from lesson_app.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.settings import get_settings

# The situations of exercise 1 and the code the lesson API answers (and should answer) for each.
SCENARIOS = {
    'POST /videos with "views": "lots"': 422,
    "GET /videos?min_views=10&max_views=2": 400,
    "GET /admin/stats with no Authorization header": 401,
    "GET /admin/stats with the learner's token": 403,
    "POST /videos with a url another video already has": 409,
    "DELETE /videos/{id} of a video that exists": 204,
}
_WHY = {
    'POST /videos with "views": "lots"': {
        400: "FastAPI checks every field against the function's types before calling it, and answers 422 "
        "(not 400) when one has the wrong type, here text where an integer goes.",
        500: "the text never reaches the database: FastAPI's validation rejects it first, with 422.",
    },
    "GET /videos?min_views=10&max_views=2": {
        422: "each value alone is a valid integer, so FastAPI's validation passes and list_videos runs; it is "
        "the function that sees that the two together ask for something impossible, and it answers 400.",
        404: "the route exists; an empty result would still be 200 with an empty list. Here the two values "
        "contradict each other.",
        200: "the function refuses a minimum above the maximum instead of returning an empty page.",
    },
    "GET /admin/stats with no Authorization header": {
        403: "with no token the server does not know who you are yet: that is 401 (the name says "
        "Unauthorized, the meaning is unauthenticated), with WWW-Authenticate saying how to log in.",
    },
    "GET /admin/stats with the learner's token": {
        401: "the learner's token is valid, so the server knows who you are; you are just not allowed in. "
        "Known but not allowed is 403; sending the token again will not help.",
    },
    "POST /videos with a url another video already has": {
        400: "the data is fine on its own; it clashes with a row already stored. That is 409 Conflict.",
        422: "every field passes validation; the clash is with a row already stored. That is 409 Conflict.",
        500: "the database's unique constraint refuses the row, and the API turns that into 409 Conflict: "
        "the client's request clashes with what is stored, which is not a bug.",
        200: "nothing was created or returned: the url clashes with a stored video, 409 Conflict.",
        201: "nothing was created: the url clashes with a stored video, 409 Conflict.",
    },
    "DELETE /videos/{id} of a video that exists": {
        200: "200 is not wrong for a DELETE in general (the notes' table allows it), but this API sends no "
        "body back after a delete, and success without a body is 204 No Content.",
        404: "the video exists, so the delete succeeds; 404 would be for an id that is not stored.",
    },
}


def _code(answer: Any) -> int | None:
    if isinstance(answer, bool):
        return None
    if isinstance(answer, int):
        return int(answer)
    if isinstance(answer, str) and answer.strip()[:3].isdigit():
        return int(answer.strip()[:3])
    return None


def check_status_codes(answers: Any) -> Feedback:
    """Check the status code the learner picked for each situation in `SCENARIOS`."""
    if not_attempted(answers) or (isinstance(answers, dict) and all(not_attempted(v) for v in answers.values())):
        return waiting("the status code the API should answer in each situation, e.g. `404`")
    if not isinstance(answers, dict) or set(answers) != set(SCENARIOS):
        return hint("keep the dictionary as it was given, with the same six situations, and fill in its values.")
    for right, (situation, expected) in enumerate(SCENARIOS.items()):
        given = answers[situation]
        if not_attempted(given):
            return hint(f"{right} right so far; {situation!r} is still `...`.")
        code = _code(given)
        if code is None:
            return hint(f"for {situation!r}, write the code as a number, e.g. 404.")
        if code != expected:
            why = _WHY[situation].get(code)
            if why:
                return hint(f"{situation}: not {code}. {why[0].upper()}{why[1:]}")
            return hint(f"{situation}: not {code}. Find the section of this notebook that sends this request; "
                        "its output shows the code.")
    return correct("six out of six. The code says what happened so a program can act on it: fix the input "
                   "(400, 422), log in (401), give up (403), pick another url (409), or just carry on (204).")


def check_forbidden(response: Any) -> Feedback:
    """Check that `response` is a 403 from GET /admin/stats: a known token without the admin role."""
    if not_attempted(response):
        return waiting("a request to /admin/stats that the server answers with 403")
    if not isinstance(response, httpx.Response):
        return hint(f"expected the response object a request returns (`client.get(...)`), got a "
                    f"{type(response).__name__}.")
    path, code = response.request.url.path, response.status_code
    sent = response.request.headers.get("authorization")
    learner = get_settings().learner_token
    if path != "/admin/stats":
        return hint(f"that request went to {path!r} and got {code}; ask for '/admin/stats'.")
    if code == 403:
        return correct("403 Forbidden: the token is valid, so the server knows who you are (the learner), and "
                       "the route needs the admin role. No WWW-Authenticate this time: logging in again won't help.")
    if code == 401 and sent is None:
        return hint("401: you sent no token, so the server does not know who you are yet. Send the learner's: "
                    f"headers={{\"Authorization\": \"Bearer {learner}\"}}.")
    if code == 401 and not sent.startswith("Bearer "):
        return hint(f"401: the header was {sent!r}; the token must follow the word Bearer and a space: "
                    f"\"Bearer {learner}\".")
    if code == 401:
        return hint(f"401: the server does not know the token {sent.removeprefix('Bearer ')!r} (see its "
                    f"WWW-Authenticate header). A 403 needs a token it knows without the admin role: {learner!r}.")
    if code == 200:
        return hint("200: that token has the admin role, so you were let in. A 403 needs a token the server "
                    f"knows without the admin role: the learner's, {learner!r}.")
    if code == 405:
        return hint(f"405: /admin/stats only takes GET; that was {response.request.method}.")
    if code == 503:
        return hint("503: maintenance mode is on. Switch it off with the admin token "
                    "(`client.put(\"/admin/maintenance\", json={\"enabled\": False}, headers=...)`) and try again.")
    return hint(f"the server answered {code}; GET /admin/stats with the learner's token gets 403.")


def check_validation_error(response: Any) -> Feedback:
    """Check that `response` is a 422 from /videos: FastAPI's validation refused it before the function ran."""
    if not_attempted(response):
        return waiting("a request to /videos that FastAPI rejects with 422, e.g. "
                       "`client.get(\"/videos\", params={...})`")
    if not isinstance(response, httpx.Response):
        return hint(f"expected the response object a request returns (`client.get(...)`), got a "
                    f"{type(response).__name__}.")
    path, code = response.request.url.path, response.status_code
    if path != "/videos":
        return hint(f"that request went to {path!r} and got {code}; this exercise is about '/videos'.")
    if code == 422:
        detail = response.json().get("detail")
        first = detail[0] if isinstance(detail, list) and detail else {}
        where = " → ".join(str(part) for part in first.get("loc", [])) or "the request"
        return correct(f"422, and list_videos never ran: FastAPI refused {where}: {first.get('msg', detail)}.")
    if code == 400:
        return hint("400 came from inside list_videos: every value passed validation on its own, and the function "
                    "refused the combination. For 422, make one value invalid by itself: text where a number goes "
                    "(limit=abc), or a number out of range (limit=0, limit=1000).")
    if code in (200, 201):
        return hint(f"{code}: every value was valid, so the function ran. Break one, e.g. "
                    "params={\"limit\": \"abc\"}.")
    if code == 409:
        return hint("409: the body was valid and clashed with a stored video. For 422, send a value of the "
                    "wrong type, e.g. a GET with params={\"limit\": \"abc\"}.")
    if code == 503:
        return hint("503: maintenance mode is on; switch it off with the admin token, then try again.")
    return hint(f"the server answered {code}; a value of the wrong type, e.g. GET /videos?limit=abc, gets 422.")
