"""Checkers for notebook 05b, safe, idempotent and cached: predict what repeats do to the table, fix an ETag
that never matches, and set a cookie with the right attributes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from lesson_app.teaching.checks import Feedback, correct, hint, waiting

# Notebook 05b imports every checker of its lesson from here; the two that serve an app live in modules of their own.
from lesson_app.teaching.checks.cookie_route import check_cookie_route as check_cookie_route
from lesson_app.teaching.checks.etag_check import check_etag as check_etag
from lesson_app.teaching.checks.guards import all_placeholders, same_keys, whole_number
from lesson_app.teaching.restart import make_needs

# The names this lesson's cells make, and the heading of the section whose code cell makes each.
MADE_IN = {
    "db_url": "Start the real parts",
    "server": "Start the real parts",
    "client": "Start the real parts",
    "rows": "Start the real parts",
    "etag_for": "ETag and If-None-Match: 304 Not Modified",
    "cached": "ETag and If-None-Match: 304 Not Modified",
}
needs = make_needs(MADE_IN)

# The checker's own videos live in a channel of their own, so that it counts and deletes only those.
CHANNEL = "05b repeats"
A = {"title": "Repeat me", "url": "https://videos.example/watch/05b-repeat-a", "channel": CHANNEL, "views": 0}
B = {**A, "url": "https://videos.example/watch/05b-repeat-b"}

# Exercise 1: each sequence starts from none of the checker's videos; the value is how many are left after it.
SEQUENCES = {
    "POST a video, then the very same POST again": 1,
    "POST a video, then POST it again with another title (the same url)": 1,
    "PUT a video to /videos/999999, an id nobody stored, twice": 0,
    "POST a video, then POST another with a different url": 2,
}
# Why each sequence leaves what it leaves, said after the statuses the API really answered.
WHY = {
    "POST a video, then the very same POST again": "the url column is unique, so the database refused the "
    "second row: POST is not idempotent, but this table's unique url made the repeat harmless",
    "POST a video, then POST it again with another title (the same url)": "only the url has to be unique, and "
    "it is the same, so the database refused the second row whatever the title says",
    "PUT a video to /videos/999999, an id nobody stored, twice": "RFC 9110 lets a PUT create what it names, but "
    "this API's PUT only replaces a video that exists, so both answered 404 and nothing was stored",
    "POST a video, then POST another with a different url": "two different urls are two new videos: each POST "
    "creates one",
}
MISSING = "/videos/999999"


def _count(client: httpx.Client) -> int:
    return int(client.get("/videos", params={"channel": CHANNEL}).raise_for_status().json()["total"])


def _clear(client: httpx.Client) -> None:
    for video in client.get("/videos", params={"channel": CHANNEL, "limit": 100}).json()["items"]:
        client.delete(f"/videos/{video['id']}")


def _run(client: httpx.Client, name: str) -> tuple[int, list[int]]:
    """Run one sequence on the lesson API; return how many of its videos are left and every status it got."""
    _clear(client)
    send: dict[str, Callable[[], list[httpx.Response]]] = {
        "POST a video, then the very same POST again": lambda: [client.post("/videos", json=A) for _ in range(2)],
        "POST a video, then POST it again with another title (the same url)": lambda: [
            client.post("/videos", json=A),
            client.post("/videos", json={**A, "title": "Another title"}),
        ],
        "PUT a video to /videos/999999, an id nobody stored, twice": lambda: [
            client.put(MISSING, json=A) for _ in range(2)
        ],
        "POST a video, then POST another with a different url": lambda: [
            client.post("/videos", json=A),
            client.post("/videos", json=B),
        ],
    }
    statuses = [response.status_code for response in send[name]()]
    left = _count(client)
    _clear(client)
    return left, statuses


def _number(given: Any) -> int | None:
    return whole_number(given)


def _unfit(prediction: dict[str, Any]) -> Feedback | None:
    """Refuse a prediction still `...` or not a number, before anything is sent."""
    for name, given in prediction.items():
        if given is ...:
            return hint(f"{name!r} is still `...`: predict every sequence first, then the checker runs them.")
        if _number(given) is None:
            return hint(f"for {name!r}, write the number of rows as a number, e.g. 1 (not {given!r}).")
    return None


def _renamed(prediction: Any) -> Feedback:
    """Name the sequences a prediction lost and the keys it added, so a renamed key is easy to put back."""
    if not isinstance(prediction, dict):
        return hint(f"`prediction` should stay the dictionary it was given, not a {type(prediction).__name__}.")
    said = []
    if missing := [repr(name) for name in SEQUENCES if name not in prediction]:
        said.append("missing: " + ", ".join(missing))
    if unknown := [repr(name) for name in prediction if name not in SEQUENCES]:
        said.append("not one of the four sequences: " + ", ".join(unknown))
    return hint(f"keep the four keys exactly as given ({'; '.join(said)}): change only the values.")


def _differences(prediction: dict[str, Any], seen: dict[str, tuple[int, list[int]]]) -> list[str]:
    """One sentence per sequence whose prediction differs from what the table kept."""
    said = []
    for name, (left, statuses) in seen.items():
        guess = _number(prediction[name])
        if guess != left:
            codes = ", ".join(str(code) for code in statuses)
            said.append(f"{name}: you predicted {guess}, the table kept {left} (the API answered {codes}): ")
            said[-1] += f"{WHY[name]}."
    return said


def check_repeats(prediction: Any, client: Any) -> Feedback:
    """Run each sequence in `SEQUENCES` on the lesson API and compare the rows left with the learner's prediction."""
    if all_placeholders(prediction):
        return waiting("your prediction for each sequence, a number of rows such as `1`")
    if not same_keys(prediction, SEQUENCES):
        return _renamed(prediction)
    if (unfit := _unfit(prediction)) is not None:
        return unfit
    if not isinstance(client, httpx.Client) or client.is_closed:
        return hint("pass the lesson's open `client` as the second argument: `check_repeats(prediction, client)`.")
    try:
        if client.get("/videos").status_code == 503:
            return hint("the lesson API answered 503: maintenance mode is on; switch it off, then run this cell again.")
        seen = {name: _run(client, name) for name in SEQUENCES}
    except (httpx.HTTPError, KeyError, ValueError) as exc:  # a stopped server, or one that is not the lesson API
        return hint(f"the lesson API did not answer as expected ({type(exc).__name__}: {exc}); run the cells above.")
    if wrong := _differences(prediction, seen):
        return hint(f"{len(SEQUENCES) - len(wrong)} of 4 as you predicted. Sent for real:\n- " + "\n- ".join(wrong))
    return correct(
        "four out of four, as the live API answered. A POST makes something new each time, unless a unique "
        "column (or an idempotency key) stops the repeat; a PUT leaves the same state however often it is sent, "
        "and here it never creates."
    )
