"""The checkers of notebook 03 against the solutions, the usual wrong answers, and an untouched `...`."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from lesson_app import LessonServer, start_server
from lesson_app.runtime.ports import accepts, free_port
from lesson_app.teaching.checks.lesson03 import (
    check_connection_prediction,
    check_port_count,
    check_private_listener,
    check_safe_host,
    check_second_server,
)


@pytest.mark.parametrize("answer", [65536, 2**16])
def test_port_count_solution(answer: int) -> None:
    feedback = check_port_count(answer)
    assert feedback.passed is True
    assert "0 to 65535" in feedback.message


@pytest.mark.parametrize("answer", [65536, 65536.0, "65536"])
def test_port_count_right_in_any_spelling(answer: object) -> None:
    assert check_port_count(answer).passed is True


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (65535, "the count starts at 0"),
        (131072, "counts TCP and UDP together"),
        (65534, "still a port number"),
        (1024, "well-known ports"),
        (1000, "how many numbers is that?"),
        (65536.5, "expected a whole number"),
        ("sixty", "expected a whole number"),
    ],
)
def test_port_count_wrong_answers(answer: object, expected: str) -> None:
    feedback = check_port_count(answer)
    assert feedback.passed is False
    assert expected in feedback.message, feedback


def test_port_count_not_attempted() -> None:
    assert check_port_count(...).passed is None


@pytest.fixture(scope="module")
def lesson_api() -> Iterator[LessonServer]:
    with start_server(FastAPI(), port=0, name="test-checks-03-api") as server:
        yield server


def _client_port(response: httpx.Response) -> int:
    return response.extensions["network_stream"].get_extra_info("client_addr")[1]


def _seen(server: LessonServer) -> dict[str, set[int]]:
    """What exercise 2's cell collects: the client ports of three requests each way."""
    seen: dict[str, set[int]] = {"one client": set(), "a new client each time": set()}
    with httpx.Client(base_url=server.url) as client:
        for _ in range(3):
            seen["one client"].add(_client_port(client.get("/")))
            with httpx.Client() as fresh:
                seen["a new client each time"].add(_client_port(fresh.get(f"{server.url}/")))
    return seen


def test_connection_prediction_right(lesson_api: LessonServer) -> None:
    seen = _seen(lesson_api)
    assert {way: len(ports) for way, ports in seen.items()} == {"one client": 1, "a new client each time": 3}
    feedback = check_connection_prediction({"one client": 1, "a new client each time": 3}, seen)
    assert feedback.passed is True, feedback
    assert check_connection_prediction({"one client": "1", "a new client each time": 3.0}, seen).passed is True
    assert "keep-alive" in feedback.message


@pytest.mark.parametrize("one", ["1", " 1 ", 1.0])
def test_connection_prediction_right_in_any_spelling(lesson_api: LessonServer, one: object) -> None:
    """The guard reads "1" and 1.0 as 1; the comparison must too (it compared "1" with 1 and said "it used 1")."""
    feedback = check_connection_prediction({"one client": one, "a new client each time": 3}, _seen(lesson_api))
    assert feedback.passed is True, feedback


@pytest.mark.parametrize(
    ("prediction", "expected"),
    [
        ({"one client": 3, "a new client each time": 3}, "You predicted 3 for 'one client'; it used 1"),
        ({"one client": 1, "a new client each time": 1}, "You predicted 1 for 'a new client each time'; it used 3"),
        ({"one client": 3, "a new client each time": 1}, "it used 1: one `httpx.Client` keeps its connection open"),
        ({"one client": 1, "a new client each time": ...}, "'a new client each time' is still `...`"),
        ({"one client": "one", "a new client each time": 3}, "write a whole number of connections"),
        ({"one client": "3", "a new client each time": 3}, "You predicted 3 for 'one client'; it used 1"),
        ({"one client": True, "a new client each time": 3}, "write a whole number of connections"),
        ({"one client": 1}, "keep the dictionary from the cell"),
        ([1, 3], "keep the dictionary from the cell"),
    ],
)
def test_connection_prediction_wrong(lesson_api: LessonServer, prediction: object, expected: str) -> None:
    feedback = check_connection_prediction(prediction, _seen(lesson_api))
    assert feedback.passed is False
    assert expected in feedback.message, feedback


def test_connection_prediction_counts_what_was_seen() -> None:
    """The checker compares with what the cell saw, not with a fixed answer."""
    seen = {"one client": {50001, 50002}, "a new client each time": 5}
    assert check_connection_prediction({"one client": 2, "a new client each time": 5}, seen).passed is True
    assert (
        "is not what the cell collects"
        in check_connection_prediction({"one client": 1, "a new client each time": 5}, {}).message
    )
    broken = {"one client": None, "a new client each time": {1}}
    assert (
        "is not what the cell collects"
        in check_connection_prediction({"one client": 1, "a new client each time": 5}, broken).message
    )


@pytest.mark.parametrize("prediction", [..., {"one client": ..., "a new client each time": ...}])
def test_connection_prediction_not_attempted(prediction: object) -> None:
    assert check_connection_prediction(prediction, {"one client": {1}, "a new client each time": {1, 2}}).passed is None


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
    assert "neither a name nor a port" in feedback.message
    # the same message says the first `server` is gone and which cell brings it back, and leaves the code out
    assert "The first `server` is stopped now: run the code cell under “Start the real parts”" in feedback.message
    assert "start_server(app" not in feedback.message


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
    assert "run the code cell under “Start the real parts” again" in feedback.message


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


def test_second_server_the_cells_bug(first: LessonServer) -> None:
    def start_second() -> LessonServer:
        return _start(port=first.port)

    feedback = check_second_server(start_second, first)
    assert feedback.passed is False
    assert "`start_second()` raised `PortInUseError`: the port it asked for is taken, by the first server" in (
        feedback.message
    ), feedback
    assert "the second needs a port of its own" in feedback.message
    assert "start_server(app" not in feedback.message  # the cause, not the fix in code
    assert "stopped now" not in feedback.message  # the first server still runs
    assert first.running


def test_second_server_on_a_port_another_program_holds_says_another_program(first: LessonServer) -> None:
    # The message now names the holder (here a process of its own, `python -c ...`): the hint must still say
    # "another program", never "the first server".
    port = free_port()
    code = f"import socket, time\ns = socket.create_server(('127.0.0.1', {port}))\ntime.sleep(120)"
    holder = subprocess.Popen([sys.executable, "-c", code])
    try:
        while not accepts(port):
            assert holder.poll() is None, "the holder ended before it listened"
            time.sleep(0.05)

        def start_second() -> LessonServer:
            return _start(port=port)

        feedback = check_second_server(start_second, first)
        assert feedback.passed is False and "is taken, by another program" in feedback.message, feedback
    finally:
        holder.kill()
        holder.wait()


def test_second_server_the_fix_run_by_the_checker(first: LessonServer) -> None:
    made: list[LessonServer] = []

    def start_second() -> LessonServer:
        made.append(_start(name=None))  # port=0 and no name: the solution
        return made[-1]

    try:
        feedback = check_second_server(start_second, first)
    finally:
        made[0].stop()
    assert feedback.passed is True, feedback


def test_second_server_function_that_raises_something_else(first: LessonServer) -> None:
    def start_second() -> LessonServer:
        raise NameError("name 'dburl' is not defined")

    feedback = check_second_server(start_second, first)
    assert feedback.passed is False
    assert "`start_second()` raised `NameError: name 'dburl' is not defined`." in feedback.message


def _listener(host: str, family: socket.AddressFamily = socket.AF_INET) -> socket.socket:
    listener = socket.socket(family)
    listener.bind((host, 0))
    listener.listen()
    return listener


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_private_listener_fixed(host: str) -> None:
    opened: list[socket.socket] = []

    def open_private_listener() -> socket.socket:
        opened.append(_listener(host))
        return opened[-1]

    feedback = check_private_listener(open_private_listener)
    assert feedback.passed is True, feedback
    assert "127.0.0.1 is loopback" in feedback.message
    assert opened[0].fileno() == -1  # the checker closed it


def test_private_listener_on_ipv6_loopback() -> None:
    try:
        listener = _listener("::1", socket.AF_INET6)
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    assert check_private_listener(lambda: listener).passed is True


def test_private_listener_the_cells_bug() -> None:
    opened: list[socket.socket] = []

    def open_private_listener() -> socket.socket:
        opened.append(_listener("0.0.0.0"))
        return opened[-1]

    feedback = check_private_listener(open_private_listener)
    assert feedback.passed is False
    assert "0.0.0.0 means every address of this machine" in feedback.message
    assert opened[0].fileno() == -1


def _closed(listener: socket.socket) -> socket.socket:
    listener.close()
    return listener


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (lambda: None, "it returned None"),
        (lambda: "127.0.0.1", "it returned '127.0.0.1'"),
        (lambda: _listener("no-such-host.invalid"), "raised `gaierror:"),
        (lambda: _closed(_listener("127.0.0.1")), "is closed already"),
    ],
)
def test_private_listener_wrong(answer: object, expected: str) -> None:
    feedback = check_private_listener(answer)
    assert feedback.passed is False
    assert expected in feedback.message, feedback


def test_private_listener_a_socket_instead_of_the_function() -> None:
    listener = _listener("127.0.0.1")
    assert check_private_listener(listener).passed is True
    assert listener.fileno() == -1


def test_private_listener_not_attempted() -> None:
    assert check_private_listener(...).passed is None


def test_private_listener_on_a_taken_port() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:

        def open_private_listener() -> socket.socket:
            listener = socket.socket()
            try:
                listener.bind(("127.0.0.1", taken.getsockname()[1]))
            finally:
                listener.close()
            return listener

        feedback = check_private_listener(open_private_listener)
    assert feedback.passed is False
    assert "Address already in use" in feedback.message, feedback
    assert "port 0 lets the operating system pick a free one" in feedback.message


def test_private_listener_ipv6_any_on_an_ipv4_socket() -> None:
    def open_private_listener() -> socket.socket:
        listener = socket.socket()
        listener.bind(("::", 0))
        return listener

    feedback = check_private_listener(open_private_listener)
    assert feedback.passed is False
    assert "makes an IPv4 socket, which takes only IPv4 addresses" in feedback.message, feedback
    assert "`::` would be every IPv6 address anyway" in feedback.message
