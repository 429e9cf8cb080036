"""Cells that use the IPv6 loopback, `::1`, on machines that have none (many containers, some CI runners)."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

NO_IPV6_LOOPBACK = (
    "This machine has no IPv6 loopback (::1), so this cell stops here; the rest of the lesson uses 127.0.0.1."
)
# What binding ::1 raises there: no such address on this machine (99), or no IPv6 in the kernel at all (97).
_NO_IPV6 = {errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT}


@contextmanager
def ipv6_loopback() -> Iterator[None]:
    """Run the block; if this machine has no `::1`, print one sentence saying so instead of a traceback."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _NO_IPV6:
            raise
        print(NO_IPV6_LOOPBACK)
