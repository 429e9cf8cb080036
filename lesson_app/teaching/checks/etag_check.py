"""Notebook 05b's debug-this exercise: an ETag function that never matches, fixed by the learner and served for real."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response

from lesson_app.teaching.checks import Feedback, correct, exception_text, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import a_type
from lesson_app.teaching.checks.learner_app import exchange

# Two bodies of the same length that differ in one byte: a tag made from the length alone cannot tell them apart.
FIRST, SECOND = b'{"id":1,"views":1}', b'{"id":1,"views":2}'
# RFC 9110, section 8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE
ENTITY_TAG = re.compile(r'(W/)?"[\x21\x23-\x7e\x80-\xff]*"')


def matches(if_none_match: str, tag: str) -> bool:
    """Compare as RFC 9110's If-None-Match does: weakly (W/ ignored), against each tag in the list, or `*`."""
    listed = [part.strip().removeprefix("W/") for part in if_none_match.split(",")]
    return "*" in listed or tag.removeprefix("W/") in listed


def serve_with(etag: Callable[[bytes], str]) -> FastAPI:
    """A small app whose GET /note answers 304 when If-None-Match holds the tag `etag` gives its body."""
    app = FastAPI()
    app.state.body = FIRST

    @app.get("/note")
    def read_note(request: Request) -> Response:
        tag = etag(app.state.body)
        if matches(request.headers.get("if-none-match", ""), tag):
            return Response(status_code=304, headers={"ETag": tag})
        return Response(app.state.body, media_type="application/json", headers={"ETag": tag})

    return app


def _called(etag: Callable[[bytes], str]) -> tuple[Any, Any, Any] | Feedback:
    """Call the learner's function on the same body twice (a moment apart) and on a changed one."""
    try:
        first = etag(FIRST)
        time.sleep(0.05)  # long enough for any clock to move on between the two calls
        return first, etag(FIRST), etag(SECOND)
    except Exception as exc:  # noqa: BLE001 - the learner's code may raise anything; show it, never raise
        return hint(f"calling `my_etag(body)` raised {exception_text(exc)}; fix that line, then run the cell again.")


def _judge_tags(first: Any, again: Any, changed: Any) -> Feedback | None:
    """Refuse a tag that is not text, not quoted, not stable for one body, or the same for two bodies."""
    if not isinstance(first, str):
        return hint(f"`my_etag` returned {a_type(first)}; an ETag is text, e.g. '\"' + digest + '\"'.")
    if first != again:
        return hint(
            "the same body got two different ETags a moment apart, so a client's If-None-Match can never match: "
            "the tag depends on something besides the body. Compute it from `body` alone."
        )
    if first == changed:
        return hint(
            f"two different bodies got the same ETag ({first}), so a client would keep its old copy after a "
            "change: compute the tag from all of the body, every byte, not from a part of it or its length."
        )
    if not ENTITY_TAG.fullmatch(first):
        return hint(f"the tag {first!r} has no double quotes around it; an ETag is quoted: '\"' + digest + '\"'.")
    if _from_builtin_hash(first, FIRST):
        return hint(
            "the tag comes from Python's `hash(body)`, which is salted afresh in each process (PYTHONHASHSEED): "
            "after a restart, or on a second server worker, the same body gets another tag and a client's "
            "If-None-Match stops matching. Use a hash that is the same everywhere, from `hashlib`."
        )
    return None


def _from_builtin_hash(tag: str, body: bytes) -> bool:
    """Say whether `tag` holds this process's `hash(body)` in any usual spelling (decimal, hex, without the sign)."""
    salted = hash(body)
    spellings = {str(salted), str(abs(salted)), f"{salted:x}", f"{abs(salted):x}", f"{salted & (2**64 - 1):x}"}
    return any(spelling in tag for spelling in spellings)


def check_etag(etag: Any) -> Feedback:
    """Judge the learner's `my_etag(body)`, then serve it and check 304 for the same body and 200 after a change."""
    if not_attempted(etag):
        return waiting("your fixed `my_etag` function (keep its name and its `body` parameter)")
    if not callable(etag):
        return hint(f"expected the function itself, `my_etag` (no brackets), got {a_type(etag)}.")
    called = _called(etag)
    if isinstance(called, Feedback):
        return called
    if (refused := _judge_tags(*called)) is not None:
        return refused
    app = serve_with(etag)

    def requests(_: Any, http: httpx.Client) -> list[httpx.Response]:
        first = http.get("/note")
        again = http.get("/note", headers={"If-None-Match": first.headers["etag"]})
        app.state.body = SECOND
        return [first, again, http.get("/note", headers={"If-None-Match": first.headers["etag"]})]

    answered = exchange(app, "lesson05b-check-etag", requests)
    if isinstance(answered, Feedback):
        return answered
    codes = [response.status_code for response in answered]
    if codes != [200, 304, 200]:
        return hint(f"served for real, the three GETs answered {codes}, not [200, 304, 200]; check the tag again.")
    return correct(
        "served for real: 200 with the tag, 304 with no body when If-None-Match sent it back, and 200 with a "
        "new tag once the body changed. A tag made from the content changes exactly when the content does."
    )
