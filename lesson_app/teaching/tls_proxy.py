"""A TLS-terminating proxy for lesson 06: HTTPS from the client ends here, plain HTTP goes on to Uvicorn.

In production this job belongs to nginx, Caddy or a cloud load balancer. `TlsProxy` does only the part lesson
06 needs, the way nginx does it with `proxy_set_header`: it decrypts one request, adds `X-Forwarded-For` (the
client's address, appended to any the client sent), `X-Forwarded-Proto: https` (replacing any the client sent)
and `Forwarded` (RFC 7239), and sends the request in clear to the app. It listens on 127.0.0.1, the one
loopback address every system answers on (macOS has no other), and connects to the app from there too: whether
the app believes its headers is up to the app's `forwarded_allow_ips`, which lesson 06 varies.
One request per connection, with a `Content-Length` body or none: enough for httpx on loopback, nothing more.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading

HOST = "127.0.0.1"  # where the proxy listens and where the app runs: loopback, on every system
MAX_HEAD = 65536  # bytes: a request head longer than this is refused, as nginx refuses an over-long one


class TlsProxy:
    """Listen with TLS on 127.0.0.1 (`.port`) and forward each request in plain HTTP to 127.0.0.1:`app_port`.

    `tls` is a server-side `ssl.SSLContext` holding the certificate the clients see. `forwarded` keeps the
    head of every request as it was sent on to the app, added headers included.
    """

    def __init__(self, app_port: int, tls: ssl.SSLContext) -> None:
        self.app_port, self._tls = app_port, tls
        self.forwarded: list[str] = []
        self._listener = socket.create_server((HOST, 0))  # a free port
        self.port: int = self._listener.getsockname()[1]
        self.url = f"https://{HOST}:{self.port}"
        threading.Thread(target=self._accept, daemon=True, name=f"tls-proxy-{self.port}").start()

    def __repr__(self) -> str:
        return f"<TlsProxy {self.url} -> http://{HOST}:{self.app_port}>"

    def _accept(self) -> None:
        try:
            while True:
                raw, (client_host, _) = self._listener.accept()
                threading.Thread(target=self._serve, args=(raw, client_host), daemon=True).start()
        except OSError:  # the proxy was closed
            pass

    def _serve(self, raw: socket.socket, client_host: str) -> None:
        """Decrypt one request, forward it with the added headers, and pass the app's answer back."""
        # A failed handshake or a vanished peer ends the connection, and only it.
        with contextlib.suppress(OSError, ValueError), raw, self._tls.wrap_socket(raw, server_side=True) as client:
            head, body = _read_request(client)
            head = add_forwarding(head, client_host)
            self.forwarded.append(head.decode("latin-1"))
            with socket.create_connection((HOST, self.app_port)) as app:
                app.sendall(head + body)
                while data := app.recv(65536):  # the app closes after its answer: Connection: close
                    client.sendall(data)

    def close(self) -> None:
        """Stop listening."""
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self._listener.close()

    def __enter__(self) -> TlsProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_request(client: ssl.SSLSocket) -> tuple[bytes, bytes]:
    """Read one request: its head (up to the blank line) and its body, as long as Content-Length says."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(65536)
        if not chunk or len(data) > MAX_HEAD:
            raise ValueError("no complete request head")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(value) for name, value in _fields(head) if name == b"content-length"), 0)
    while len(body) < length and (chunk := client.recv(65536)):
        body += chunk
    return head + b"\r\n\r\n", body


def _fields(head: bytes) -> list[tuple[bytes, bytes]]:
    """The header fields of a request head, names in lower case."""
    lines = head.split(b"\r\n")[1:]
    return [(name.strip().lower(), value.strip()) for name, _, value in (line.partition(b":") for line in lines)]


def add_forwarding(head: bytes, client_host: str) -> bytes:
    """Return `head` with the headers a proxy adds for `client_host`, and `Connection: close` (one request only).

    As nginx's `$proxy_add_x_forwarded_for`, X-Forwarded-For keeps what the client sent and appends the address
    the proxy saw; X-Forwarded-Proto is the proxy's own word, whatever the client sent.
    """
    request_line, *lines = head.rstrip(b"\r\n").split(b"\r\n")
    fields = [line for line in lines if line.split(b":")[0].strip().lower() not in _REPLACED]
    sent_for = [value for name, value in _fields(head) if name == b"x-forwarded-for"]
    chain = b", ".join([*sent_for, client_host.encode()])
    node = f'"[{client_host}]"' if ":" in client_host else client_host  # RFC 7239 quotes an IPv6 address
    added = [
        b"X-Forwarded-For: " + chain,
        b"X-Forwarded-Proto: https",
        f"Forwarded: for={node};proto=https".encode(),
        b"Connection: close",
    ]
    return b"\r\n".join([request_line, *fields, *added]) + b"\r\n\r\n"


_REPLACED = {b"x-forwarded-for", b"x-forwarded-proto", b"forwarded", b"connection"}
