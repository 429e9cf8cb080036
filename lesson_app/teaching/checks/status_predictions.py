"""Notebook 04's predict-then-run exercise: the status code of four requests, predicted, then sent for real."""

from __future__ import annotations

from typing import Any

from lesson_app.teaching.checks import Feedback, correct, exception_text, hint, waiting
from lesson_app.teaching.checks.guards import all_placeholders, same_keys, whole_number

# The four requests, each chosen for the rule it tests, and why the lesson API answers as it does. The checker
# sends them for real and compares with what comes back; the reasons explain the codes the lesson API gives.
REQUESTS = ("GET /videos/latest", "PUT /videos", "GET /Videos", "HEAD /echo")
WHY = {
    ("GET /videos/latest", 422): "no route is /videos/latest, but /videos/{video_id} matches any one segment, "
    "'latest' included; only then does FastAPI try to make 'latest' an int, and fails",
    ("PUT /videos", 405): "the path /videos exists (for GET and POST), only not for PUT: routing answers 405 and "
    "the Allow header lists GET, POST",
    ("GET /Videos", 404): "paths are matched letter for letter and /Videos, with a capital V, matches no route",
    ("HEAD /echo", 405): "FastAPI's @router.get answers GET only; HEAD must be asked for, as /ping did in the demo "
    "app, so the path exists but not for HEAD",
}
# A wrong guess that shows one particular misunderstanding, and the sentence that names it.
MISTAKES = {
    ("GET /videos/latest", 404): "a 404 would need no route to match, but /videos/{video_id} matches",
    ("GET /videos/latest", 200): "the lesson API has no route for /videos/latest; the route with a parameter "
    "catches it",
    ("PUT /videos", 404): "404 is for a path no route has; /videos has routes, just none for PUT",
    ("GET /Videos", 200): "paths are case-sensitive: /Videos is not /videos",
    ("GET /Videos", 405): "405 needs a route with that path; /Videos, with a capital V, has none",
    ("HEAD /echo", 200): "HEAD is GET without the body, but FastAPI answers it only where a route asks for it",
}


def _as_code(value: Any) -> int | None:
    """A prediction as a status code: 404, "404", "404 Not Found" or HTTPStatus.NOT_FOUND; None otherwise."""
    if (number := whole_number(value)) is not None:
        return number if 100 <= number <= 599 else None
    if isinstance(value, str) and value.strip()[:3].isascii() and value.strip()[:3].isdigit():
        return _as_code(int(value.strip()[:3]))
    return None


def _send(client: Any, request: str) -> tuple[int, str]:
    """Send one request for real; return its status code and the reason phrase the server sent."""
    method, path = request.split(" ")
    response = client.request(method, path, follow_redirects=False)
    return int(response.status_code), str(response.reason_phrase)


def _refuse(prediction: Any) -> Feedback | None:
    """The feedback for a prediction that cannot be judged yet: a `...`, a missing key, a value that is no code."""
    if all_placeholders(prediction):
        return waiting("a status code for each request, e.g. `200`")
    if not same_keys(prediction, dict.fromkeys(REQUESTS)):
        return hint(f"keep the dictionary's four keys, {list(REQUESTS)}, and put a status code after each.")
    for request in REQUESTS:
        if prediction[request] is Ellipsis:
            return hint(f"predict {request!r} too: replace its `...` with a status code such as 404.")
        if _as_code(prediction[request]) is None:
            return hint(
                f"write the prediction for {request!r} as a status code, such as 404; got {prediction[request]!r}."
            )
    return None


def check_status_predictions(prediction: Any, client: Any) -> Feedback:
    """Send the four requests with `client` and compare each status code with the learner's prediction."""
    if (refused := _refuse(prediction)) is not None:
        return refused
    try:
        actual = {request: _send(client, request) for request in REQUESTS}
    except Exception as exc:  # a closed client, a stopped server: say so instead of judging
        return hint(
            f"the requests could not be sent ({exception_text(exc)}); run the first code cell again, then this one."
        )
    wrong = [request for request in REQUESTS if _as_code(prediction[request]) != actual[request][0]]
    if not wrong:
        said = (
            f"{request} → {code} {phrase}: {WHY.get((request, code), '')}" for request, (code, phrase) in actual.items()
        )
        return correct("; ".join(said) + ".")
    first = wrong[0]
    guessed, (code, phrase) = _as_code(prediction[first]), actual[first]
    why = MISTAKES.get((first, guessed)) or WHY.get((first, code)) or "run it and read the answer's detail"  # type: ignore[arg-type]
    return hint(
        f"{len(REQUESTS) - len(wrong)} of {len(REQUESTS)} right. {first}: you predicted {guessed}, the server "
        f"answered {code} {phrase}: {why}."
    )
