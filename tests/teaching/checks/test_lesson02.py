"""The checkers of notebook 02 against the solutions, the usual wrong answers, and an untouched `...`."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

import httpx
import pytest

from lesson_app import create_app, start_server
from lesson_app.runtime.embedded import free_port
from lesson_app.teaching.checks.lesson02 import (
    check_cache_prediction,
    check_example_ip,
    check_host_header,
    check_is_valid_ipv4,
)
from lesson_app.teaching.dns_zones import Zones, start_zones


def solution_with_ipaddress(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def solution_by_hand(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 4 and all(
        part.isascii() and part.isdigit() and (part == "0" or not part.startswith("0")) and int(part) <= 255
        for part in parts
    )


def isdigit_then_int(text: str) -> bool:  # the notebook's by-hand solution before it checked isascii()
    parts = text.split(".")
    return len(parts) == 4 and all(part.isdigit() and int(part) <= 255 for part in parts)


def ascii_digits_with_leading_zeros(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 4 and all(part.isascii() and part.isdigit() and int(part) <= 255 for part in parts)


def try_int(text: str) -> bool:
    parts = text.split(".")
    if len(parts) != 4:
        return False
    try:
        return all(0 <= int(part) <= 255 for part in parts)
    except ValueError:
        return False


def try_int_without_leading_zeros(text: str) -> bool:
    parts = text.split(".")
    if len(parts) != 4 or any(len(part) > 1 and part.startswith("0") for part in parts):
        return False
    try:
        return all(0 <= int(part) <= 255 for part in parts)
    except ValueError:
        return False


def always_false(text: str) -> bool:
    return False


def four_parts(text: str) -> bool:
    return len(text.split(".")) == 4


def four_numbers(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 4 and all(part.isdigit() for part in parts)


def int_without_catching(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 4 and all(0 <= int(part) <= 255 for part in parts)


def any_ip_version(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def returns_the_address(text: str):
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        return None


def untouched(text: str) -> bool: ...  # your code here: return True or False


@pytest.mark.parametrize("solution", [solution_with_ipaddress, solution_by_hand])
def test_is_valid_ipv4_solutions(solution) -> None:
    feedback = check_is_valid_ipv4(solution)
    assert feedback.passed is True, feedback
    assert "167.511.0.1" in feedback.message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (always_false, "is_valid_ipv4('192.168.1.10') returned False"),
        (four_parts, "is_valid_ipv4('167.511.0.1') returned True, but 511 is larger than 255"),
        (four_numbers, "is_valid_ipv4('167.511.0.1') returned True, but 511 is larger than 255"),
        (int_without_catching, "raised ValueError"),
        (isdigit_then_int, "is_valid_ipv4('01.2.3.4') returned True, but a leading zero is not allowed"),
        (ascii_digits_with_leading_zeros, "is_valid_ipv4('01.2.3.4') returned True, but a leading zero"),
        (try_int, "is_valid_ipv4('01.2.3.4') returned True, but a leading zero is not allowed"),
        (try_int_without_leading_zeros, "is_valid_ipv4('+1.2.3.4') returned True, but a sign is not a digit"),
        (any_ip_version, "::1 is the IPv6 loopback address"),
        (returns_the_address, "returned IPv4Address('192.168.1.10'); return True or False"),
        (True, "pass the function itself"),
    ],
)
def test_is_valid_ipv4_wrong_answers(answer, expected: str) -> None:
    feedback = check_is_valid_ipv4(answer)
    assert feedback.passed is False
    assert expected in feedback.message, feedback


def regex_with_dollar(text: str) -> bool:
    # The usual regex answer: $ also matches just before a final newline, so "1.2.3.4\n" gets through.
    return (
        re.match(
            r"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$", text
        )
        is not None
    )


def test_is_valid_ipv4_regex_ending_in_dollar_is_refused() -> None:
    feedback = check_is_valid_ipv4(regex_with_dollar)
    assert feedback.passed is False
    assert "is_valid_ipv4('1.2.3.4\\n') returned True" in feedback.message, feedback


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+1.2.3.4", "a sign is not a digit"),
        (" 1.2.3.4", "an address has no spaces"),
        ("1.2.3.4\n", "a pattern ending in $ lets one through"),
        ("1_0.2.3.4", "Python allows _ between digits"),
        ("1.2.3.²", "part.isascii() rules it out"),
        ("١.2.3.4", "Arabic-Indic digit"),
    ],
)
def test_is_valid_ipv4_what_int_forgives(text: str, expected: str) -> None:
    """Each case int() accepts has its own hint, whichever one a solution trips over first."""

    def wrong_only_here(candidate: str) -> bool:
        return candidate == text or solution_with_ipaddress(candidate)

    feedback = check_is_valid_ipv4(wrong_only_here)
    assert feedback.passed is False
    assert f"is_valid_ipv4({text!r}) returned True" in feedback.message
    assert expected in feedback.message, feedback


def test_is_valid_ipv4_superscript_raises() -> None:
    def isdigit_then_int_no_leading_zeros(text: str) -> bool:
        parts = text.split(".")
        return len(parts) == 4 and all(
            part.isdigit() and (part == "0" or not part.startswith("0")) and int(part) <= 255 for part in parts
        )

    feedback = check_is_valid_ipv4(isdigit_then_int_no_leading_zeros)
    assert feedback.passed is False
    assert "is_valid_ipv4('1.2.3.²') raised ValueError" in feedback.message
    assert "It should return False, because ² is not one of the digits 0 to 9" in feedback.message


@pytest.mark.parametrize("answer", [..., untouched])
def test_is_valid_ipv4_not_attempted(answer) -> None:
    assert check_is_valid_ipv4(answer).passed is None


@pytest.mark.parametrize(
    "answer", ["192.0.2.10", "198.51.100.7", " 203.0.113.255 ", ipaddress.IPv4Address("192.0.2.1")]
)
def test_example_ip_solutions(answer) -> None:
    feedback = check_example_ip(answer)
    assert feedback.passed is True, feedback


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("167.511.0.1", "is not a valid address"),
        ("167.51.0.1", "belongs to a real network"),
        ("8.8.8.8", "belongs to a real network"),
        ("127.0.0.1", "it is loopback"),
        ("192.168.1.10", "valid and private"),
        ("2001:db8::10", "right idea, wrong family"),
        ("::1", "that is an IPv6 address"),
        (1921682, "as a string in quotes"),
        ("192.0.2.0/24", "192.0.2.0/24 is a block of 256 addresses, not one address"),
        ("192.0.2.0/24", "keep 192.0.2 and choose the last number"),
        ("203.0.113.0/24", "keep 203.0.113 and choose"),
        (
            "198.51.100.128/25",
            "is a block of 128 addresses, not one address. Right block; now pick one "
            "address inside it, such as 198.51.100.129",
        ),
        ("192.0.2.10/32", "write just the address: 192.0.2.10"),
        ("10.0.0.0/8", "Pick one address inside a block reserved for examples"),
        ("2001:db8::/32", "Pick one address inside a block reserved for examples"),
        ("192.0.2.10/", "is not an address"),
    ],
)
def test_example_ip_wrong_answers(answer, expected: str) -> None:
    feedback = check_example_ip(answer)
    assert feedback.passed is False
    assert expected in feedback.message, feedback


def test_example_ip_not_attempted() -> None:
    assert check_example_ip(...).passed is None


@pytest.fixture(scope="module")
def server_and_client() -> Iterator[tuple[object, httpx.Client]]:
    """The lesson API on a real port; /echo needs no database, so the URL points at nothing."""
    nowhere = f"postgresql+psycopg2://postgres:postgres@127.0.0.1:{free_port()}/none"
    with (
        start_server(create_app(nowhere), port=0, name="test-checks-02") as server,
        httpx.Client(base_url=server.url) as http,
    ):
        yield server, http


@pytest.mark.parametrize("with_port", [False, True])
def test_host_header_solutions(server_and_client, with_port: bool) -> None:
    server, client = server_and_client
    host = f"shop.test:{server.port}" if with_port else "shop.test"
    feedback = check_host_header(client.get("/echo", headers={"Host": host}))
    assert feedback.passed is True, feedback
    assert "one IP address serves many sites" in feedback.message


@pytest.mark.parametrize("host", ["SHOP.TEST", "Shop.Test", "shop.test.", "SHOP.test.:8000"])
def test_host_header_accepts_any_case_and_the_absolute_form(server_and_client, host: str) -> None:
    # Host names are case-insensitive, and a final dot is the absolute form of the same name (RFC 1034).
    _, client = server_and_client
    feedback = check_host_header(client.get("/echo", headers={"Host": host}))
    assert feedback.passed is True, feedback


@pytest.mark.parametrize(
    ("send", "expected"),
    [
        (lambda c: c.get("/echo"), "only names the machine you connected to"),
        (lambda c: c.get("/echo"), "add `headers={'Host': 'shop.test'}`"),
        (lambda c: c.get("/echo", headers={"Host": "localhost"}), "only names the machine"),
        (lambda c: c.get("/echo", headers={"Host": "[::1]:8000"}), "only names the machine"),
        (
            lambda c: c.get("/echo", headers={"Host": "videos.test"}),
            "you asked for the site videos.test; ask for shop.test",
        ),
        (lambda c: c.get("/echo", headers={"Host": "shop"}), "you asked for the site shop; ask for shop.test"),
        (lambda c: c.get("/echo", headers={"Host": "videos.test:8000"}), "you asked for the site videos.test;"),
        (lambda c: c.get("/echo", params={"host": "shop.test"}), "you sent shop.test in the query"),
        (lambda c: c.get("/echo", headers={"X-Host": "shop.test"}), "in a header named 'x-host'"),
        (lambda c: c.get("/echo", headers={"X-Site": "SHOP.TEST"}), "in a header named 'x-site'"),
        (lambda c: c.get("/echo", headers={"Host": "VIDEOS.TEST."}), "you asked for the site videos.test;"),
        (lambda c: c.get("/echo", headers={"Host": "http://shop.test"}), "no scheme and no path"),
        (lambda c: c.get("/", headers={"Host": "shop.test"}), "send it to '/echo'"),
        (lambda c: c.get("/echo", headers={"Host": "shop.test"}).json(), "Keep the whole response"),
    ],
)
def test_host_header_wrong_answers(server_and_client, send, expected: str) -> None:
    _, client = server_and_client
    feedback = check_host_header(send(client))
    assert feedback.passed is False
    assert expected in feedback.message, feedback


def test_host_header_not_attempted() -> None:
    assert check_host_header(...).passed is None


def test_host_header_function_solution(server_and_client) -> None:
    _, client = server_and_client
    feedback = check_host_header(lambda: client.get("/echo", headers={"Host": "shop.test"}))
    assert feedback.passed is True, feedback


def test_host_header_function_with_the_name_in_the_url_says_it_does_not_resolve(server_and_client) -> None:
    """The exercise's bug: shop.test resolves nowhere, which httpx reports as a ConnectError."""
    _, client = server_and_client
    feedback = check_host_header(lambda: client.get("http://shop.test/echo"))
    assert feedback.passed is False
    assert "the request never left: your operating system could not resolve shop.test" in feedback.message
    assert "name the site in the Host header" in feedback.message


def test_host_header_function_to_a_closed_port_says_nothing_answered() -> None:
    with httpx.Client() as http:
        feedback = check_host_header(lambda: http.get(f"http://127.0.0.1:{free_port()}/echo"))
    assert feedback.passed is False
    assert "nothing answered at 127.0.0.1" in feedback.message, feedback
    assert "the lesson server listens on its own port" in feedback.message, feedback


def test_host_header_function_without_a_port_names_port_80(server_and_client) -> None:
    """A newcomer's slip: the right address, no port, so the request went to 80 where nothing listens."""
    _, client = server_and_client
    feedback = check_host_header(lambda: client.get("http://127.0.0.1:1/echo", headers={"Host": "shop.test"}))
    assert feedback.passed is False
    assert "port 1 " in feedback.message and "print `server.url`" in feedback.message, feedback


def test_host_header_function_without_return_says_so(server_and_client) -> None:
    _, client = server_and_client

    def ask_for_shop() -> None:
        client.get("/echo", headers={"Host": "shop.test"})

    feedback = check_host_header(ask_for_shop)
    assert feedback.passed is False
    assert "your function returned nothing: put `return`" in feedback.message, feedback


def test_host_header_function_that_raises_is_shown() -> None:
    feedback = check_host_header(lambda: {}["host"])
    assert feedback.passed is False
    assert "your function raised `KeyError: 'host'`" in feedback.message, feedback


def test_host_header_function_asking_for_another_site(server_and_client) -> None:
    _, client = server_and_client
    feedback = check_host_header(lambda: client.get("/echo", headers={"Host": "videos.test"}))
    assert "you asked for the site videos.test" in feedback.message, feedback


@pytest.fixture
def zones() -> Iterator[Zones]:
    with start_zones() as running:
        yield running


@pytest.mark.parametrize(
    "prediction",
    [
        {"200 seconds later": 0, "400 seconds later": 1},
        {"200 seconds later": "0", "400 seconds later": " 1 "},
    ],
)
def test_cache_prediction_right(zones: Zones, prediction) -> None:
    feedback = check_cache_prediction(prediction, zones)
    assert feedback.passed is True, feedback
    assert "the cold lookup took 3 queries" in feedback.message
    assert "400 seconds later, 1 query: the answer's TTL of 300 seconds had run out" in feedback.message
    assert "not root or ns.test." in feedback.message


@pytest.mark.parametrize(
    ("prediction", "expected"),
    [
        ({"200 seconds later": 3, "400 seconds later": 1}, "a resolver keeps an answer for its TTL (300 seconds"),
        ({"200 seconds later": 1, "400 seconds later": 1}, "sends no query while it lasts"),
        ({"200 seconds later": 0, "400 seconds later": 0}, "you predicted 0 for 400 seconds later, but the answer"),
        ({"200 seconds later": 0, "400 seconds later": 3}, "as many as the cold lookup, but the resolver also cached"),
        ({"200 seconds later": 0, "400 seconds later": 2}, "you predicted 2 for 400 seconds later, but the resolver"),
        ({"200 seconds later": 0, "400 seconds later": ...}, "fill in '400 seconds later' too"),
        ({"200 seconds later": "one", "400 seconds later": 1}, "as a number of queries, such as 3; got 'one'"),
        ({"200 seconds later": True, "400 seconds later": 1}, "as a number of queries, such as 3; got True"),
        ({"200 seconds later": -1, "400 seconds later": 1}, "as a number of queries, such as 3; got -1"),
        ({"after 200": 0, "after 400": 1}, "keep the dictionary's two keys"),
        (1, "keep the dictionary's two keys"),
    ],
)
def test_cache_prediction_wrong(zones: Zones, prediction, expected: str) -> None:
    feedback = check_cache_prediction(prediction, zones)
    assert feedback.passed is False
    assert expected in feedback.message, feedback


def test_cache_prediction_wrong_answer_shows_what_really_happened(zones: Zones) -> None:
    feedback = check_cache_prediction({"200 seconds later": 3, "400 seconds later": 3}, zones)
    assert "What really happened: the cold lookup took 3 queries; 200 seconds later, 0 queries" in feedback.message


@pytest.mark.parametrize("prediction", [..., {"200 seconds later": ..., "400 seconds later": ...}])
def test_cache_prediction_not_attempted(zones: Zones, prediction) -> None:
    assert check_cache_prediction(prediction, zones).passed is None


def test_cache_prediction_with_stopped_servers_says_to_start_them() -> None:
    stopped = start_zones()
    stopped.stop()
    feedback = check_cache_prediction({"200 seconds later": 0, "400 seconds later": 1}, stopped)
    assert feedback.passed is False
    assert "the lesson's name servers did not answer" in feedback.message, feedback
