"""Ports on this machine, the one place that binds one: is it free, which one is, does something answer there."""

from __future__ import annotations

import socket
from collections.abc import Iterable


def listen(host: str, port: int) -> socket.socket:
    """Listen on host:port (0: any free port) and return the socket; raise OSError as the system says."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio turns off Nagle's algorithm (TCP_NODELAY) only on sockets that say
    # so, and without it every response waits ~40 ms for the client's delayed ACK (measured: 44 ms vs 0.7 ms).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    # As servers (Uvicorn, PostgreSQL) do, so a port in TIME_WAIT after a restart still counts as free.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def listen_on_first(host: str, candidates: Iterable[int | None]) -> socket.socket:
    """Listen on the first candidate port that is free (None ones are skipped), else on any free port."""
    for port in candidates:
        if port is not None:
            try:
                return listen(host, port)
            except OSError:
                pass
    return listen(host, 0)  # the operating system picks a free port


def first_free_port(candidates: Iterable[int | None], host: str = "127.0.0.1") -> int:
    """Return the first candidate port free right now, else one the operating system says is free."""
    with listen_on_first(host, candidates) as sock:
        return sock.getsockname()[1]


def free_port(host: str = "127.0.0.1") -> int:
    """Return a port the operating system says is free right now."""
    return first_free_port((), host)


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Say whether a program could start listening on this port now."""
    try:
        listen(host, port).close()
    except OSError:
        return False
    return True


def accepts(port: int, timeout: float = 0.5) -> bool:
    """Say whether something on 127.0.0.1 accepts connections on this port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False
