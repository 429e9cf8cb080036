"""Ports on this machine: is one free, which one is, does something answer there."""

from __future__ import annotations

import socket


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Say whether a program could start listening on this port now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # The same option servers set, so a port in TIME_WAIT after a restart still counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """Return a port the operating system says is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def accepts(port: int, timeout: float = 0.5) -> bool:
    """Say whether something on 127.0.0.1 accepts connections on this port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False
