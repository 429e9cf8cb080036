"""The checkers of notebook 06 against the solutions, the usual wrong answers, and an untouched `...`."""

from __future__ import annotations

import ssl

import httpx
import pytest
import trustme

from lesson_app import create_app, start_server
from lesson_app.teaching.checks.forwarded_prediction import CLIENT, SCHEME
from lesson_app.teaching.checks.lesson06 import (
    VISIBLE,
    check_forwarded_prediction,
    check_https_client,
    check_visible,
)
from tests.conftest import trusting_context


@pytest.fixture
def https_url(https_server) -> str:
    assert https_server.url.startswith("https://")
    return https_server.url


# --- exercise 1: a client that checks -----------------------------------------------------------------------


def test_https_client_solution_passes(ca: trustme.CA, https_url: str) -> None:
    with httpx.Client(verify=trusting_context(ca)) as client:
        feedback = check_https_client(client, https_url)
    assert feedback.passed is True
    assert "TLSv1" in feedback.message


def test_https_client_with_a_base_url_of_its_own_passes(ca: trustme.CA, https_url: str) -> None:
    with httpx.Client(base_url=https_url, verify=trusting_context(ca)) as client:
        assert check_https_client(client, https_url).passed is True


def test_https_client_not_attempted(https_url: str) -> None:
    assert check_https_client(..., https_url).passed is None


def test_https_client_that_trusts_only_the_public_cas(https_url: str) -> None:
    with httpx.Client() as client:
        feedback = check_https_client(client, https_url)
    assert feedback.passed is False
    assert "does not trust the lesson CA" in feedback.message and "configure_trust" in feedback.message
    assert "cafile=certifi.where()" in feedback.message


def only_the_lesson_ca(ca: trustme.CA, how: str) -> ssl.SSLContext:
    """A context that trusts the lesson CA alone: a bare SSLContext, or a default context given only that CA."""
    if how == "bare":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # checks names and certificates, trusts no CA yet
        ca.configure_trust(context)
        return context
    return ssl.create_default_context(cadata=ca.cert_pem.bytes().decode())  # cadata= skips the usual CAs


@pytest.mark.parametrize("how", ["bare", "cadata"])
def test_https_client_that_trusts_only_the_lesson_ca(ca: trustme.CA, https_url: str, how: str) -> None:
    """The fix adds the lesson CA to the usual checks; a context holding the lesson CA alone is refused."""
    with httpx.Client(verify=only_the_lesson_ca(ca, how)) as client:
        feedback = check_https_client(client, https_url)
    assert feedback.passed is False
    assert "nothing else" in feedback.message and "cafile=certifi.where()" in feedback.message


def test_https_client_with_verify_false_is_not_accepted(https_url: str) -> None:
    with httpx.Client(verify=False) as client:
        feedback = check_https_client(client, https_url)
    assert feedback.passed is False
    assert "verify=False" in feedback.message and "impostor" in feedback.message


def test_https_client_that_skips_the_host_name_check(ca: trustme.CA, https_url: str) -> None:
    context = trusting_context(ca)
    context.check_hostname = False
    with httpx.Client(verify=context) as client:
        feedback = check_https_client(client, https_url)
    assert feedback.passed is False
    assert "not the host name" in feedback.message and "verify=False" not in feedback.message


def test_https_client_given_the_ca_object_instead_of_a_context(ca: trustme.CA, https_url: str) -> None:
    with httpx.Client(verify=ca) as client:
        feedback = check_https_client(client, https_url)
    assert feedback.passed is False
    assert "got a CA object" in feedback.message and "ssl.SSLContext" in feedback.message


def test_https_client_that_trusts_another_ca(https_url: str) -> None:
    with httpx.Client(verify=trusting_context(trustme.CA())) as client:
        feedback = check_https_client(client, https_url)
    assert feedback.passed is False and "CERTIFICATE_VERIFY_FAILED" in feedback.message


def test_https_client_debug_cell_as_given_trusts_the_intermediate(ca: trustme.CA, https_url: str) -> None:
    """The exercise's bug: the CA that `ca` signed is trusted, not `ca`, which signed the server's certificate."""
    with httpx.Client(verify=trusting_context(ca.create_child_ca())) as client:
        feedback = check_https_client(client, https_url)
    assert feedback.passed is False
    assert "`intermediate`" in feedback.message and "top of the server certificate's chain" in feedback.message
    assert "configure_trust" not in feedback.message and "verify=context" not in feedback.message  # not the fix


def test_https_client_trusting_both_root_and_intermediate_passes(ca: trustme.CA, https_url: str) -> None:
    """Leaving the intermediate in and adding the root is a right fix too."""
    context = trusting_context(ca)
    ca.create_child_ca().configure_trust(context)
    with httpx.Client(verify=context) as client:
        assert check_https_client(client, https_url).passed is True


def test_https_client_from_the_system_cas_plus_the_lesson_ca_passes(ca: trustme.CA, https_url: str) -> None:
    """`ssl.create_default_context()` without cafile= (the system's CAs) keeps the usual checks too."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    with httpx.Client(verify=context) as client:
        feedback = check_https_client(client, https_url)
    assert feedback.passed is True, feedback.message


@pytest.mark.parametrize(
    ("answer", "expected_hint"),
    [
        (ssl.create_default_context(), "now make the client with it"),
        (httpx.Response(200), "not a response"),
        ("httpx.Client(verify=context)", "expected an `httpx.Client(...)`"),
    ],
)
def test_https_client_wrong_kind_of_answer(answer: object, expected_hint: str, https_url: str) -> None:
    feedback = check_https_client(answer, https_url)
    assert feedback.passed is False
    assert expected_hint in feedback.message


def test_https_client_against_plain_http(client: httpx.Client, server) -> None:
    feedback = check_https_client(client, server.url)
    assert feedback.passed is False and "did not use TLS" in feedback.message


# --- exercise 2: predict what the app believes of a spoofed request ---------------------------------------


def predict(client: object, scheme: object) -> dict[str, object]:
    return {CLIENT: client, SCHEME: scheme}


@pytest.mark.parametrize(
    ("client", "scheme"),
    [("203.0.113.7", "https"), (" 203.0.113.7 ", "HTTPS"), ("203.0.113.7", "https://"), ("203.0.113.7", "https:")],
)
def test_prediction_solution_passes_however_written(server, client: str, scheme: str) -> None:
    feedback = check_forwarded_prediction(predict(client, scheme), server.url)
    assert feedback.passed is True, feedback.message
    assert "trusts 127.0.0.1 by default" in feedback.message


def test_prediction_not_attempted_sends_nothing() -> None:
    # no server at all: a prediction not yet written must not be compared with anything
    assert check_forwarded_prediction(predict(..., ...), "http://127.0.0.1:9").passed is None
    assert check_forwarded_prediction(..., "http://127.0.0.1:9").passed is None


@pytest.mark.parametrize(
    ("client", "scheme", "named"),
    [
        ("127.0.0.1", "https", "you predicted the client 127.0.0.1,"),  # the usual belief: the header is ignored
        ("203.0.113.7", "http", "you predicted the scheme http,"),
        ("127.0.0.1", "http", "the client 127.0.0.1 and the scheme http"),
        ("::1", "http", "the client ::1 and the scheme http"),  # IPv6 loopback: the request goes to 127.0.0.1
    ],
)
def test_prediction_usual_mistakes_say_what_really_happened(server, client: str, scheme: str, named: str) -> None:
    feedback = check_forwarded_prediction(predict(client, scheme), server.url)
    assert feedback.passed is False
    assert named in feedback.message
    assert "saw client 203.0.113.7" in feedback.message and "https://" in feedback.message
    assert "trusts 127.0.0.1 by default" in feedback.message
    assert "`untrusting_app`" in feedback.message  # the notebook's app that would have ignored them


def test_prediction_is_judged_against_the_real_server(db_url) -> None:
    """An app that does not trust 127.0.0.1 (untrusting_app) ignores the headers: then 127.0.0.1 and http are right."""
    with start_server(create_app(db_url), port=0, name="test-06-distrusts", forwarded_allow_ips="") as app:
        feedback = check_forwarded_prediction(predict("127.0.0.1", "http"), app.url)
        assert feedback.passed is True and "ignored both headers" in feedback.message
        wrong = check_forwarded_prediction(predict("203.0.113.7", "https"), app.url)
    assert wrong.passed is False and "ignored both headers" in wrong.message


@pytest.mark.parametrize(
    ("answer", "expected_hint"),
    [
        (predict("203.0.113.7", ...), "still `...`"),
        (predict("the attacker", "https"), "not an IP address"),
        (predict("203.0.113.7", "ftp"), "not a scheme"),
        (predict(None, "https"), "not an IP address"),
        ({"client": "203.0.113.7", "scheme": "https"}, "keep the dictionary"),
        ("203.0.113.7", "keep the dictionary"),
    ],
)
def test_prediction_malformed_answers(answer: object, expected_hint: str) -> None:
    feedback = check_forwarded_prediction(answer, "http://127.0.0.1:9")  # refused before anything is sent
    assert feedback.passed is False
    assert expected_hint in feedback.message


def test_prediction_with_the_server_gone_gets_a_hint_not_an_exception() -> None:
    feedback = check_forwarded_prediction(predict("203.0.113.7", "https"), "http://127.0.0.1:9")
    assert feedback.passed is False and "could not ask the app" in feedback.message


# --- exercise 3: what the wiretap reads ---------------------------------------------------------------------


def test_visible_solution_passes() -> None:
    assert check_visible(dict(VISIBLE)).passed is True


def test_visible_not_attempted() -> None:
    assert check_visible(...).passed is None
    assert check_visible(dict.fromkeys(VISIBLE, ...)).passed is None


@pytest.mark.parametrize(
    ("item", "expected_hint"),
    [
        ("the host name (localhost)", "SNI"),  # the usual belief: HTTPS hides the site you visit
        ("the server's IP address and port", "IP and TCP headers"),
        ("the path (/admin/stats)", "inside the encrypted connection"),  # the usual belief: only the body is hidden
        ("the Authorization header (the token)", "did not find the token"),
        ("the JSON body of the response", "encrypted like the request"),
    ],
)
def test_visible_usual_mistakes(item: str, expected_hint: str) -> None:
    feedback = check_visible({**VISIBLE, item: not VISIBLE[item]})
    assert feedback.passed is False
    assert expected_hint in feedback.message


def test_visible_partial_and_malformed() -> None:
    assert "still `...`" in check_visible({**VISIBLE, "the JSON body of the response": ...}).message
    assert "True (readable) or False" in check_visible({**VISIBLE, "the path (/admin/stats)": "no"}).message
    assert "keep the dictionary" in check_visible({"the path": False}).message
