"""Three real DNS name servers on loopback, for lesson 02: the root, `test.` and `shop.test.`.

Each is a `dnslib` server on 127.0.0.1 with a UDP port of its own. On the internet every name server listens
on port 53 at an address of its own; here all three share 127.0.0.1 (the one loopback address every laptop
has, and port 53 needs administrator rights), so a server's name leads to its port through `Zones.ports`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from dnslib import QTYPE, RCODE, RR, DNSRecord
from dnslib.server import BaseResolver, DNSServer

# Each zone in the zone-file format. A zone hands a part of the name tree to another server with an NS record
# (a delegation) and adds that server's address, the "glue", since the resolver could not look it up otherwise.
ZONE_TEXT = {
    "root": """
test.           86400 IN NS ns.test.
ns.test.        86400 IN A  127.0.0.1
""",
    "ns.test.": """
shop.test.      3600 IN NS ns.shop.test.
ns.shop.test.   3600 IN A  127.0.0.1
videos.test.    600  IN A  127.0.0.1
""",
    "ns.shop.test.": """
shop.test.      300  IN A  127.0.0.1
""",
}


@dataclass
class ZoneServer(BaseResolver):  # type: ignore[misc]  # dnslib has no type hints
    """Answer from one zone: the record itself, a referral to the server a part is delegated to, or NXDOMAIN."""

    name: str
    records: list[Any]
    queries: list[str] = field(default_factory=list)  # every question this server was asked, in order
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def resolve(self, request: DNSRecord, handler: Any) -> DNSRecord:
        qname, qtype = request.q.qname, request.q.qtype
        with self._lock:
            self.queries.append(f"{qname} {QTYPE[qtype]}")
        reply = request.reply(ra=0, aa=1)  # an authoritative server does not recurse (RA=0)
        # A name under a delegated part is not this server's to answer, even where it holds the glue for it.
        delegation = [rr for rr in self.records if rr.rtype == QTYPE.NS and qname.matchSuffix(rr.rname)]
        if delegation:
            reply.header.aa = 0  # a referral: "not mine, ask them", with their address
            reply.add_auth(*delegation)
            targets = {rr.rdata.label for rr in delegation}
            reply.add_ar(*(rr for rr in self.records if rr.rtype == QTYPE.A and rr.rname in targets))
            return reply
        reply.add_answer(*(rr for rr in self.records if rr.rname == qname and rr.rtype == qtype))
        if not any(rr.rname == qname for rr in self.records):
            reply.header.rcode = RCODE.NXDOMAIN
        return reply


class _QuietLogger:
    """dnslib prints every packet by default; the lesson shows the messages itself."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args: None


@dataclass
class Zones:
    """The running servers: `ports` maps each server's name ("root", "ns.test.", ...) to its UDP port."""

    servers: dict[str, ZoneServer]
    ports: dict[str, int]
    _dns: list[DNSServer]

    def stop(self) -> None:
        """Stop every server and free its port (running it twice does no harm)."""
        for dns in self._dns:
            if dns.thread.is_alive():
                dns.server.shutdown()
            dns.server.server_close()
        if self in _running:
            _running.remove(self)

    @property
    def running(self) -> bool:
        """False once stopped (a lesson's `needs("zones")` then says to run the cell that starts them)."""
        return self in _running

    def replace_zone(self, server: str, text: str) -> None:
        """Give one server new records, as an administrator editing a zone file does."""
        self.servers[server].records = RR.fromZone(text)

    def queries(self) -> dict[str, list[str]]:
        """Every question each server received since it started."""
        return {name: list(server.queries) for name, server in self.servers.items()}

    def __enter__(self) -> Zones:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<Zones {', '.join(f'{name} on 127.0.0.1:{port}' for name, port in self.ports.items())} ({state})>"


_running: list[Zones] = []


def start_zones(zone_text: dict[str, str] | None = None) -> Zones:
    """Start one name server per zone on 127.0.0.1, each on a free UDP port; stop the ones started before."""
    for earlier in list(_running):  # a cell run again replaces its servers instead of piling them up
        earlier.stop()
    servers, ports, dns_servers = {}, {}, []
    for name, text in (zone_text or ZONE_TEXT).items():
        servers[name] = ZoneServer(name, RR.fromZone(text))
        dns = DNSServer(servers[name], address="127.0.0.1", port=0, logger=_QuietLogger())
        # dnslib's start_thread serves with socketserver's default poll of 0.5 s, which is how long each stop waited.
        dns.thread = threading.Thread(target=dns.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        dns.thread.start()
        ports[name] = dns.server.server_address[1]
        dns_servers.append(dns)
    zones = Zones(servers, ports, dns_servers)
    _running.append(zones)
    return zones
