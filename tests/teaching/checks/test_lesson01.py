"""The checkers of notebook 01 against the solutions, the usual wrong answers, and an untouched `...`."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from lesson_app import create_app, start_server
from lesson_app.runtime.embedded import free_port
from lesson_app.teaching.checks.lesson01 import check_base_url, check_echo_query, check_hidden_port


def test_hidden_port_solution() -> None:
    feedback = check_hidden_port(443)
    assert feedback.passed is True
    assert "443 for https" in feedback.message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (8000, "8000 is Uvicorn's default"),
        (80, "80 is the default for http://"),
        ("443", "without quotes"),
        (None, "still goes to a real port number"),
        (22, "`http.client.HTTPS_PORT`"),
        (443.0, "expected a whole number"),
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


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.get("/echo?video=42#comments"),
        lambda c: c.get("/echo?video=42"),
        lambda c: c.get("/echo", params={"video": 42}),
    ],
)
def test_echo_query_solutions(client: httpx.Client, send) -> None:
    feedback = check_echo_query(send(client), False)
    assert feedback.passed is True, feedback
    assert "fragment never leaves the client" in feedback.message


@pytest.mark.parametrize(
    ("send", "expected"),
    [
        (lambda c: c.get("/echo#comments?video=42"), "put #comments last"),
        (lambda c: c.get("/echo"), "saw no query at all"),
        (lambda c: c.get("/echo?video = 42"), "no spaces"),
        (lambda c: c.get("/echo?v=42"), "the name video"),
        (lambda c: c.get("/echo?video=42&t=1"), "nothing else"),
        (lambda c: c.get("/echo/video=42"), "the path is '/echo'"),
        (lambda c: c.get("/c?video=42"), "the path is '/echo'"),
        (lambda c: c.post("/echo?video=42"), "that was a POST request"),
        (lambda c: c.get("/echo?video=42").json(), "Keep the whole response"),
    ],
)
def test_echo_query_wrong_answers(client: httpx.Client, send, expected: str) -> None:
    feedback = check_echo_query(send(client), False)
    assert feedback.passed is False
    assert expected in feedback.message, feedback


@pytest.mark.parametrize(
    ("saw", "expected"),
    [
        (True, "#comments is not there"),
        ("False", "write False without quotes"),
        ("true", "write True without quotes"),
        ("no", "should be True or False"),
        (0, "should be True or False"),
    ],
)
def test_echo_query_wrong_fragment_answers(client: httpx.Client, saw: object, expected: str) -> None:
    feedback = check_echo_query(client.get("/echo?video=42#comments"), saw)
    assert feedback.passed is False
    assert expected in feedback.message, feedback


def test_echo_query_fragment_answer_still_missing(client: httpx.Client) -> None:
    feedback = check_echo_query(client.get("/echo?video=42#comments"), ...)
    assert feedback.passed is None
    assert "server_saw_fragment" in feedback.message
    assert check_echo_query(client.get("/echo?video=42#comments")).passed is None  # the second answer left out


def test_echo_query_server_error() -> None:
    response = httpx.Response(503, request=httpx.Request("GET", "http://127.0.0.1/echo?video=42"))
    feedback = check_echo_query(response, False)
    assert feedback.passed is False
    assert "answered 503" in feedback.message


@pytest.mark.parametrize("saw", [..., False])
def test_echo_query_not_attempted(saw: object) -> None:
    assert check_echo_query(..., saw).passed is None
