"""The checkers of notebook 03 against the solutions, the usual wrong answers, and an untouched `...`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from lesson_app import LessonServer, start_server
from lesson_app.teaching.checks.lesson03 import check_port_count, check_safe_host, check_second_server, check_well_known


@pytest.mark.parametrize("answer", [65536, 2**16])
def test_port_count_solution(answer: int) -> None:
    feedback = check_port_count(answer)
    assert feedback.passed is True
    assert "0 to 65535" in feedback.message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (65535, "the count starts at 0"),
        (131072, "counts TCP and UDP together"),
        (65534, "still a port number"),
        (1024, "well-known ports"),
        (1000, "how many numbers is that?"),
        ("65536", "without quotes"),
        (65536.0, "expected a whole number"),
    ],
)
def test_port_count_wrong_answers(answer: object, expected: str) -> None:
    feedback = check_port_count(answer)
    assert feedback.passed is False
    assert expected in feedback.message, feedback


def test_port_count_not_attempted() -> None:
    assert check_port_count(...).passed is None


SOLUTION = {"http": 80, "https": 443, "ssh": 22, "smtp": 25, "postgresql": 5432, "uvicorn": 8000}


def test_well_known_solution() -> None:
    feedback = check_well_known(dict(SOLUTION))
    assert feedback.passed is True, feedback


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"http": 443, "https": 80}, "http and https are swapped"),
        ({"postgresql": 8000, "uvicorn": 5432}, "postgresql and uvicorn are swapped"),
        ({"https": 8000}, "https: 8000 is not it. Clue: the default of https:// URLs"),
        ({"uvicorn": 80}, "uvicorn: 80 is not it. Clue: not well-known, just Uvicorn's default"),
        ({"ssh": ...}, "ssh still has `...`"),
        ({"smtp": "25"}, "smtp: write the port as a number"),
        ({"smtp": 587}, "587 is the mail *submission* port"),
        ({"smtp": 587}, "The well-known SMTP port, on which mail servers pass mail to each other, is 25"),
        ({"smtp": 465}, "465 is the mail *submission* port inside TLS"),
        ({"smtp": [25]}, "smtp: [25] is not it"),
        ({"ssh": 2222}, "Clue: remote login; the `getservbyname` cell under Well-known ports prints it"),
    ],
)
def test_well_known_wrong_answers(changes: dict, expected: str) -> None:
    feedback = check_well_known({**SOLUTION, **changes})
    assert feedback.passed is False
    assert expected in feedback.message, feedback


def test_well_known_missing_and_not_a_dict() -> None:
    partial = {key: value for key, value in SOLUTION.items() if key != "smtp"}
    assert "missing: smtp" in check_well_known(partial).message
    assert "expected the dictionary" in check_well_known([80, 443]).message


@pytest.mark.parametrize("answer", [..., dict.fromkeys(SOLUTION, ...)])
def test_well_known_not_attempted(answer) -> None:
    assert check_well_known(answer).passed is None


def _start(**kwargs) -> LessonServer:
    kwargs.setdefault("port", 0)
    kwargs.setdefault("name", f"test-checks-03-{uuid.uuid4().hex[:8]}")
    return start_server(FastAPI(), **kwargs)


@pytest.fixture
def first() -> Iterator[LessonServer]:
    with _start() as server:
        yield server


def test_second_server_solution(first: LessonServer) -> None:
    with _start() as second:
        feedback = check_second_server(second, first)
    assert feedback.passed is True, feedback
    assert "each on its own port" in feedback.message


def test_second_server_same_port_on_ipv6_loopback(first: LessonServer) -> None:
    try:
        second = _start(host="::1", port=first.port)
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    with second:
        feedback = check_second_server(second, first)
    assert feedback.passed is True, feedback
    assert "same port number but different addresses" in feedback.message


def test_second_server_that_replaced_the_first(first: LessonServer) -> None:
    with _start(name=first.key) as second:  # what start_server(app) does with the cell's default name
        feedback = check_second_server(second, first)
    assert feedback.passed is False
    assert "replaced the first one" in feedback.message
    assert "neither name= nor port=" in feedback.message


def test_second_server_with_port_0_and_no_name(first: LessonServer) -> None:
    """start_server(app, port=0) has its own key, "port 0", so it runs beside the first server."""
    with _start(name=None) as second:
        assert second.key == "port 0"
        feedback = check_second_server(second, first)
    assert first.running
    assert feedback.passed is True, feedback


def test_second_server_stopped(first: LessonServer) -> None:
    second = _start()
    second.stop()
    feedback = check_second_server(second, first)
    assert feedback.passed is False
    assert "the second server is not running" in feedback.message


def test_first_server_stopped(first: LessonServer) -> None:
    with _start() as second:
        first.stop()
        feedback = check_second_server(second, first)
    assert feedback.passed is False
    assert "the first server has stopped" in feedback.message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("first", "that is the first server itself"), ("url", "expected what `start_server(...)` returns")],
)
def test_second_server_wrong_objects(first: LessonServer, answer: str, expected: str) -> None:
    feedback = check_second_server(first if answer == "first" else first.url, first)
    assert feedback.passed is False
    assert expected in feedback.message


def test_second_server_not_attempted(first: LessonServer) -> None:
    assert check_second_server(..., first).passed is None


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("127.0.0.1", "which is why the lesson server and the embedded PostgreSQL listen there"),
        (" 127.0.0.1 ", "which is why the lesson server and the embedded PostgreSQL listen there"),
        ("::1", "IPv6's loopback"),
        ("[::1]", "IPv6's loopback"),
        ("localhost", "the name of the loopback address"),
        ("LocalHost.", "the name of the loopback address"),  # any case, and the absolute form
        ("127.0.0.2", "loopback too (all of 127.0.0.0/8 is)"),
    ],
)
def test_safe_host_solutions(answer: str, expected: str) -> None:
    feedback = check_safe_host(answer)
    assert feedback.passed is True, feedback
    assert expected in feedback.message, feedback


@pytest.mark.parametrize("answer", ["::1", "127.0.0.2", "127.8.9.10"])
def test_safe_host_other_loopbacks_are_not_where_the_lesson_listens(answer: str) -> None:
    assert "which is why the lesson server" not in check_safe_host(answer).message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("0.0.0.0", "means every address of this machine"),
        ("::", "means every address of this machine"),
        ("192.168.1.10", "one network card's address"),
        ("my-laptop", "is not an IP address"),
        (127001, "as a string in quotes"),
    ],
)
def test_safe_host_wrong_answers(answer: object, expected: str) -> None:
    feedback = check_safe_host(answer)
    assert feedback.passed is False
    assert expected in feedback.message, feedback


def test_safe_host_not_attempted() -> None:
    assert check_safe_host(...).passed is None
