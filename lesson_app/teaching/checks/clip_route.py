"""Notebook 05's last exercise: the learner's own GET /clips?start=..&end=.. route, served and judged."""

from __future__ import annotations

from typing import Any

import httpx

from lesson_app.teaching.checks import Feedback, correct, exception_text, get_and_error, hint, waiting
from lesson_app.teaching.checks.learner_app import DOC_PATHS, exchange, json_or_text, not_an_app, routes_of


def check_clip_route(app: Any) -> Feedback:
    """Start the learner's `app` on a real port and check its GET /clips?start=..&end=.. route.

    start=10&end=25 must answer 200 {"seconds": 15}; start=30&end=5 a 400 from the function (raised, or a
    response it returns), with a sentence; start=ten&end=5 a 422 from FastAPI's validation.
    """
    if (refused := not_an_app(app)) is not None:
        return refused
    # Starlette's BaseRoute has no path (a Host route has none); Route, WebSocketRoute and Mount do.
    paths = (getattr(route, "path", None) for route in routes_of(app))
    routes = [path for path in paths if path is not None and path not in DOC_PATHS]
    if not routes:
        return waiting('a route on `my_app`: a function with `@my_app.get("/clips")` above it')

    def requests(server: Any, http: httpx.Client) -> Any:
        fine = get_and_error(server, http, "/clips", params={"start": 10, "end": 25})
        backwards = get_and_error(server, http, "/clips", params={"start": 30, "end": 5})
        text = http.get("/clips", params={"start": "ten", "end": 5})
        return fine, backwards, text, http.get("/clips", params={"start": 0, "end": 60})

    answered = exchange(app, "lesson05-check-clips", requests)
    if isinstance(answered, Feedback):
        return answered
    (fine, fine_error), (backwards, backwards_error), text, other = answered
    if fine.status_code == 500:
        return _crashed_on_a_clip(fine_error)
    if backwards.status_code == 500:
        return _crashed_on_a_backwards_clip(backwards_error)
    return _judge_clips(routes, fine, backwards, text, other)


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
        f"{raised}, an exception FastAPI does not know: it turns such an exception into 500, a bug as far as "
        "the client can tell. FastAPI sends the status code you choose only for the exception class it gives "
        "you for that; look at what the cell imports from fastapi."
    )


def _judge_clips(
    routes: list[str], fine: httpx.Response, backwards: httpx.Response, text: httpx.Response, other: httpx.Response
) -> Feedback:
    """Judge start=10&end=25 (200 {"seconds": 15}) and start=0&end=60, then hand the other two answers on."""
    if fine.status_code == 404:
        return hint(f"GET /clips answered 404: no route has that path. Your routes: {routes}.")
    if fine.status_code == 405:
        return hint(
            f"GET /clips answered 405: the path is there, but not for GET (Allow: "
            f'{fine.headers.get("allow")}). Add the route with `@my_app.get("/clips")`.'
        )
    if fine.status_code == 422:
        return hint(
            f"GET /clips?start=10&end=25 answered 422 {json_or_text(fine)!r}: FastAPI did not find the values it "
            "wanted. Query parameters are matched by name: call the function's parameters start and end."
        )
    if fine.status_code != 200 or json_or_text(fine) != {"seconds": 15}:
        return hint(
            f"GET /clips?start=10&end=25 answered {fine.status_code} {json_or_text(fine)!r}; it should answer "
            "200 {'seconds': 15}: return {\"seconds\": end - start}."
        )
    if json_or_text(other) != {"seconds": 60}:  # a function that returns a fixed {"seconds": 15} gets this far
        return hint(
            f"start=10&end=25 answered {{'seconds': 15}}, but start=0&end=60 answered {json_or_text(other)!r}: "
            "compute the answer from start and end (end - start), not a fixed number."
        )
    return _judge_backwards(backwards, text)


def _judge_backwards(backwards: httpx.Response, text: httpx.Response) -> Feedback:
    """Judge start=30&end=5 (a 400 with a sentence, from the function) and start=ten (a 422)."""
    body = json_or_text(backwards)
    if backwards.status_code == 200 and isinstance(body, dict) and body.get("status_code") == 400:
        return hint(
            "start=30&end=5 answered 200, with the exception as its body: FastAPI got the HTTPException as an "
            "ordinary value to send back, so it never became a 400. Look at how the function hands it over."
        )
    if backwards.status_code in (200, 201) and isinstance(body, list) and body[-1:] == [400]:
        return hint(
            f"start=30&end=5 answered {backwards.status_code} {body!r}: a tuple is not a status in FastAPI, so it "
            "sent the whole tuple as the JSON body, 400 included. Look under “400 Bad Request and 422 "
            "Unprocessable Content” at how the lesson API's function refuses a request with 400."
        )
    if backwards.status_code in (200, 201):
        return hint(
            f"start=30&end=5 answered {backwards.status_code} {body!r}: a clip that ends before it starts "
            "makes no sense, and the function should refuse it with 400; look under “400 Bad Request and 422 "
            "Unprocessable Content” at how the lesson API's function does that."
        )
    if backwards.status_code != 400:
        return hint(
            f"start=30&end=5 answered {backwards.status_code}: both values are valid integers, so it is "
            "your function that refuses the pair, and the code for a request that makes no sense is 400."
        )
    detail = _sentence(body)
    if detail is None:
        return hint(
            "start=30&end=5 answered 400, but without a sentence: the client cannot tell what to fix. "
            "HTTPException takes that sentence as its second argument, `detail`."
        )
    if text.status_code != 422:
        return hint(
            f"start=ten answered {text.status_code} {json_or_text(text)!r}: declare `start: int`, and FastAPI's "
            "validation refuses text with 422 before your function runs."
        )
    return correct(
        f"start=10&end=25 → 200 {{'seconds': 15}}; start=30&end=5 → 400 from your function, with the sentence "
        f"{detail!r}; start=ten → 422 from FastAPI, before your function ran."
    )


def _sentence(body: Any) -> str | None:
    """The sentence a 400 carries: HTTPException's `detail`, or the text of a response the function built."""
    if isinstance(body, dict):  # {"detail": ...} from HTTPException; a JSONResponse may name it otherwise
        texts = [body["detail"]] if "detail" in body else list(body.values())
        body = next((text for text in texts if isinstance(text, str)), None)
    if not isinstance(body, str) or body.strip() in ("", "Bad Request"):  # HTTPException(400)'s own phrase
        return None
    return body
