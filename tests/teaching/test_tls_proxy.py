"""TlsProxy: HTTPS in, plain HTTP with X-Forwarded-* out, and what Uvicorn makes of it, on real servers."""

from __future__ import annotations

import errno
import ssl
import uuid
from collections.abc import Iterator

import httpx
import pytest
import trustme

from lesson_app import create_app, start_server
from lesson_app.teaching.tls_proxy import TlsProxy, add_forwarding
from tests.conftest import trusting_context

HEAD = b"GET /echo HTTP/1.1\r\nHost: example.test\r\nConnection: keep-alive\r\n\r\n"


def test_add_forwarding_adds_the_three_headers_and_closes_after_one_request() -> None:
    head = add_forwarding(HEAD, "127.0.0.1").decode()
    assert head.startswith("GET /echo HTTP/1.1\r\nHost: example.test\r\n")
    assert head.endswith(
        "X-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Proto: https\r\nForwarded: for=127.0.0.1;proto=https\r\n"
        "Connection: close\r\n\r\n"
    )
    assert "keep-alive" not in head


def test_add_forwarding_appends_to_the_clients_for_and_replaces_its_proto() -> None:
    lying = HEAD.replace(b"\r\n\r\n", b"\r\nx-forwarded-for: 203.0.113.7\r\nX-Forwarded-Proto: http\r\n\r\n")
    head = add_forwarding(lying, "127.0.0.1").decode()
    assert "X-Forwarded-For: 203.0.113.7, 127.0.0.1\r\n" in head  # as nginx's $proxy_add_x_forwarded_for
    assert head.count("X-Forwarded-Proto") == 1 and "X-Forwarded-Proto: https" in head


def test_add_forwarding_quotes_an_ipv6_client_as_rfc_7239_asks() -> None:
    assert 'Forwarded: for="[::1]";proto=https' in add_forwarding(HEAD, "::1").decode()


@pytest.fixture
def proxy_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.2").configure_cert(context)
    return context


@pytest.fixture
def app_behind(db_url, request: pytest.FixtureRequest) -> Iterator:
    """The lesson API with Uvicorn's defaults, or with the `forwarded_allow_ips` the test gives as its param."""
    config = {"forwarded_allow_ips": request.param} if getattr(request, "param", None) else {}
    with start_server(create_app(db_url), port=0, name=f"test-proxy-{uuid.uuid4().hex[:8]}", **config) as app:
        yield app


def echo_through(proxy: TlsProxy, ca: trustme.CA, **headers: str) -> tuple[dict, httpx.Response]:
    with httpx.Client(base_url=proxy.url, verify=trusting_context(ca), headers=headers) as browser:
        return browser.get("/echo").json(), browser.get("/videos/")


def test_uvicorn_ignores_a_proxy_it_does_not_trust(app_behind, proxy_tls, ca) -> None:
    """127.0.0.2 is not in Uvicorn's default forwarded_allow_ips: the app sees the proxy and plain http."""
    with TlsProxy(app_behind.port, proxy_tls) as proxy:
        seen, redirect = echo_through(proxy, ca)
    assert proxy.url.startswith("https://127.0.0.2:")
    assert (seen["scheme"], seen["client"]) == ("http", "127.0.0.2")
    assert seen["headers"]["x-forwarded-proto"] == "https" and seen["headers"]["forwarded"].startswith("for=")
    assert redirect.status_code == 307 and redirect.headers["location"] == f"http://127.0.0.2:{proxy.port}/videos"


@pytest.mark.parametrize("app_behind", ["127.0.0.2"], indirect=True)
def test_uvicorn_believes_the_proxy_it_trusts_and_not_a_lying_client(app_behind, proxy_tls, ca) -> None:
    with TlsProxy(app_behind.port, proxy_tls) as proxy:
        seen, redirect = echo_through(proxy, ca)
        lied, _ = echo_through(proxy, ca, **{"X-Forwarded-For": "203.0.113.7"})
    assert (seen["scheme"], seen["client"]) == ("https", "127.0.0.1")
    assert redirect.headers["location"] == f"https://127.0.0.2:{proxy.port}/videos"
    assert lied["client"] == "127.0.0.1"  # read from the right: the first untrusted address is the real client
    assert "X-Forwarded-For: 203.0.113.7, 127.0.0.1" in proxy.forwarded[-1]


@pytest.mark.parametrize("app_behind", ["*"], indirect=True)
def test_trusting_every_address_believes_any_client(app_behind) -> None:
    seen = httpx.get(app_behind.url + "/echo", headers={"X-Forwarded-For": "203.0.113.7"}).json()
    assert seen["client"] == "203.0.113.7"


def test_a_request_body_reaches_the_app(app_behind, proxy_tls, ca) -> None:
    video = {"title": "Through the proxy", "url": f"https://videos.example/watch/{uuid.uuid4().hex}", "channel": "RJ"}
    with TlsProxy(app_behind.port, proxy_tls) as proxy, httpx.Client(verify=trusting_context(ca)) as browser:
        created = browser.post(proxy.url + "/videos", json=video)
    assert created.status_code == 201 and created.json()["title"] == "Through the proxy"


def test_an_address_this_machine_does_not_have_says_what_to_do(proxy_tls) -> None:
    with pytest.raises(OSError) as raised:
        TlsProxy(9, proxy_tls, host="192.0.2.1")  # TEST-NET-1: on no machine's interfaces
    assert raised.value.errno == errno.EADDRNOTAVAIL and "sudo ifconfig lo0 alias 192.0.2.1 up" in str(raised.value)
