"""Uvicorn's Server, stopped without waiting for what a stop in a notebook never needs to wait for.

Uvicorn is made for a process of its own that stops on Ctrl+C; in a notebook, `stop()` and the kernel's exit
stop it from another thread, and three of its waits would then be pure delay:

- its main loop looks at `should_exit` every 0.1 s: `request_exit()` wakes it at once instead;
- its shutdown sleeps 0.1 s for open connections to settle: with no response under way, every connection is
  idle and closes at once, so it waits only until they have;
- an idle HTTPS keep-alive connection closes with a TLS close_notify, and asyncio waits (up to 30 s) for the
  client's reply; the client is often a notebook's `httpx.Client` in the very thread that waits for the
  server to stop, so it never replies: such a connection is cut once the close_notify is sent.

Connections still in a request are left alone, as Uvicorn leaves them: their response is finished first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from typing import Any

import uvicorn

TICK = 0.1  # seconds: Uvicorn's own tick (its Date header, its max-requests check), kept
SETTLE = 0.002  # seconds between looks at closing connections (Uvicorn waits 0.1 s, then looks every 0.1 s)
logger = logging.getLogger("uvicorn.error")


class LessonUvicorn(uvicorn.Server):
    """A `uvicorn.Server` that `request_exit()` stops at once, from any thread."""

    _wake: asyncio.Event | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    def request_exit(self) -> None:
        """Ask the server to stop, and wake its loop now rather than at its next tick (thread-safe)."""
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already ended: nothing left to wake
                loop.call_soon_threadsafe(wake.set)

    async def main_loop(self) -> None:
        """Uvicorn's main loop (a tick every 0.1 s until told to exit), which `request_exit()` wakes at once."""
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000  # as Uvicorn counts: once a day it starts again
            with contextlib.suppress(TimeoutError):  # the tick, as Uvicorn's `asyncio.sleep(0.1)` was
                await asyncio.wait_for(self._wake.wait(), TICK)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Uvicorn's shutdown; with no response under way, without its 0.1 s waits for connections to settle."""
        if self.server_state.tasks:  # a response is under way: Uvicorn's own shutdown lets it finish
            # Runs at the first wait inside Uvicorn's shutdown, just after it asked each connection to close.
            asyncio.get_running_loop().call_soon(cut_idle_tls, self.server_state.connections)
            await super().shutdown(sockets)
            return
        logger.info("Shutting down")
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()  # idle, as no task runs: each closes now (Uvicorn asks the same)
        cut_idle_tls(self.server_state.connections)
        while self.server_state.connections and not self.force_exit:
            await asyncio.sleep(SETTLE)  # their connection_lost, a loop turn or a flush away
        for server in self.servers:
            await server.wait_closed()
        if not self.force_exit:
            await self.lifespan.shutdown()


def cut_idle_tls(connections: set[Any]) -> None:
    """Abort the TLS connections Uvicorn has closed and that have nothing left to send.

    Their close_notify is already written; only the client's reply is missing, which may never come.
    """
    for connection in list(connections):
        transport = getattr(connection, "transport", None)
        if (
            transport is not None
            and transport.is_closing()
            and transport.get_extra_info("ssl_object") is not None
            and transport.get_write_buffer_size() == 0
        ):
            transport.abort()
