"""The in-process server: start, re-run, port taken, stop, and quiet logs."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from lesson_app import PortInUseError, PrivilegedPortError, start_server
from lesson_app.runtime.ports import free_port, port_is_free
from lesson_app.runtime.server import DEFAULT_PORT, ServerStartError
from tests.helpers import run_as_nobody


def tiny_app() -> FastAPI:
    app = FastAPI()

    @app.get("/")
    def home() -> dict[str, str]:
        return {"ok": "yes"}

    return app


def test_start_answers_and_stop_frees_the_port() -> None:
    server = start_server(tiny_app(), port=0, name="t-start")
    assert server.running and server.url == f"http://127.0.0.1:{server.port}"
    assert httpx.get(server.url).json() == {"ok": "yes"}  # answering as soon as start_server returns
    server.stop()
    assert not server.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url)
    server.stop()  # twice is harmless


def test_context_manager_stops() -> None:
    with start_server(tiny_app(), port=0, name="t-ctx") as server:
        assert httpx.get(server.url).status_code == 200
    assert not server.running


def test_running_the_same_cell_again_replaces_the_server() -> None:
    port = free_port()
    first = start_server(tiny_app(), port=port)
    second = start_server(tiny_app(), port=port)  # a re-run of the cell: same port, no "address in use"
    try:
        assert not first.running and second.running and second.port == port
        assert httpx.get(second.url).status_code == 200
    finally:
        second.stop()


def test_port_zero_does_not_replace_the_default_server() -> None:
    with start_server(tiny_app()) as default, start_server(tiny_app(), port=0) as other:
        assert default.running and other.running and default.port != other.port


def test_default_port_is_8000_or_a_free_one() -> None:
    with start_server(tiny_app(), name="t-default") as server:
        assert server.port == 8000 or server.port > 1024
        assert httpx.get(server.url).status_code == 200


def test_port_taken_by_another_program_fails_fast_and_clearly() -> None:
    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", 0))
        other_program.listen()
        port = other_program.getsockname()[1]
        started = time.monotonic()
        expected = f"127.0.0.1:{port} is already in use by a socket this process opened itself.*port={port + 1}"
        with pytest.raises(PortInUseError, match=expected):
            start_server(tiny_app(), port=port)
        assert time.monotonic() - started < 1


def test_port_taken_by_another_server_of_this_notebook_names_it() -> None:
    with (
        start_server(tiny_app(), port=0, name="first") as first,
        pytest.raises(PortInUseError, match="this notebook's server 'first'"),
    ):
        start_server(tiny_app(), port=first.port, name="second")


def test_startup_failure_is_reported_not_hung() -> None:
    @asynccontextmanager
    async def broken(app):
        raise RuntimeError("startup failed")
        yield

    started = time.monotonic()
    with pytest.raises(ServerStartError, match="did not start"):
        start_server(FastAPI(lifespan=broken), port=0, name="t-broken", timeout=3)
    assert time.monotonic() - started < 4


def test_logs_stay_out_of_output_unless_asked(capfd) -> None:
    import uvicorn

    uvicorn.Config(tiny_app())  # configures Uvicorn's own log handlers, as a learner's cell might
    with start_server(tiny_app(), port=0, name="t-quiet") as server:
        httpx.get(server.url)
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
    assert any("Application startup complete" in line for line in server.logs())


def test_logs_stay_out_even_when_uvicorn_logging_is_configured_later(capfd) -> None:
    import uvicorn

    with start_server(tiny_app(), port=0, name="t-later") as server:
        uvicorn.Config(tiny_app())  # a learner's cell configures Uvicorn's logging while our server runs
        httpx.get(server.url)
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_log_true_prints_access_lines(capfd) -> None:
    with start_server(tiny_app(), port=0, name="t-loud", log=True) as server:
        httpx.get(server.url)
    assert '"GET / HTTP/1.1" 200' in capfd.readouterr().err
    with start_server(tiny_app(), port=0, name="t-quiet-again") as server:
        httpx.get(server.url)
    assert capfd.readouterr().err == ""


def test_https_when_given_a_certificate(tmp_path) -> None:
    import ssl

    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert.private_key_and_cert_chain_pem.write_to_path(tmp_path / "server.pem")
    with start_server(tiny_app(), port=0, name="t-tls", ssl_certfile=str(tmp_path / "server.pem")) as server:
        assert server.url.startswith("https://127.0.0.1:")
        context = ssl.create_default_context()
        ca.configure_trust(context)
        assert httpx.get(server.url, verify=context).status_code == 200
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(server.url)


@contextmanager
def port_8000_held_elsewhere() -> Iterator[None]:
    """Hold 8000 with a plain socket, unless another program on this machine already does."""
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        with suppress(OSError):  # someone else listens there: held elsewhere all the same
            holder.bind(("127.0.0.1", DEFAULT_PORT))
            holder.listen()
        assert not port_is_free(DEFAULT_PORT)
        yield


def test_rerun_keeps_its_port_while_8000_is_held_elsewhere() -> None:
    with port_8000_held_elsewhere():
        first = start_server(tiny_app(), name="t-rerun")
        assert first.port != DEFAULT_PORT
        client = httpx.Client(base_url=first.url)  # made in the next cell, as a learner does
        second = start_server(tiny_app(), name="t-rerun")  # the first cell run again
        assert not first.running and second.port == first.port
        assert client.get("/").status_code == 200
        second.stop()
        third = start_server(tiny_app(), name="t-rerun")  # stopped by hand, then the cell run again
        assert third.port == first.port
        assert client.get("/").status_code == 200
        third.stop()
        client.close()


def test_rerun_moves_only_when_its_old_port_was_taken_meanwhile() -> None:
    with port_8000_held_elsewhere():
        first = start_server(tiny_app(), name="t-moved")
        first.stop()
        with socket.socket() as other_program:
            other_program.bind(("127.0.0.1", first.port))
            other_program.listen()
            with start_server(tiny_app(), name="t-moved") as second:
                assert second.port not in (first.port, DEFAULT_PORT)
                assert httpx.get(second.url).status_code == 200


def _bind_80() -> str:
    """Start and stop a server on port 80; report "started" when that worked."""
    start_server(tiny_app(), port=80, name="t-80").stop()
    return "started"


@pytest.mark.skipif(
    Path("/proc/sys/net/ipv4/ip_unprivileged_port_start").exists()
    and int(Path("/proc/sys/net/ipv4/ip_unprivileged_port_start").read_text()) <= 80,
    reason="this machine lets every user listen on port 80",
)
def test_port_80_as_ordinary_user_says_it_needs_an_administrator() -> None:
    report = run_as_nobody(_bind_80)
    assert report.startswith("PrivilegedPortError:"), report
    assert "Port 80 is below 1024, where only an administrator (root) may listen" in report
    assert "already in use" not in report
    assert "port=8000" in report
    assert issubclass(PrivilegedPortError, PermissionError)


def test_errors_returns_the_exception_a_route_raised_on_this_server_only() -> None:
    app = FastAPI()

    @app.get("/boom")
    def boom() -> None:
        raise LookupError("no such thing")

    with (
        start_server(app, port=0, name="test-errors") as failing,
        start_server(tiny_app(), port=0, name="test-errors-other") as other,
    ):
        response = httpx.get(f"{failing.url}/boom")
        deadline = time.monotonic() + 2  # Uvicorn logs the exception just after it has sent the 500
        while not failing.errors() and time.monotonic() < deadline:
            time.sleep(0.01)
        errors = failing.errors()
        assert other.errors() == []
    assert response.status_code == 500
    assert [(type(exc), str(exc)) for exc in errors] == [(LookupError, "no such thing")]


def test_the_log_filter_is_installed_once_however_many_servers_start() -> None:
    from lesson_app.runtime import server_logs

    for name in ("first", "second"):
        start_server(tiny_app(), port=0, name=f"t-filter-{name}").stop()
    for name in server_logs.LOGGERS:
        filters = logging.getLogger(name).filters
        assert filters.count(server_logs.logs) == 1, name
