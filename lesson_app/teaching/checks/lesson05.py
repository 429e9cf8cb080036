"""Checkers for notebook 05, status codes: predict the code and send the requests for real, get a 422 (not a
400), and fix a route that should answer 400."""

from __future__ import annotations

from typing import Any

import httpx

from lesson_app.config.settings import get_settings
from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting

# Notebook 05 imports every checker of its lesson from here; the route check lives in a module of its own.
from lesson_app.teaching.checks.clip_route import check_clip_route as check_clip_route
from lesson_app.teaching.checks.guards import all_placeholders, not_a_response, same_keys, whole_number
from lesson_app.teaching.checks.status_code_hints import REASON, WHY_NOT
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

# The video exercise 1 stores, sends again (409) and deletes; a channel of its own keeps it apart from the lesson's.
CHECKED = {"title": "Exercise 1", "url": "https://videos.example/watch/05-exercise-1", "channel": "05 exercise 1"}
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
    return whole_number(answer)


def _send_each(client: httpx.Client) -> dict[str, int]:
    """Send every situation of `SCENARIOS` to the lesson API for real; return the code each one got."""
    learner = {"Authorization": f"Bearer {get_settings().learner_token}"}
    for old in client.get("/videos", params={"channel": CHECKED["channel"]}).json()["items"]:
        client.delete(f"/videos/{old['id']}")  # a video an interrupted earlier check left behind
    stored = client.post("/videos", json=CHECKED)
    live = {
        'POST /videos with "views": "lots"': client.post("/videos", json={**CHECKED, "views": "lots"}),
        "GET /videos?min_views=10&max_views=2": client.get("/videos", params={"min_views": 10, "max_views": 2}),
        "GET /admin/stats with no Authorization header": client.get("/admin/stats"),
        "GET /admin/stats with the learner's token": client.get("/admin/stats", headers=learner),
        "POST /videos with a url another video already has": client.post("/videos", json=CHECKED),
        "DELETE /videos/{id} of a video that exists": client.delete(stored.headers.get("location", "/videos/0")),
    }
    return {situation: response.status_code for situation, response in live.items()}


def _differences(answers: dict[str, Any], live: dict[str, int]) -> list[str]:
    """One sentence per situation whose prediction differs from what the API answered."""
    said = []
    for situation, actual in live.items():
        code = _code(answers[situation])
        if code != actual:
            why_not = WHY_NOT[situation].get(code, "") if code is not None else ""
            why_not = why_not[:1].upper() + why_not[1:]  # a sentence of its own
            said.append(f"{situation}: you predicted {code}, the API answered {actual}: {REASON[situation]}. {why_not}")
    return said


def check_status_codes(answers: Any, client: Any) -> Feedback:
    """Send each situation in `SCENARIOS` to the lesson API for real and compare the learner's predicted codes."""
    if all_placeholders(answers):
        return waiting("the status code you predict for each situation, e.g. `404`")
    if not same_keys(answers, SCENARIOS):
        return hint("keep the dictionary as it was given, with the same six situations, and fill in its values.")
    for situation in SCENARIOS:
        if (early := _not_a_code(situation, answers[situation])) is not None:
            return early
    if not isinstance(client, httpx.Client) or client.is_closed:
        return hint("pass the lesson's open `client` too: `check_status_codes(my_codes, client)`.")
    try:
        if client.get("/videos").status_code == 503:
            return hint("the lesson API answered 503: maintenance mode is on; switch it off, then run this cell again.")
        live = _send_each(client)
    except (httpx.HTTPError, KeyError, ValueError) as exc:  # a stopped server, or one that is not the lesson API
        return hint(f"the lesson API did not answer as expected ({type(exc).__name__}: {exc}); run the cells above.")
    if wrong := _differences(answers, live):
        right = len(live) - len(wrong)
        return hint(f"{right} of 6 as you predicted. Sent for real:\n- " + "\n- ".join(s.strip() for s in wrong))
    return correct(
        "six out of six, sent for real. The code says what happened so a program can act on it: fix the input "
        "(400, 422), log in (401), give up (403), pick another url (409), or just carry on (204)."
    )


def _not_a_code(situation: str, given: Any) -> Feedback | None:
    """Refuse a prediction still `...` or not a number, before anything is sent."""
    if given is ...:
        return hint(f"{situation!r} is still `...`: predict every code first, then the checker sends the requests.")
    if _code(given) is None:
        return hint(f"for {situation!r}, write the code as a number, e.g. 404 (not {given!r}).")
    return None


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
