"""The checkers of notebook 01 against the solutions, the usual wrong answers, and an untouched `...`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI, Request

from lesson_app import LessonServer, create_app, start_server
from lesson_app.runtime.embedded import free_port
from lesson_app.teaching.checks.lesson01 import (
    check_base_url,
    check_content_length,
    check_hidden_port,
    check_query_prediction,
)


def test_hidden_port_solution() -> None:
    feedback = check_hidden_port(443)
    assert feedback.passed is True
    assert "443 for https" in feedback.message


@pytest.mark.parametrize("answer", [443, 443.0, "443", " 443 "])
def test_hidden_port_right_in_any_spelling(answer: object) -> None:
    assert check_hidden_port(answer).passed is True


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (8000, "8000 is Uvicorn's default"),
        (80, "80 is the default for http://"),
        (None, "still goes to a real port number"),
        (22, "`http.client.HTTPS_PORT`"),
        (443.5, "expected a whole number"),
        (True, "expected a whole number"),
    ],
)
def test_hidden_port_wrong_answers(answer: object, expected: str) -> None:
    feedback = check_hidden_port(answer)
    assert feedback.passed is False
    assert expected in feedback.message


def test_hidden_port_not_attempted() -> None:
    assert check_hidden_port(...).passed is None


@pytest.mark.parametrize(
    "answer",
    [
        "https://www.youtube.com",
        "https://www.youtube.com/",
        " https://www.youtube.com:443 ",
        httpx.URL("https://www.youtube.com"),
        "HTTPS://WWW.YouTube.com",  # scheme and host compare case-insensitively
        "https://www.youtube.com.",  # the absolute form of the same name
    ],
)
def test_base_url_solutions(answer: object) -> None:
    feedback = check_base_url(answer)
    assert feedback.passed is True, feedback


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42#comments", "stops before the path: /watch"),
        ("https://www.youtube.com/watch", "stops before the path: /watch"),
        ("www.youtube.com", "has no scheme"),
        ("http://www.youtube.com", "this link uses https, not http"),
        ("https://youtube.com", "keep the www"),
        ("https://user:secret@www.youtube.com", "no user name or password before the host: drop user:secret@"),
        ("https://www.example.com", "you wrote 'www.example.com'"),
        ("https://www.youtube.com:8000", "8000 is Uvicorn's default"),
        ("https://www.youtube.com:8443", "you added :8443"),
        ("https://www.youtube.com/?v=dQw4w9WgXcQ", "stops before the query"),
        ("https://www.youtube.com/#comments", "stops before the fragment"),
        ("https://www.youtube.com:abc", "cannot read"),
        (42, "as a string in quotes"),
    ],
)
def test_base_url_wrong_answers(answer: object, expected: str) -> None:
    feedback = check_base_url(answer)
    assert feedback.passed is False
    assert expected in feedback.message, feedback


def test_base_url_not_attempted() -> None:
    assert check_base_url(...).passed is None


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    """The lesson API on a real port; /echo needs no database, so the URL points at nothing."""
    nowhere = f"postgresql+psycopg2://postgres:postgres@127.0.0.1:{free_port()}/none"
    with (
        start_server(create_app(nowhere), port=0, name="test-checks-01") as server,
        httpx.Client(base_url=server.url) as http,
    ):
        yield http


LINK = "/echo?video=42#comments&sort=new"  # the request exercise 3's cell sends


@pytest.mark.parametrize("prediction", [{"video": "42"}, "video=42", " ?video=42 "])
def test_query_prediction_right(client: httpx.Client, prediction: object) -> None:
    feedback = check_query_prediction(prediction, client.get(LINK))
    assert feedback.passed is True, feedback
    assert "`&sort=new` included" in feedback.message


@pytest.mark.parametrize(
    ("prediction", "expected"),
    [
        ({"video": "42", "sort": "new"}, "An `&` after the `#` does not start another query pair"),
        ("video=42&sort=new", "An `&` after the `#` does not start another query pair"),
        ({"video": "42#comments"}, "stays in the client"),
        ({}, "travels with the path"),
        ({"video": 42}, "query values arrive as text, '42', not 42"),
        ({"v": "42"}, "between `?` and `#`"),
        (42, "write the prediction as a dict"),
        (None, "write the prediction as a dict"),
    ],
)
def test_query_prediction_wrong(client: httpx.Client, prediction: object, expected: str) -> None:
    feedback = check_query_prediction(prediction, client.get(LINK))
    assert feedback.passed is False
    assert expected in feedback.message, feedback
    assert "the server received {'video': '42'}" in feedback.message or "as a dict" in feedback.message


@pytest.mark.parametrize(
    ("send", "expected"),
    [
        (lambda c: c.get("/echo?video=42&sort=new#comments"), "keep the request as the cell has it"),
        (lambda c: c.get("/c?video=42"), "keep the request as the cell has it"),
        (lambda c: c.get(LINK).json(), "Keep the request line as the cell has it"),
    ],
)
def test_query_prediction_request_changed(client: httpx.Client, send, expected: str) -> None:
    feedback = check_query_prediction({"video": "42"}, send(client))
    assert feedback.passed is False
    assert expected in feedback.message, feedback


def test_query_prediction_not_attempted(client: httpx.Client) -> None:
    assert check_query_prediction(..., client.get(LINK)).passed is None


# The notebook's tiny app, as the code cell under "A streamed answer: chunks" builds it (its POST route).
tiny = FastAPI()


@tiny.post("/received")
async def received(request: Request) -> dict:
    body = await request.body()
    return {"bytes": len(body), "text": body.decode("utf-8", errors="replace")}


@pytest.fixture(scope="module")
def tiny_server() -> Iterator[LessonServer]:
    with start_server(tiny, port=0, name="test-checks-01-tiny") as running:
        yield running


BODY = "Un café, s'il vous plaît"


def _request(
    length: object, *, close: bool = True, body: str = BODY, blank: bool = True, encoding: str = "utf-8"
) -> bytes:
    """The exercise cell's request, with `length` in its Content-Length line (None: no such line)."""
    lines = ["POST /received HTTP/1.1", "Host: 127.0.0.1", "Content-Type: text/plain; charset=utf-8"]
    lines += [f"Content-Length: {length}"] if length is not None else []
    lines += ["Connection: close"] if close else []
    return ("\r\n".join(lines) + ("\r\n\r\n" if blank else "\r\n") + body).encode(encoding)


def _chunked() -> bytes:
    data = BODY.encode()
    head = "POST /received HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    return head.encode() + f"{len(data):x}\r\n".encode() + data + b"\r\n0\r\n\r\n"


@pytest.mark.parametrize(
    "request_bytes",
    [
        _request(len(BODY.encode())),
        _request(26),
        _request(26, close=False),  # keep-alive: the checker stops reading at the answer's end
        _request(26).decode(),  # text, not bytes: what .encode() would send
        _chunked(),  # the other framing is right too
    ],
)
def test_content_length_right(tiny_server: LessonServer, request_bytes: object) -> None:
    feedback = check_content_length(request_bytes, tiny_server)
    assert feedback.passed is True, feedback
    assert "26 bytes" in feedback.message


@pytest.mark.parametrize(
    ("request_bytes", "expected"),
    [
        (_request(len(BODY)), "read only 24 of the 26 bytes"),
        (_request(len(BODY)), "24 is the sentence's number of characters"),
        # len(body.encode("latin-1")) with UTF-8 bytes: the hint names the number, not a `len(body)` never written
        (_request(len(BODY.encode("latin-1"))), "but the body went out as 26 bytes"),
        (_request(25), "Content-Length said 25, but the body went out as 26 bytes"),
        # Latin-1 bytes, counted right: the accents were sent, the server decodes them as UTF-8
        (_request(24, encoding="latin-1"), "they are Latin-1, where é and î are 1 byte each"),
        (_request(24, encoding="latin-1"), "decodes the body as UTF-8"),
        (_request(len(BODY), close=False), "read only 24 of the 26 bytes"),
        (_request(None), "read an empty body"),
        (_request(24, body="Un cafe, s'il vous plait"), "Send the sentence as given"),
        (b"hello\r\n\r\n", "could not read the request as HTTP/1.1"),
        (42, "expected the request as bytes"),
    ],
)
def test_content_length_wrong(tiny_server: LessonServer, request_bytes: object, expected: str) -> None:
    feedback = check_content_length(request_bytes, tiny_server)
    assert feedback.passed is False
    assert expected in feedback.message, feedback


@pytest.mark.parametrize(
    ("request_bytes", "expected"),
    [
        (_request(30), "Content-Length says 30 bytes, but 26 bytes follow the empty line"),
        (_request(26, encoding="latin-1"), "Your body went out as Latin-1"),
        (_request(26, blank=False), "still reading headers"),
    ],
)
def test_content_length_server_left_waiting(tiny_server: LessonServer, request_bytes: bytes, expected: str) -> None:
    started = time.monotonic()
    feedback = check_content_length(request_bytes, tiny_server)
    assert feedback.passed is False
    assert expected in feedback.message, feedback
    assert time.monotonic() - started < 5  # the checker gives up, the learner's cell does not hang


def test_content_length_wrong_server(client: httpx.Client) -> None:
    lesson_api = SimpleNamespace(host=client.base_url.host, port=client.base_url.port)
    feedback = check_content_length(_request(26), lesson_api)
    assert feedback.passed is False
    assert "send it to `tiny_server`" in feedback.message, feedback


def test_content_length_stopped_server() -> None:
    with start_server(tiny, port=0, name="test-checks-01-stopped") as stopped:
        pass
    feedback = check_content_length(_request(26), stopped)
    assert feedback.passed is False
    assert "sending it failed with `ConnectionRefusedError" in feedback.message, feedback


def test_content_length_not_attempted(tiny_server: LessonServer) -> None:
    assert check_content_length(..., tiny_server).passed is None


@pytest.mark.parametrize(
    ("request_bytes", "not_said"),
    [
        (_request(24, encoding="latin-1"), "Send the sentence as given"),  # the accents were sent, in Latin-1
        (_request(len(BODY.encode("latin-1"))), "`len(body)`"),  # the learner's line did not use len(body)
    ],
)
def test_content_length_hint_speaks_of_what_was_sent(
    tiny_server: LessonServer, request_bytes: bytes, not_said: str
) -> None:
    feedback = check_content_length(request_bytes, tiny_server)
    assert feedback.passed is False
    assert not_said not in feedback.message, feedback
