"""Notebook 01's debug-this exercise: a hand-written POST whose Content-Length must count bytes, sent for real."""

from __future__ import annotations

import json
import re
import socket
from typing import Any

from lesson_app.teaching.checks import Feedback, correct, exception_text, hint, not_attempted, waiting

TEXT = "Un café, s'il vous plaît"  # the body the exercise sends: 24 characters, 26 bytes in UTF-8
# A server still waiting for body bytes after this long waits until the client gives up; an answer to a
# request on loopback takes a few milliseconds.
WAIT = 1.5


def _read_answer(connection: socket.socket) -> bytes:
    """Read until the answer's Content-Length is complete, the server closes, or WAIT passes; return what came."""
    answer = b""
    try:
        while chunk := connection.recv(4096):
            answer += chunk
            head, blank, body = answer.partition(b"\r\n\r\n")
            length = re.search(rb"^content-length:\s*(\d+)", head, re.IGNORECASE | re.MULTILINE)
            if blank and length and len(body) >= int(length.group(1)):
                break  # a keep-alive request: the server would keep the connection open after this answer
    except TimeoutError:
        pass  # the server is waiting for more of the request: `answer` says whether it answered at all
    return answer


def _send(request: bytes, server: Any) -> bytes:
    """Send `request` on a new connection to `server` and return its answer (b'' when it said nothing)."""
    with socket.create_connection((server.host, server.port), timeout=WAIT) as connection:
        connection.sendall(request)
        return _read_answer(connection)


def _declared(request: bytes) -> int | None:
    """Return the number on the request's Content-Length line, or None when it has none."""
    head = request.partition(b"\r\n\r\n")[0]
    found = re.search(rb"^content-length:\s*(\d+)", head, re.IGNORECASE | re.MULTILINE)
    return int(found.group(1)) if found else None


def _no_answer(request: bytes) -> Feedback:
    """Explain why the server still waited after WAIT seconds, from what the request declared."""
    head, blank, body = request.partition(b"\r\n\r\n")
    if not blank:
        return hint(
            "the server is still reading headers: they end with an empty line, `\\r\\n\\r\\n`, before the body."
        )
    said = _declared(request)
    if said is not None and said > len(body):
        latin = (
            " Your body went out as Latin-1 (é and î 1 byte each), but the route reads UTF-8: send what "
            "`.encode()` makes."
            if body == TEXT.encode("latin-1")
            else ""
        )
        return hint(
            f"the server waited {WAIT} s for more: Content-Length says {said} bytes, but {len(body)} bytes follow "
            "the empty line, so it kept waiting for the rest. Content-Length is the number of bytes the body "
            f"becomes when it is sent, no more.{latin}"
        )
    return hint(f"the server did not answer within {WAIT} s; does the request end the way the cell's did?")


def _received(answer: bytes) -> Feedback | dict[str, Any]:
    """Return /received's JSON from a 200 answer, or a hint that says what the server answered instead."""
    status_line = answer.split(b"\r\n", 1)[0].decode("latin-1")
    _, _, body = answer.partition(b"\r\n\r\n")
    if status_line.split(" ")[1:2] == ["404"]:
        return hint(f"the server answered `{status_line}`: send it to `tiny_server`, whose POST /received it is.")
    if status_line.split(" ")[1:2] != ["200"]:
        shown = body.decode("utf-8", "replace")[:120]
        return hint(f"the server answered `{status_line}` ({shown}): it could not read the request as HTTP/1.1.")
    try:
        seen = json.loads(body)
        return {"bytes": int(seen["bytes"]), "text": str(seen["text"])}
    except (ValueError, KeyError, TypeError):
        return hint("that answer is not /received's JSON; send the request to `tiny_server`.")


def check_content_length(request: Any, server: Any) -> Feedback:
    """Send the learner's POST to the tiny app's /received and check the server read the whole body."""
    if not_attempted(request):
        return waiting("the request as bytes, e.g. `request_bytes = (...).encode()`")
    if isinstance(request, str):
        request = request.encode()  # what the cell's `.encode()` does; a socket sends bytes
    if not isinstance(request, bytes):
        return hint(f"expected the request as bytes, `(...).encode()`, as the cell builds it; got {request!r}.")
    try:
        answer = _send(request, server)
    except Exception as exc:  # a stopped server, a wrong object: the learner sees what really happened
        return hint(f"sending it failed with {exception_text(exc)}; is `tiny_server` running (run its cell)?")
    if not answer:
        return _no_answer(request)
    seen = _received(answer)
    if isinstance(seen, Feedback):
        return seen
    sent = len(TEXT.encode())
    if seen["text"] == TEXT:
        return correct(
            f"the server read all {sent} bytes: {TEXT}. Content-Length counts bytes, not characters: é and î "
            f"are two bytes each in UTF-8, so these {len(TEXT)} characters are {sent} bytes."
        )
    return _what_went_wrong(request, seen)


def _what_went_wrong(request: bytes, seen: dict[str, Any]) -> Feedback:
    """Explain a body the server read short, empty, in another encoding, or other than the sentence."""
    body = request.partition(b"\r\n\r\n")[2]
    if seen["bytes"] == 0:
        return hint(
            "the server read an empty body: a request without Content-Length (or Transfer-Encoding) has none. "
            "Keep the Content-Length line, with the right number."
        )
    if body == TEXT.encode("latin-1"):
        return hint(
            f"the server read all {len(body)} bytes you sent, but as {seen['text']!r}: they are Latin-1, where é "
            'and î are 1 byte each, and the route decodes the body as UTF-8 (`body.decode("utf-8")`, as the '
            "Content-Type line promises), where they are 2. Send UTF-8, what `.encode()` makes, and count "
            "the bytes it makes."
        )
    if seen["bytes"] < len(body):
        said = _declared(request)
        why = (
            f"{said} is the sentence's number of characters (and its bytes in Latin-1), "
            if said == len(TEXT)
            else f"Content-Length said {said}, "
        )
        return hint(
            f"the server read only {seen['bytes']} of the {len(body)} bytes after the empty line, "
            f"{seen['text']!r}, and left the rest: it stops where Content-Length says. {why}but the body "
            f"went out as {len(body)} bytes: é and î are 2 bytes each in UTF-8, what `.encode()` makes."
        )
    return hint(
        f"the server read {seen['text']!r}, not the exercise's sentence. Send the sentence as given, accents "
        "and all: the bug is in the Content-Length line, not in the text."
    )
