"""TlsProxy: HTTPS in, plain HTTP with X-Forwarded-* out, and what Uvicorn makes of it, on real servers."""

from __future__ import annotations

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
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture
def app_behind(db_url, request: pytest.FixtureRequest) -> Iterator:
    """The lesson API with the `forwarded_allow_ips` the test gives as its param, or Uvicorn's default (None)."""
    allow = getattr(request, "param", None)
    config = {} if allow is None else {"forwarded_allow_ips": allow}
    with start_server(create_app(db_url), port=0, name=f"test-proxy-{uuid.uuid4().hex[:8]}", **config) as app:
        yield app


def echo_through(proxy: TlsProxy, ca: trustme.CA, **headers: str) -> tuple[dict, httpx.Response]:
    with httpx.Client(base_url=proxy.url, verify=trusting_context(ca), headers=headers) as browser:
        return browser.get("/echo").json(), browser.get("/videos/")


@pytest.mark.parametrize("app_behind", ["", "10.0.0.2"], indirect=True)  # no address; an address not the proxy's
def test_uvicorn_ignores_a_proxy_it_does_not_trust(app_behind, proxy_tls, ca) -> None:
    """An app that does not list 127.0.0.1 sees the proxy's connection: its address and plain http."""
    with TlsProxy(app_behind.port, proxy_tls) as proxy:
        seen, redirect = echo_through(proxy, ca)
    assert proxy.url.startswith("https://127.0.0.1:")
    assert (seen["scheme"], seen["client"]) == ("http", "127.0.0.1")
    assert seen["url"] == f"http://127.0.0.1:{proxy.port}/echo"
    assert seen["headers"]["x-forwarded-proto"] == "https" and seen["headers"]["forwarded"].startswith("for=")
    assert redirect.status_code == 307 and redirect.headers["location"] == f"http://127.0.0.1:{proxy.port}/videos"


@pytest.mark.parametrize("app_behind", [None, "127.0.0.1"], indirect=True)  # the default trusts 127.0.0.1 already
def test_uvicorn_believes_a_proxy_on_loopback_by_default(app_behind, proxy_tls, ca) -> None:
    with TlsProxy(app_behind.port, proxy_tls) as proxy:
        seen, redirect = echo_through(proxy, ca)
    assert (seen["scheme"], seen["client"]) == ("https", "127.0.0.1")
    assert seen["url"] == f"https://127.0.0.1:{proxy.port}/echo"
    assert redirect.headers["location"] == f"https://127.0.0.1:{proxy.port}/videos"


@pytest.mark.parametrize("app_behind", ["127.0.0.1"], indirect=True)
def test_on_one_machine_a_lie_through_the_proxy_is_believed(app_behind, proxy_tls, ca) -> None:
    """Uvicorn reads X-Forwarded-For from the right and skips trusted addresses: here the browser's own, too."""
    with TlsProxy(app_behind.port, proxy_tls) as proxy:
        lied, _ = echo_through(proxy, ca, **{"X-Forwarded-For": "203.0.113.7"})
    assert "X-Forwarded-For: 203.0.113.7, 127.0.0.1" in proxy.forwarded[-1]  # appended, as nginx does
    assert lied["client"] == "203.0.113.7"


@pytest.mark.parametrize(("app_behind", "believed"), [("*", True), ("", False)], indirect=["app_behind"])
def test_trusting_every_address_believes_any_client(app_behind, believed: bool) -> None:
    lie = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    seen = httpx.get(app_behind.url + "/echo", headers=lie).json()
    assert (seen["client"], seen["scheme"]) == (("203.0.113.7", "https") if believed else ("127.0.0.1", "http"))


def test_a_request_body_reaches_the_app(app_behind, proxy_tls, ca) -> None:
    video = {"title": "Through the proxy", "url": f"https://videos.example/watch/{uuid.uuid4().hex}", "channel": "RJ"}
    with TlsProxy(app_behind.port, proxy_tls) as proxy, httpx.Client(verify=trusting_context(ca)) as browser:
        created = browser.post(proxy.url + "/videos", json=video)
    assert created.status_code == 201 and created.json()["title"] == "Through the proxy"
