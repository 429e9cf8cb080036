"""A recursive resolver with a cache, for lesson 02: it walks the delegations down from the root, as 1.1.1.1 does.

It sends real DNS messages (dnspython) to the servers of `dns_zones`, with RD=0 ("do not recurse for me": the
resolver does the walking), follows each referral to the server its glue names, and keeps what it learns,
answers and delegations alike, for as long as each record's TTL allows. The cache's clock is moved by hand
(`cache.advance(seconds)`), so a lesson can show a TTL running out without waiting for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from lesson_app.teaching.dns_zones import Zones

ROOT = ("root", "127.0.0.1")  # the "root hints": the one server every resolver knows without asking


@dataclass(frozen=True)
class Step:
    """One question the resolver sent: to which server, and what came back."""

    server: str
    reply: str


@dataclass
class Lookup:
    """The result of one lookup: the addresses, their remaining TTL, and the questions it took (none if cached)."""

    name: str
    addresses: list[str]
    ttl: int
    steps: list[Step] = field(default_factory=list)

    def __str__(self) -> str:
        count = len(self.steps)
        where = f"{count} {'query' if count == 1 else 'queries'}" if count else "from the cache, 0 queries"
        lines = [f"{self.name} -> {self.addresses or 'no such name'} (TTL {self.ttl}), {where}"]
        lines += [f"  {number}. {step.server:<13} -> {step.reply}" for number, step in enumerate(self.steps, 1)]
        return "\n".join(lines)


class Cache:
    """Records kept until their TTL runs out, on a clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 0
        self._entries: dict[tuple[str, str], tuple[Any, int]] = {}  # (name, type) -> (value, expiry time)

    def advance(self, seconds: int) -> None:
        """Move the clock on, as if `seconds` had passed."""
        self.now += seconds

    def put(self, name: str, rtype: str, value: Any, ttl: int) -> None:
        self._entries[(name, rtype)] = (value, self.now + ttl)

    def get(self, name: str, rtype: str) -> tuple[Any, int] | None:
        """The value and the seconds it has left, or None once its TTL has run out."""
        value, expiry = self._entries.get((name, rtype), (None, self.now))
        if expiry <= self.now:
            self._entries.pop((name, rtype), None)
            return None
        return value, expiry - self.now

    def __repr__(self) -> str:
        alive = [(key, self.get(*key)) for key in sorted(self._entries)]
        rows = [f"  {name:<14} {rtype:<3} {entry[0]}, TTL {entry[1]}" for (name, rtype), entry in alive if entry]
        return "\n".join([f"<Cache, {self.now} seconds after it started: {len(rows)} records>", *rows])


class RecursiveResolver:
    """Find a name's addresses by asking the name servers in turn, keeping what they say in `cache`."""

    def __init__(self, zones: Zones, cache: Cache | None = None) -> None:
        self.zones = zones
        self.cache = cache if cache is not None else Cache()

    def lookup(self, name: str) -> Lookup:
        """Answer from the cache while the TTL lasts; otherwise walk down from the closest known server."""
        name = name.lower().rstrip(".") + "."
        if (cached := self.cache.get(name, "A")) is not None:
            return Lookup(name, cached[0], cached[1])
        server, address = self._closest_server(name)
        steps: list[Step] = []
        for _ in range(8):  # a chain of referrals longer than the name itself means a loop: stop
            reply = self._ask(server, address, name)
            answers = [rrset for rrset in reply.answer if rrset.rdtype == dns.rdatatype.A]
            if answers or reply.rcode() == dns.rcode.NXDOMAIN or not reply.authority:
                return self._finish(name, server, reply, answers, steps)
            delegation = reply.authority[0]
            child, target = delegation.name.to_text(), delegation[0].target.to_text()
            glue = [rr.address for rrset in reply.additional for rr in rrset if rrset.name.to_text() == target]
            steps.append(Step(server, f"referral: {child} is served by {target} (glue: {glue[0]})"))
            self.cache.put(child, "NS", (target, glue[0]), delegation.ttl)
            server, address = target, glue[0]
        raise LookupError(f"{name}: more than 8 referrals, the delegations loop")

    def _finish(self, name: str, server: str, reply: Any, answers: list[Any], steps: list[Step]) -> Lookup:
        if not answers:
            steps.append(Step(server, dns.rcode.to_text(reply.rcode())))
            return Lookup(name, [], 0, steps)
        addresses, ttl = sorted(rr.address for rr in answers[0]), answers[0].ttl
        steps.append(Step(server, f"answer: {', '.join(addresses)}, TTL {ttl}"))
        self.cache.put(name, "A", addresses, ttl)
        return Lookup(name, addresses, ttl, steps)

    def _closest_server(self, name: str) -> tuple[str, str]:
        """The server of the longest cached delegation above `name`, or the root."""
        labels = name.split(".")
        for start in range(len(labels) - 1):
            if (cached := self.cache.get(".".join(labels[start:]), "NS")) is not None:
                target, address = cached[0]
                return target, address
        return ROOT

    def _ask(self, server: str, address: str, name: str) -> Any:
        query = dns.message.make_query(name, "A")
        query.flags &= ~dns.flags.RD  # "do not recurse for me": the resolver follows the referrals itself
        return dns.query.udp(query, address, port=self.zones.ports[server], timeout=2)
