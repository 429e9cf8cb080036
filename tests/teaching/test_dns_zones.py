"""The lesson 02 name servers and resolver: real DNS messages over UDP on loopback, referrals, glue, the cache."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

from lesson_app.teaching.dns_resolver import Cache, RecursiveResolver
from lesson_app.teaching.dns_zones import Zones, start_zones


@pytest.fixture
def zones() -> Iterator[Zones]:
    with start_zones() as running:
        yield running


def ask(zones: Zones, server: str, name: str) -> dns.message.Message:
    query = dns.message.make_query(name, "A")
    query.flags &= ~dns.flags.RD
    return dns.query.udp(query, "127.0.0.1", port=zones.ports[server], timeout=2)


def test_root_refers_with_ns_and_glue(zones: Zones) -> None:
    reply = ask(zones, "root", "shop.test.")
    assert not reply.answer
    assert not reply.flags & dns.flags.AA and not reply.flags & dns.flags.RA
    assert [rrset.to_text() for rrset in reply.authority] == ["test. 86400 IN NS ns.test."]
    assert [rrset.to_text() for rrset in reply.additional] == ["ns.test. 86400 IN A 127.0.0.1"]


def test_authoritative_server_answers_with_ttl(zones: Zones) -> None:
    reply = ask(zones, "ns.shop.test.", "SHOP.test")
    assert reply.flags & dns.flags.AA
    assert [rrset.to_text() for rrset in reply.answer] == ["shop.test. 300 IN A 127.0.0.1"]


def test_unknown_name_is_nxdomain(zones: Zones) -> None:
    assert ask(zones, "ns.test.", "nowhere.test.").rcode() == dns.rcode.NXDOMAIN


def test_cold_lookup_walks_three_servers(zones: Zones) -> None:
    lookup = RecursiveResolver(zones).lookup("shop.test")
    assert (lookup.addresses, lookup.ttl) == (["127.0.0.1"], 300)
    assert [step.server for step in lookup.steps] == ["root", "ns.test.", "ns.shop.test."]
    assert "glue: 127.0.0.1" in lookup.steps[0].reply
    assert zones.queries() == {name: ["shop.test. A"] for name in ("root", "ns.test.", "ns.shop.test.")}


def test_cache_answers_until_the_ttl_runs_out(zones: Zones) -> None:
    resolver = RecursiveResolver(zones, Cache())
    resolver.lookup("shop.test")
    resolver.cache.advance(299)
    warm = resolver.lookup("shop.test.")
    assert (warm.steps, warm.ttl) == ([], 1)
    resolver.cache.advance(1)
    expired = resolver.lookup("shop.test")
    # The A record is gone, the delegation (TTL 3600) is not: one question, straight to ns.shop.test.
    assert [step.server for step in expired.steps] == ["ns.shop.test."]
    assert expired.ttl == 300
    assert len(zones.queries()["ns.shop.test."]) == 2


def test_nxdomain_lookup_has_no_addresses(zones: Zones) -> None:
    lookup = RecursiveResolver(zones).lookup("nowhere.test")
    assert lookup.addresses == [] and lookup.steps[-1].reply == "NXDOMAIN"


def test_start_again_stops_the_earlier_servers_and_frees_their_ports() -> None:
    first = start_zones()
    second = start_zones()
    try:
        assert "stopped" in repr(first) and "running" in repr(second)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", first.ports["root"]))  # fails with EADDRINUSE if the server kept it
    finally:
        second.stop()
    second.stop()  # a second stop does no harm


def test_stopping_the_three_servers_does_not_wait_out_socketservers_half_second_poll() -> None:
    """dnslib's own thread polls every 0.5 s, and the three servers stopped one after another took 0.4-0.9 s."""
    import time

    seconds = []
    for _ in range(2):
        zones = start_zones()
        started = time.perf_counter()
        zones.stop()
        seconds.append(time.perf_counter() - started)
        assert not zones.running and not any(dns.thread.is_alive() for dns in zones._dns)
    assert min(seconds) < 0.3, seconds
