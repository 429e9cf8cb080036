"""A wiretap for lesson 06: what someone on the path between a client and a server sees, and can change.

`Wiretap` is a relay on loopback: the client connects to the tap, the tap connects to the server, and every
byte is passed on while a copy of each direction is kept. It stands for anyone on the path of a real
connection (a café's Wi-Fi, a router, an internet provider). `record_types` names the TLS records in what it
copied, and `flip_a_bit` is a tamper function for an attacker who cannot read the bytes but changes them.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable

# The first byte of every TLS record says what it carries (RFC 8446, section 5.1).
RECORD_TYPES = {20: "change_cipher_spec", 21: "alert", 22: "handshake", 23: "application_data"}
APPLICATION_DATA = 23


class Wiretap:
    """Listen on a free port of 127.0.0.1 (`.port`) and relay each connection to 127.0.0.1:`server_port`.

    `from_client` and `from_server` hold a copy of every byte each side sent. `tamper`, if given, changes
    each chunk the client sends before it reaches the server (the copy keeps what the client sent).
    """

    def __init__(self, server_port: int, tamper: Callable[[bytes], bytes] | None = None) -> None:
        self.server_port, self.tamper = server_port, tamper
        self.from_client, self.from_server = bytearray(), bytearray()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True, name=f"wiretap-{self.port}").start()

    def __repr__(self) -> str:
        return f"<Wiretap 127.0.0.1:{self.port} -> 127.0.0.1:{self.server_port}>"

    def _accept(self) -> None:
        try:
            while True:
                client_side, _ = self._listener.accept()
                server_side = socket.create_connection(("127.0.0.1", self.server_port))
                self._connections += [client_side, server_side]
                for source, sink, copy, tamper in [
                    (client_side, server_side, self.from_client, self.tamper),
                    (server_side, client_side, self.from_server, None),
                ]:
                    threading.Thread(target=self._relay, args=(source, sink, copy, tamper), daemon=True).start()
        except OSError:  # the tap was closed, or the server is gone
            pass

    @staticmethod
    def _relay(
        source: socket.socket, sink: socket.socket, copy: bytearray, tamper: Callable[[bytes], bytes] | None
    ) -> None:
        try:
            while data := source.recv(65536):
                copy += data
                sink.sendall(tamper(data) if tamper else data)
            sink.shutdown(socket.SHUT_WR)  # pass the end of the stream on, too
        except OSError:  # the other side went away
            pass

    def close(self) -> None:
        """Stop listening and cut the connections still open; the copies stay readable."""
        for sock in [self._listener, *self._connections]:
            with contextlib.suppress(OSError):  # already closed by the other side
                sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in accept() or recv()
            sock.close()

    def __enter__(self) -> Wiretap:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _records(data: bytes) -> list[tuple[int, int, int]]:
    """Split `data` into TLS records: (type, start, end) for each. A record is a type byte, the version
    (2 bytes), the length of its content (2 bytes), then the content. A record cut off at the end is left out."""
    records, start = [], 0
    while start + 5 <= len(data):
        end = start + 5 + int.from_bytes(data[start + 3 : start + 5], "big")
        if end > len(data):
            break
        records.append((data[start], start, end))
        start = end
    return records


def record_types(data: bytes | bytearray) -> list[str]:
    """Name the TLS records in `data`, in order, e.g. ['handshake', 'change_cipher_spec', 'application_data']."""
    return [RECORD_TYPES.get(kind, "?") for kind, _, _ in _records(bytes(data))]


def flip_a_bit(data: bytes) -> bytes:
    """Tamper blindly: flip the last bit of every application_data record in `data`, leave the rest as it is."""
    changed = bytearray(data)
    for kind, _, end in _records(data):
        if kind == APPLICATION_DATA:
            changed[end - 1] ^= 1
    return bytes(changed)
