"""Notebook 10's predict-then-run exercise: four requests the lesson did not send, their status codes predicted first.

The checker sends each request for real to the lesson API and compares the status code it got with the
prediction; a wrong one gets the reason for the real code, and a word on the usual mix-up behind that guess.
"""

from __future__ import annotations

from typing import Any

import httpx

from lesson_app.teaching.checks import Feedback, correct, exception_text, hint
from lesson_app.teaching.checks.guards import all_placeholders, same_keys

PUT_MISSING = "PUT /videos/999 with a whole, valid video"
PATCH_TAKEN_URL = "PATCH /videos/2 with video 1's url"
PAGE_PAST_END = "GET /videos?offset=50"
DELETE_ALL = "DELETE /videos"

PREDICTIONS: dict[str, Any] = {PUT_MISSING: ..., PATCH_TAKEN_URL: ..., PAGE_PAST_END: ..., DELETE_ALL: ...}

WHY = {
    PUT_MISSING: "PUT replaces a video that exists: the route looks id 999 up first and finds nothing. (RFC 9110 lets "
    "a PUT create; this API creates only with POST /videos.)",
    PATCH_TAKEN_URL: "The url column is UNIQUE, so PostgreSQL refuses the UPDATE, and the route answers 409 Conflict "
    "as it did for a POST of a stored url.",
    PAGE_PAST_END: "A page past the end is an empty page, not a missing resource: 200 with `items` [] and the "
    "`total`; `offset` has no maximum, only `ge=0`.",
    DELETE_ALL: "The path /videos exists (GET and POST use it) but no route deletes the whole collection: 405 Method "
    "Not Allowed, with an `Allow` header (lesson 04).",
}

MIX_UPS: dict[tuple[str, int | None], str] = {
    (PUT_MISSING, 201): "201 would mean the PUT created the video.",
    (PUT_MISSING, 422): "The body is whole and valid, so validation passes before the id is looked up.",
    (PATCH_TAKEN_URL, 200): "The body is valid, but the database has the last word on a duplicate.",
    (PATCH_TAKEN_URL, 422): "422 is for a body the schema refuses; this url is a valid url, only taken.",
    (PAGE_PAST_END, 404): "404 is for a resource that does not exist; the list exists, this page of it is empty.",
    (DELETE_ALL, 404): "404 would mean no route has this path at all.",
}


def _as_status(given: Any) -> int | None:
    """A predicted status code as a number: 404, 404.0, "404" and "404 Not Found" alike; None for anything else."""
    if isinstance(given, bool):
        return None
    if isinstance(given, float) and given.is_integer():
        return int(given)
    if isinstance(given, str) and given.strip()[:3].isdigit():
        return int(given.strip()[:3])
    return given if isinstance(given, int) else None


def _send(client: httpx.Client, name: str) -> httpx.Response:
    if name == PUT_MISSING:
        whole = {"title": "Replaced", "url": "https://videos.example/watch/replaced", "channel": "Request Journey"}
        return client.put("/videos/999", json=whole)
    if name == PATCH_TAKEN_URL:
        return client.patch("/videos/2", json={"url": client.get("/videos/1").json()["url"]})
    if name == PAGE_PAST_END:
        return client.get("/videos", params={"offset": 50})
    return client.delete("/videos")


def check_status_prediction(prediction: Any, client: Any) -> Feedback:
    """Send each request of PREDICTIONS to the lesson API and compare its status code with the prediction."""
    if all_placeholders(prediction):
        return _waiting()
    if not same_keys(prediction, PREDICTIONS):
        return hint("keep the dictionary as given, with its four requests, and put a status code after each.")
    for name in PREDICTIONS:
        given = _as_status(prediction[name])
        if given is None:
            shown = "`...`" if prediction[name] is ... else repr(prediction[name])
            return hint(f"{name!r}: write a status code, such as 200, not {shown}.")
    results = {}
    for name in PREDICTIONS:
        try:
            results[name] = _send(client, name).status_code
        except Exception as exc:  # noqa: BLE001 - a checker never raises: the cause becomes the message
            return hint(f"the checker could not send {name} ({exception_text(exc)}); run the lesson's first cells.")
    # Every wrong prediction gets its line: fixing one and running again to meet the next teaches less.
    wrong = []
    for name, real in results.items():
        given = _as_status(prediction[name])
        if given != real:
            mix_up = MIX_UPS.get((name, given), "")
            wrong.append(f"- {name}: you predicted {given}, the API answered {real}. {WHY[name]} {mix_up}".strip())
    if wrong:
        right = len(results) - len(wrong)
        return hint(f"{right} of the four as you predicted; the others, sent for real:\n" + "\n".join(wrong))
    codes = ", ".join(str(code) for code in results.values())
    return correct(f"all four as you predicted, sent for real: {codes}.")


def _waiting() -> Feedback:
    return Feedback(None, "replace each `...` with the status code you expect, then run the cell again.")
