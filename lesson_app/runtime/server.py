"""Run Uvicorn inside the notebook's own process, on a real port, on a background thread."""

from __future__ import annotations

import atexit
import errno
import logging
import socket
import threading
import time
from typing import Any

import uvicorn

from lesson_app.runtime import ports, server_logs
from lesson_app.runtime.server_logs import THREAD_PREFIX
from lesson_app.runtime.server_logs import logs as _logs
from lesson_app.runtime.status_phrases import use_rfc9110_phrases
from lesson_app.runtime.uvicorn_server import LessonUvicorn

DEFAULT_PORT = 8000  # Uvicorn's own default, the port the notes open in the browser


class PortInUseError(OSError):
    """Another program (or another server of this notebook) already listens on the port."""


class PrivilegedPortError(PermissionError):
    """Ports below 1024 are reserved for the administrator, and we are an ordinary user."""


class ServerStartError(RuntimeError):
    """Uvicorn stopped before it was ready; the message carries its last log line."""


_exit_hook: list[bool] = []  # holds True once stop_all is registered to run at exit


def _prepare() -> None:
    """On the first start: filter Uvicorn's and lesson_app's loggers and stop every server at exit.

    Done here, not at import, so that importing this module changes nothing; calling it again changes nothing.
    """
    if not _exit_hook:
        atexit.register(stop_all)
        _exit_hook.append(True)
    server_logs.install()


_servers: dict[str, LessonServer] = {}
_last_ports: dict[str, int] = {}  # per cell key, even after a stop: a re-run keeps its URL while the port is free


class LessonServer:
    """A running Uvicorn server: `.url`, `.port`, `.stop()`, and a context manager that stops it."""

    def __init__(self, server: LessonUvicorn, thread: threading.Thread, sock: socket.socket, key: str):
        self._server, self._thread, self._socket, self.key = server, thread, sock, key
        self.host, self.port = sock.getsockname()[:2]
        scheme = "https" if server.config.ssl_certfile else "http"
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"{scheme}://{shown}:{self.port}"

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<LessonServer {self.url} ({state})>"

    @property
    def running(self) -> bool:
        """Say whether the server thread is still serving."""
        return self._thread.is_alive()

    @property
    def app(self) -> Any:
        """The ASGI app this server serves (a checker reads what the lesson API recorded)."""
        return self._server.config.app

    def logs(self) -> list[str]:
        """Return the recent log lines of the in-process servers (Uvicorn's and lesson_app's)."""
        return list(_logs.lines)

    def errors(self) -> list[BaseException]:
        """Return the exceptions this server logged, oldest first (e.g. a route that raised: a 500)."""
        return [exc for thread, exc in _logs.errors if thread == f"{THREAD_PREFIX}{self.port}"]

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving and free the port; calling it twice is harmless."""
        self._server.request_exit()
        self._thread.join(timeout)
        self._socket.close()
        if _servers.get(self.key) is self:
            del _servers[self.key]

    def __enter__(self) -> LessonServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _bind(host: str, port: int | None, previous: int | None) -> socket.socket:
    """Listen ourselves, so a busy port fails here at once instead of inside Uvicorn's thread.

    With no port: where this cell's server was before, else on 8000, else on any free port.
    """
    if port is None:
        return ports.listen_on_first(host, (previous, DEFAULT_PORT))
    try:
        return ports.listen(host, port)
    except OSError as exc:
        if exc.errno == errno.EACCES:
            raise PrivilegedPortError(
                exc.errno,
                f"Port {port} is below 1024, where only an administrator (root) may listen: use a port such "
                "as 8000, e.g. start_server(app, port=8000).",
            ) from None
        if exc.errno == errno.EADDRINUSE:
            from lesson_app.runtime.port_holder import in_use_message  # psutil: ~25 ms, only for a taken port

            ours = next((s.key for s in _servers.values() if s.port == port), None)
            raise PortInUseError(exc.errno, in_use_message(host, port, ours)) from None
        raise


def _serve(server: LessonUvicorn, sock: socket.socket) -> None:
    """Run Uvicorn; if it gives up (it calls sys.exit), log why instead of printing a thread traceback."""
    try:
        server.run(sockets=[sock])
    except BaseException as exc:  # noqa: BLE001 - SystemExit from Uvicorn must not reach threading's excepthook
        logging.getLogger("uvicorn.error").error("server thread ended: %r", exc)


def _wait_until_started(server: LessonUvicorn, thread: threading.Thread, sock: socket.socket, timeout: float) -> None:
    """Return once Uvicorn answers; if its thread ends or time runs out, close the socket and say why."""
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            last = _logs.lines[-1] if _logs.lines else "no log line"
            raise ServerStartError(f"The server did not start within {timeout:.0f} s ({last}).")
        time.sleep(0.001)


def start_server(
    app: Any,
    port: int | None = None,
    host: str = "127.0.0.1",
    *,
    name: str | None = None,
    log: bool = False,
    timeout: float = 5.0,
    **config: Any,
) -> LessonServer:
    """Start `app` on a real port in this process and return once it is ready to answer.

    With no port, it takes 8000 (Uvicorn's default) when free and any free port otherwise. Running the
    same cell again replaces the server that cell started (same `name`, or same port) instead of failing,
    and keeps that server's port while it is free, so a client made in a later cell still reaches it.
    `log=True` prints Uvicorn's log lines, access log included, as they happen. Other keyword arguments go
    to `uvicorn.Config`: `ssl_certfile=` and `ssl_keyfile=` serve HTTPS (then `.url` starts with https).
    """
    key = name or ("default" if port is None else f"port {port}")
    if key in _servers:
        _servers[key].stop()
    _prepare()
    _logs.echo = log
    sock = _bind(host, port, _last_ports.get(key))
    use_rfc9110_phrases()  # the same status lines on Python 3.11 to 3.14
    uv_config = uvicorn.Config(app, log_config=None, access_log=log, lifespan="on", **config)
    server = LessonUvicorn(uv_config)
    thread_name = f"{THREAD_PREFIX}{sock.getsockname()[1]}"  # how the log filter knows our records
    thread = threading.Thread(target=_serve, args=(server, sock), daemon=True, name=thread_name)
    thread.start()
    _wait_until_started(server, thread, sock, timeout)
    running = LessonServer(server, thread, sock, key)
    _servers[key] = running
    _last_ports[key] = running.port
    return running


def server_on_port(port: int | None) -> LessonServer | None:
    """Return the running server this process started on `port`, if any."""
    return next((server for server in _servers.values() if server.port == port and server.running), None)


def stop_all() -> None:
    """Stop every server this process started (also done when the kernel exits)."""
    servers = list(_servers.values())
    for server in servers:  # signal all first, so their shutdowns overlap
        server._server.request_exit()
    for server in servers:
        server.stop()
