"""Stopping an in-process server: at once when nothing is open, never held up by an idle HTTPS client,
and still finishing a response that is under way."""

from __future__ import annotations

import ssl
import threading
import time
from pathlib import Path

import httpx
import pytest
import trustme
from fastapi import FastAPI

from lesson_app import start_server


def slow_app() -> FastAPI:
    app = FastAPI()

    @app.get("/")
    def home() -> dict[str, str]:
        return {"ok": "yes"}

    @app.get("/slow")
    def slow() -> dict[str, str]:
        time.sleep(0.4)
        return {"finished": "yes"}

    return app


def https_files(tmp_path: Path) -> tuple[str, ssl.SSLContext]:
    ca = trustme.CA()
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(tmp_path / "server.pem")
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return str(tmp_path / "server.pem"), context


def test_an_idle_https_keep_alive_connection_does_not_hold_up_the_stop(tmp_path) -> None:
    # A notebook's client keeps its connection open; the kernel's exit stops the server from that same thread,
    # so the client never answers the server's TLS close_notify (asyncio would wait 30 s for it).
    pem, context = https_files(tmp_path)
    server = start_server(slow_app(), port=0, name="t-stop-tls", ssl_certfile=pem)
    client = httpx.Client(base_url=server.url, verify=context)
    try:
        assert client.get("/").status_code == 200  # the connection stays open in the client's pool
        started = time.monotonic()
        server.stop()
        assert not server.running, "the server thread was still waiting for the idle HTTPS client"
        assert time.monotonic() - started < 2
    finally:
        client.close()


def test_a_stop_with_nothing_open_does_not_wait_for_uvicorns_ticks() -> None:
    # Uvicorn alone looks at should_exit every 0.1 s and then sleeps 0.1 s for connections: at least 0.1 s.
    seconds = []
    for _ in range(3):  # the fastest of three: a loaded machine may slow one stop, not all of them
        with start_server(slow_app(), port=0, name="t-stop-quick") as server:
            assert httpx.get(server.url).status_code == 200  # httpx.get closes its connection
            started = time.monotonic()
        seconds.append(time.monotonic() - started)
        assert not server.running
    assert min(seconds) < 0.09, seconds


def test_a_response_under_way_is_finished_before_the_server_stops(tmp_path) -> None:
    for tls in (False, True):
        pem, context = https_files(tmp_path) if tls else (None, ssl.create_default_context())
        server = start_server(slow_app(), port=0, name=f"t-stop-busy-{tls}", ssl_certfile=pem)
        answers: list[httpx.Response] = []
        with httpx.Client(base_url=server.url, verify=context) as client:
            asking = threading.Thread(target=lambda: answers.append(client.get("/slow")))  # noqa: B023
            asking.start()
            time.sleep(0.15)  # the request is now inside the route's 0.4 s
            server.stop()
            asking.join(5)
        assert not server.running
        assert [(r.status_code, r.json()) for r in answers] == [(200, {"finished": "yes"})], tls


def test_an_idle_keep_alive_connection_closes_without_uvicorns_settling_wait() -> None:
    # The lesson's own client keeps its connection open to the end: the kernel's exit stops the server with it.
    seconds = []
    for _ in range(3):
        server = start_server(slow_app(), port=0, name="t-stop-keep-alive")
        with httpx.Client(base_url=server.url) as client:
            assert client.get("/").status_code == 200
            started = time.monotonic()
            server.stop()
            seconds.append(time.monotonic() - started)
            assert not server.running
            with pytest.raises(httpx.TransportError):  # the connection was closed, and nobody listens any more
                client.get("/")
    assert min(seconds) < 0.09, seconds
