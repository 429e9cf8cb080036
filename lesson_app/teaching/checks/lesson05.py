"""Checkers for notebook 05, status codes: pick the code, get a 403, get a 422 (not a 400), and raise a 400 in a
route of the learner's own."""

from __future__ import annotations

from typing import Any

import httpx

from lesson_app.config.settings import get_settings
from lesson_app.teaching.checks import Feedback, correct, exception_text, get_and_error, hint, not_attempted, waiting

# The situations of exercise 1 and the code the lesson API answers (and should answer) for each.
SCENARIOS = {
    'POST /videos with "views": "lots"': 422,
    "GET /videos?min_views=10&max_views=2": 400,
    "GET /admin/stats with no Authorization header": 401,
    "GET /admin/stats with the learner's token": 403,
    "POST /videos with a url another video already has": 409,
    "DELETE /videos/{id} of a video that exists": 204,
}
# A first nudge for each situation: what to think about, not which code to write.
_NUDGE = {
    'POST /videos with "views": "lots"': "who notices the problem first: FastAPI, which checks every value against "
    "the types the function declares before calling it, or the function itself? This notebook showed the code "
    "FastAPI's validation answers with.",
    "GET /videos?min_views=10&max_views=2": "each value alone is a valid integer. Who can see that together they "
    "ask for something impossible: FastAPI's validation, or list_videos? And which code is the one a function "
    "raises itself?",
    "GET /admin/stats with no Authorization header": "with no token, does the server know who you are yet? One "
    'code of the table asks "who are you?", another says "I know who you are, and no".',
    "GET /admin/stats with the learner's token": "the learner's token is valid: the server knows exactly who you "
    'are. Which code means "known, and still not allowed"?',
    "POST /videos with a url another video already has": "every field is valid on its own; the problem is a row "
    "that is already stored. Which code of the table is about a clash with what the server already has?",
    "DELETE /videos/{id} of a video that exists": "the delete works, and this API sends nothing back after it. "
    "Which success code says exactly that?",
}
# For the usual wrong picks: why that code is not it, still without naming the one that is.
_WHY = {
    'POST /videos with "views": "lots"': {
        400: "400 is what the notes' table says for invalid input, but in FastAPI a value of the wrong type never "
        "reaches your code: FastAPI's validation refuses it first, with a code of its own. Which one did this "
        "notebook show for text where an integer goes?",
        500: "the text never reaches the database, so nothing crashes: FastAPI's validation refuses it before the "
        "function runs. Which code does validation answer with?",
    },
    "GET /videos?min_views=10&max_views=2": {
        422: "each value alone is a valid integer, so FastAPI's validation passes and list_videos runs. It is the "
        "function that sees the two contradict each other. Which code does a function raise for a request that "
        "makes no sense?",
        404: "the route exists, and a filter that finds nothing would still succeed with an empty list. The problem "
        "here is the request itself: two values that contradict each other.",
        200: "the function does not return an empty page here: it refuses a minimum above the maximum, because "
        "the request makes no sense.",
    },
    "GET /admin/stats with no Authorization header": {
        403: "403 means the server knows who you are and says no. With no token it does not know who you are yet. "
        "Which code asks you to identify yourself (and comes with a WWW-Authenticate header)?",
    },
    "GET /admin/stats with the learner's token": {
        401: '401 asks "who are you?", and sending the token again would not help: the learner\'s token is '
        "valid, so the server knows who you are. You are just not allowed in.",
    },
    "POST /videos with a url another video already has": {
        400: "the data is fine on its own; it clashes with a row that is already stored. Is there a code for a "
        "clash with the server's current state?",
        422: "every field passes validation; the clash is with a row that is already stored. Is there a code for "
        "a clash with the server's current state?",
        500: "the database refusing a second row with the same url is not a bug: the API turns that refusal into "
        "a 4xx that tells the client its request clashes with what is stored.",
        200: "nothing was created or returned: the url is already stored.",
        201: "nothing was created: the url is already stored.",
    },
    "DELETE /videos/{id} of a video that exists": {
        200: "200 is not wrong for a DELETE in general (the notes' table allows it), but this API sends no body "
        'back after a delete. Which success code says "done, and nothing to send"?',
        404: "the video exists, so the delete succeeds; 404 would be for an id that is not stored.",
    },
}


def _code(answer: Any) -> int | None:
    """A status code is an int (an `httpx.codes` member is one too); text, floats and booleans are not."""
    if isinstance(answer, int) and not isinstance(answer, bool):
        return int(answer)
    return None


def check_status_codes(answers: Any) -> Feedback:
    """Check the status code the learner picked for each situation in `SCENARIOS`."""
    if not_attempted(answers) or (isinstance(answers, dict) and all(not_attempted(v) for v in answers.values())):
        return waiting("the status code the API answers in each situation, e.g. `404`")
    if not isinstance(answers, dict) or set(answers) != set(SCENARIOS):
        return hint("keep the dictionary as it was given, with the same six situations, and fill in its values.")
    for right, (situation, expected) in enumerate(SCENARIOS.items()):
        given = answers[situation]
        if not_attempted(given):
            return hint(f"{right} right so far; {situation!r} is still `...`.")
        code = _code(given)
        if code is None:
            return hint(f"for {situation!r}, write the code as a number, e.g. 404 (not {given!r}).")
        if code != expected:
            why = _WHY[situation].get(code) or _NUDGE[situation]
            return hint(f"{situation}: not {code}. {why[0].upper()}{why[1:]}")
    return correct(
        "six out of six. The code says what happened so a program can act on it: fix the input "
        "(400, 422), log in (401), give up (403), pick another url (409), or just carry on (204)."
    )


def check_forbidden(response: Any) -> Feedback:
    """Check that `response` is a 403 from GET /admin/stats: a known token without the admin role."""
    if not_attempted(response):
        return waiting("a request to /admin/stats that the server answers with 403")
    if not isinstance(response, httpx.Response):
        return hint(
            f"expected the response object a request returns (`client.get(...)`), got a {type(response).__name__}."
        )
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
    if code == 401 and sent is None:
        return hint(
            "401: you sent no token, so the server does not know who you are yet. Send the learner's: "
            f'headers={{"Authorization": "Bearer {learner}"}}.'
        )
    if code == 401 and not sent.startswith("Bearer "):
        return hint(
            f'401: the header was {sent!r}; the token must follow the word Bearer and a space: "Bearer {learner}".'
        )
    if code == 401:
        return hint(
            f"401: the server does not know the token {sent.removeprefix('Bearer ')!r} (see its "
            f"WWW-Authenticate header). A 403 needs a token it knows without the admin role: {learner!r}."
        )
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


def check_validation_error(response: Any) -> Feedback:
    """Check that `response` is a 422 from /videos: FastAPI's validation refused it before the function ran."""
    if not_attempted(response):
        return waiting('a request to /videos that FastAPI rejects with 422, e.g. `client.get("/videos", params={...})`')
    if not isinstance(response, httpx.Response):
        return hint(
            f"expected the response object a request returns (`client.get(...)`), got a {type(response).__name__}."
        )
    path, code, method = response.request.url.path, response.status_code, response.request.method
    if path != "/videos":
        return hint(f"that request went to {path!r} and got {code}; this exercise is about '/videos'.")
    if method != "GET":
        function = {"POST": "create_video"}.get(method)
        reached = f"{method} /videos is {function}'s route" if function else f"/videos has no {method} route"
        return hint(
            f"that was {method} /videos, which answered {code}; {reached}. This exercise is about "
            "list_videos, the GET route: send a GET with a query parameter that is wrong on its own."
        )
    if code == 422:
        try:
            detail = response.json().get("detail")
        except ValueError:
            detail = None
        if not isinstance(detail, list) or not detail:
            return hint(
                f"that 422 came from inside list_videos ({detail!r}): the function ran and refused the "
                "value itself. Make a value FastAPI's validation refuses before the function runs: text "
                "where a number goes (limit=abc), or a number out of range (limit=0, limit=1000)."
            )
        first = detail[0] if isinstance(detail[0], dict) else {}
        where = " → ".join(str(part) for part in first.get("loc", [])) or "the request"
        return correct(f"422, and list_videos never ran: FastAPI refused {where}: {first.get('msg', detail)}.")
    if code == 400:
        return hint(
            "400 came from inside list_videos: every value passed validation on its own, and the function "
            "refused the combination. For 422, make one value invalid by itself: text where a number goes "
            "(limit=abc), or a number out of range (limit=0, limit=1000)."
        )
    if code in (200, 201):
        return hint(f'{code}: every value was valid, so the function ran. Break one, e.g. params={{"limit": "abc"}}.')
    if code == 503:
        return hint("503: maintenance mode is on; switch it off with the admin token, then try again.")
    return hint(f"the server answered {code}; a value of the wrong type, e.g. GET /videos?limit=abc, gets 422.")


# The routes FastAPI adds to every app by itself: the documentation pages.
_DOC_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
# A plain FastAPI app whose function raises answers 500 and then closes the connection; a fresh connection
# for each request keeps the next request from landing on the closed one.
_ONE_REQUEST_PER_CONNECTION = {"Connection": "close"}


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def check_clip_route(app: Any) -> Feedback:
    """Start the learner's `app` on a real port and check its GET /clips?start=..&end=.. route.

    start=10&end=25 must answer 200 {"seconds": 15}; start=30&end=5 a 400 raised by the function, with a
    sentence in `detail`; start=ten&end=5 a 422 from FastAPI's validation.
    """
    from starlette.applications import Starlette

    if not_attempted(app):
        return waiting("a FastAPI app, e.g. `my_app = FastAPI()`, with your route on it")
    if not isinstance(app, Starlette):
        return hint(
            f"expected the app itself (`my_app = FastAPI()`, with your route added by `@my_app.get(...)`), "
            f"got a {type(app).__name__}."
        )
    # Starlette's BaseRoute has no path (a Host route has none); Route, WebSocketRoute and Mount do.
    paths = (getattr(route, "path", None) for route in app.routes)
    routes = [path for path in paths if path is not None and path not in _DOC_PATHS]
    if not routes:
        return waiting('a route on `my_app`: a function with `@my_app.get("/clips")` above it')
    from lesson_app.runtime.server import start_server

    try:
        with (
            start_server(app, port=0, name="lesson05-check-clips") as server,
            httpx.Client(base_url=server.url, timeout=5, headers=_ONE_REQUEST_PER_CONNECTION) as http,
        ):
            fine, fine_error = get_and_error(server, http, "/clips", params={"start": 10, "end": 25})
            backwards, backwards_error = get_and_error(server, http, "/clips", params={"start": 30, "end": 5})
            text = http.get("/clips", params={"start": "ten", "end": 5})
    except Exception as exc:  # noqa: BLE001 - the learner's app may fail in any way; say how, never raise
        return hint(f"the app could not be started and asked: {type(exc).__name__}: {exc}")
    if fine.status_code == 500:
        return _crashed_on_a_clip(fine_error)
    if backwards.status_code == 500:
        return _crashed_on_a_backwards_clip(backwards_error)
    return _judge_clips(routes, fine, backwards, text)


# Exceptions that say the route's code has a mistake in it, rather than that it refused the request on purpose.
_MISTAKES = (NameError, AttributeError, TypeError, ImportError, KeyError, IndexError, ZeroDivisionError)


def _crashed_on_a_clip(error: BaseException | None) -> Feedback:
    """Explain a 500 for start=10&end=25 with the exception the function really raised."""
    if error is None:
        return hint(
            "GET /clips?start=10&end=25 answered 500: your function raised an error; call it yourself in a "
            "cell, e.g. `read_clip(10, 25)`, to see it."
        )
    raised = f"GET /clips?start=10&end=25 answered 500 because your function raised {exception_text(error)}"
    if isinstance(error, TypeError) and "'str'" in str(error):  # "25" - "10": the values arrived as text
        return hint(
            f'{raised}: without a type, start and end arrive as text, and "25" - "10" fails, so '
            "declare `start: int, end: int`."
        )
    return hint(f"{raised}; fix that line of your route, run its cell again, then run this check again.")


def _crashed_on_a_backwards_clip(error: BaseException | None) -> Feedback:
    """Explain a 500 for start=30&end=5: a missing import, another mistake, or an exception FastAPI does not know."""
    if error is None:
        return hint(
            "start=30&end=5 answered 500: your function raised an error; call it yourself in a cell, e.g. "
            "`read_clip(30, 5)`, to see it."
        )
    raised = f"start=30&end=5 answered 500 because your function raised {exception_text(error)}"
    if isinstance(error, NameError) and "HTTPException" in str(error):
        return hint(
            f"{raised}: the cell uses HTTPException without importing it, so add "
            "`from fastapi import HTTPException` at its top."
        )
    if isinstance(error, _MISTAKES):
        return hint(f"{raised}; fix that line of your route, run its cell again, then run this check again.")
    return hint(
        f"{raised}, an exception FastAPI does not know, so to the client it is a bug; raise "
        '`HTTPException(400, "...")` instead, which FastAPI turns into that status code and sends the '
        "sentence as `detail`."
    )


def _judge_clips(routes: list[str], fine: httpx.Response, backwards: httpx.Response, text: httpx.Response) -> Feedback:
    if fine.status_code == 404:
        return hint(f"GET /clips answered 404: no route has that path. Your routes: {routes}.")
    if fine.status_code == 405:
        return hint(
            f"GET /clips answered 405: the path is there, but not for GET (Allow: "
            f'{fine.headers.get("allow")}). Add the route with `@my_app.get("/clips")`.'
        )
    if fine.status_code == 422:
        return hint(
            f"GET /clips?start=10&end=25 answered 422 {_json(fine)!r}: FastAPI did not find the values it "
            "wanted. Query parameters are matched by name: call the function's parameters start and end."
        )
    if fine.status_code != 200 or _json(fine) != {"seconds": 15}:
        return hint(
            f"GET /clips?start=10&end=25 answered {fine.status_code} {_json(fine)!r}; it should answer "
            "200 {'seconds': 15}: return {\"seconds\": end - start}."
        )
    body = _json(backwards)
    if backwards.status_code == 200 and isinstance(body, dict) and body.get("status_code") == 400:
        return hint(
            "start=30&end=5 answered 200, with the exception as its body: the function *returned* the "
            "HTTPException. Raise it instead: `raise HTTPException(400, ...)`."
        )
    if backwards.status_code in (200, 201):
        return hint(
            f"start=30&end=5 answered {backwards.status_code} {body!r}: a clip that ends before it starts "
            "makes no sense, and the function should say so: `if start > end: raise HTTPException(400, "
            '"...")`.'
        )
    if backwards.status_code != 400:
        return hint(
            f"start=30&end=5 answered {backwards.status_code}: both values are valid integers, so it is "
            "your function that refuses the pair, and the code for a request that makes no sense is 400."
        )
    detail = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(detail, str) or detail == "Bad Request":
        return hint(
            "start=30&end=5 answered 400, but without a sentence: the client cannot tell what to fix. "
            'Give the reason as the second argument, e.g. `HTTPException(400, "start is after end")`.'
        )
    if text.status_code != 422:
        return hint(
            f"start=ten answered {text.status_code} {_json(text)!r}: declare `start: int`, and FastAPI's "
            "validation refuses text with 422 before your function runs."
        )
    return correct(
        f"start=10&end=25 → 200 {{'seconds': 15}}; start=30&end=5 → 400, raised by your function: "
        f"{detail!r}; start=ten → 422 from FastAPI, before your function ran."
    )
