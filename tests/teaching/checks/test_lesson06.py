"""The checkers of notebook 06 against the solutions, the usual wrong answers, and an untouched `...`."""

from __future__ import annotations

import ssl

import httpx
import pytest
import trustme

from lesson_app.teaching.checks.lesson06 import VISIBLE, check_fix, check_https_client, check_visible
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


# --- exercise 2: the right fix ------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["b", "B", " b ", "(b)"])
def test_fix_solution_passes(answer: str) -> None:
    assert check_fix(answer).passed is True


def test_fix_not_attempted() -> None:
    assert check_fix(...).passed is None


@pytest.mark.parametrize(
    ("answer", "expected_hint"),
    [("a", "by not checking anything"), ("c", "together with the encryption"), ("d", "answer with one letter")],
)
def test_fix_usual_mistakes(answer: str, expected_hint: str) -> None:
    feedback = check_fix(answer)
    assert feedback.passed is False
    assert expected_hint in feedback.message


@pytest.mark.parametrize("answer", ["bogus", "because", "a or b", "c, then b"])
def test_fix_reads_the_whole_answer_not_its_first_letter(answer: str) -> None:
    """Only "b" alone (or the text of choice b) is choice b: a word that starts with b is not an answer."""
    feedback = check_fix(answer)
    assert feedback.passed is False
    assert "is not one of the choices: answer with one letter" in feedback.message


@pytest.mark.parametrize(
    "answer", ["(b)", "b.", " B ", "Make the client trust the CA that signed the server's certificate"]
)
def test_fix_accepts_the_letter_however_written_and_the_choice_text(answer: str) -> None:
    assert check_fix(answer).passed is True


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
