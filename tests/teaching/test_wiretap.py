"""The wiretap of lesson 06, against the real lesson API on loopback, over http and over https."""

from __future__ import annotations

import socket

import httpx
import pytest
import trustme

from lesson_app.runtime.server import LessonServer
from lesson_app.teaching.wiretap import Wiretap, flip_a_bit, record_types
from tests.conftest import trusting_context


def record(kind: int, content: bytes) -> bytes:
    """One TLS record: the type, the version bytes 3 3, the length, the content."""
    return bytes([kind, 3, 3]) + len(content).to_bytes(2, "big") + content


# --- the byte-level helpers ---------------------------------------------------------------------------------


def test_record_types_names_each_record_and_skips_a_cut_off_one() -> None:
    data = record(22, b"hello") + record(20, b"\x01") + record(23, b"secret") + record(23, b"cut off")[:-2]
    assert record_types(data) == ["handshake", "change_cipher_spec", "application_data"]
    assert record_types(bytearray(record(99, b""))) == ["?"]
    assert record_types(b"") == []


def test_flip_a_bit_changes_only_the_last_byte_of_application_data() -> None:
    handshake, first, second = record(22, b"hello"), record(23, b"ab"), record(23, b"cd")
    flipped = flip_a_bit(handshake + first + second)
    assert flipped == handshake + first[:-1] + b"c" + second[:-1] + b"e"  # b"b" is 0x62, 0x62 ^ 1 is b"c"
    assert flip_a_bit(record(23, b"xy")[:-1]) == record(23, b"xy")[:-1]  # a cut-off record is left alone


# --- over http: the tap reads everything, and can change it -------------------------------------------------


def test_the_tap_relays_and_copies_both_directions(server: LessonServer) -> None:
    with Wiretap(server.port) as tap, httpx.Client(base_url=f"http://127.0.0.1:{tap.port}") as client:
        response = client.get("/echo", params={"lesson": "06"}, headers={"Authorization": "Bearer secret"})
    assert response.status_code == 200 and response.json()["query"] == {"lesson": "06"}
    assert bytes(tap.from_client).startswith(b"GET /echo?lesson=06 HTTP/1.1\r\n")
    assert b"Authorization: Bearer secret" in tap.from_client
    assert bytes(tap.from_server).startswith(b"HTTP/1.1 200 OK\r\n") and b'"lesson":"06"' in tap.from_server


def test_a_tamper_function_changes_what_the_server_receives_but_not_the_copy(server: LessonServer) -> None:
    def edit(data: bytes) -> bytes:
        return data.replace(b"lesson=06", b"lesson=66")

    with Wiretap(server.port, tamper=edit) as tap, httpx.Client(base_url=f"http://127.0.0.1:{tap.port}") as client:
        seen = client.get("/echo", params={"lesson": "06"}).json()
    assert seen["query"] == {"lesson": "66"}
    assert b"lesson=06" in tap.from_client


def test_a_closed_tap_refuses_connections(server: LessonServer) -> None:
    tap = Wiretap(server.port)
    tap.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", tap.port), timeout=2).close()
    assert repr(tap) == f"<Wiretap 127.0.0.1:{tap.port} -> 127.0.0.1:{server.port}>"


# --- over https: TLS records, and a flipped bit is refused --------------------------------------------------


def test_over_https_the_tap_sees_records_and_the_host_name_only(ca: trustme.CA, https_server: LessonServer) -> None:
    with (
        Wiretap(https_server.port) as tap,
        httpx.Client(base_url=f"https://localhost:{tap.port}", verify=trusting_context(ca)) as client,
    ):
        response = client.get("/echo", params={"lesson": "06"}, headers={"Authorization": "Bearer secret"})
    assert response.status_code == 200
    sent = bytes(tap.from_client)
    assert record_types(sent)[0] == "handshake" and "application_data" in record_types(sent)
    assert b"localhost" in sent  # SNI, in the ClientHello
    assert b"/echo" not in sent and b"secret" not in sent
    assert b'"lesson"' not in tap.from_server


def test_over_https_a_flipped_bit_gets_no_answer(ca: trustme.CA, https_server: LessonServer) -> None:
    with (
        Wiretap(https_server.port, tamper=flip_a_bit) as tap,
        httpx.Client(base_url=f"https://localhost:{tap.port}", verify=trusting_context(ca)) as client,
        pytest.raises(httpx.TransportError),
    ):
        client.get("/echo", params={"lesson": "06"})
