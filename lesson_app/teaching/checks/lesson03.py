"""Checkers for notebook 03: how many ports, how many connections, two servers at once, a listener for this machine."""

from __future__ import annotations

import errno
import ipaddress
import socket
from typing import Any

from lesson_app.runtime.server import LessonServer, PortInUseError
from lesson_app.teaching.checks import Feedback, correct, exception_text, hint, not_attempted, waiting
from lesson_app.teaching.checks.connection_count import check_connection_prediction as check_connection_prediction
from lesson_app.teaching.checks.guards import a_type, whole_number
from lesson_app.teaching.restart import make_needs

# The names this lesson's cells make, and the heading of the section whose code cell makes each: after a
# kernel restart, `needs(...)` in an exercise cell names that section instead of a bare NameError.
MADE_IN = {
    "db_url": "Start the real parts",
    "server": "Start the real parts",
    "client": "Start the real parts",
}
needs = make_needs(MADE_IN)


def check_port_count(answer: Any) -> Feedback:
    """Check how many TCP port numbers one address has: 0 to 65535, which is 65536."""
    if not_attempted(answer):
        return waiting("a number, e.g. `port_count = 1000`")
    if (number := whole_number(answer)) is None:
        return hint(f"expected a whole number, got {answer!r}.")
    answer = number
    if answer == 65536:
        return correct("65536 = 2 ** 16: the numbers 0 to 65535, for TCP (and as many again for UDP).")
    if answer == 65535:
        return hint(
            "65535 is the highest port number, but the count starts at 0: 0, 1, 2, ... 65535 is one more "
            "number than 65535. A port is 16 bits: how many numbers do 16 bits hold?"
        )
    if answer == 2 * 65536:
        return hint("that counts TCP and UDP together; the question asks about TCP only, which has its own set.")
    if answer == 65534:
        return hint(
            "port 0 cannot be listened on (it means 'any free port') but it is still a port number, and so is "
            "65535: count every number from 0 to 65535."
        )
    if answer == 1024:
        return hint("0 to 1023 are the well-known ports, only the start of the range: it runs up to 65535.")
    return hint(f"{answer} is not it. Port numbers are 16 bits, from 0 to 65535: how many numbers is that?")


def check_second_server(start: Any, first: Any) -> Feedback:
    """Run `start()` (or take the server it made) and check a second lesson server runs beside `first`."""
    if not_attempted(start):
        return waiting("a second server, started with `start_server(...)`")
    second = start
    if callable(start):
        try:
            second = start()
        except PortInUseError as exc:
            holder = "the first server" if "this notebook's server" in str(exc) else "another program"
            return hint(
                f"`{getattr(start, '__name__', 'start')}()` raised `PortInUseError`: the port it asked for is "
                f"taken, by {holder}, and a port takes one listener. Stopping the first server is not the way out "
                f"here, since both should run: the second needs a port of its own.{_first_stopped(first)}"
            )
        except Exception as exc:  # the learner's own code: show what it raised, as Python would
            return hint(f"`{getattr(start, '__name__', 'start')}()` raised {exception_text(exc)}.")
    return _beside(second, first)


def _first_stopped(first: Any) -> str:
    """Tell the learner the first `server` is no longer running, and which cell starts it again."""
    if getattr(first, "running", True):
        return ""
    return f" The first `server` is stopped now: run the code cell under “{MADE_IN['server']}” again, then this one."


def _beside(second: Any, first: Any) -> Feedback:
    """Judge the server the learner's function returned against the first one, still running."""
    if not isinstance(second, LessonServer):
        return hint(f"expected what `start_server(...)` returns, got {a_type(second)}.")
    if second is first:
        return hint("that is the first server itself; start a new one with `start_server(...)`.")
    if not first.running:
        if second.key == first.key:
            return hint(
                f"your new server replaced the first one: `start_server` stops a running server of the same name "
                f"before it starts the new one, and a server given neither a name nor a port gets the first one's "
                f"name, {first.key!r}. Give the second server a name or a port of its own.{_first_stopped(first)}"
            )
        return hint(f"the first server has stopped; both should run at once.{_first_stopped(first)}")
    if not second.running:
        return hint("the second server is not running (was it stopped?); start it again.")
    if second.port == first.port and second.host == first.host:
        return hint("both report the same address and port, which cannot be: start the second on another port.")
    if second.port == first.port:
        return correct(
            f"two servers at once, on the same port number but different addresses ({first.host} and "
            f"{second.host}): the rule is one listener per address, port and protocol."
        )
    return correct(
        "two servers at once, each on its own port: one listener per address, port and protocol, so "
        "different ports never collide."
    )


# Over 40 lines on purpose: one ladder of hints, most specific first, whose order makes each hint right; split
# across functions, that order would be harder to see.
def check_safe_host(answer: Any) -> Feedback:
    """Check a listening address that only this machine can reach: a loopback address."""
    if not_attempted(answer):
        return waiting('an address as a string, e.g. `safe_host = "1.2.3.4"`')
    if not isinstance(answer, str):
        return hint(f"write the address as a string in quotes; got {answer!r}.")
    text = answer.strip()
    if text.lower().removesuffix(".") == "localhost":  # a final dot is the absolute form of the same name
        return correct(
            "localhost is the name of the loopback address (127.0.0.1, and ::1 on most machines): only "
            "this machine can connect. Servers usually take the address itself, 127.0.0.1."
        )
    try:
        address = ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return hint(f"{text!r} is not an IP address; the address the lesson server listens on is one.")
    if address.is_unspecified:
        return hint(
            f"{address} means every address of this machine, the network card's included: other computers "
            "on your network (the café's Wi-Fi, too) could connect. Only-this-machine is loopback."
        )
    if address == ipaddress.ip_address("127.0.0.1"):
        return correct(
            f"{address} is loopback: only programs on this machine can connect, which is why the lesson server "
            "and the embedded PostgreSQL listen there."
        )
    if address == ipaddress.ip_address("::1"):
        return correct(
            f"{address} is IPv6's loopback: only programs on this machine can connect, over IPv6 (a client that "
            "tries 127.0.0.1 will not find the server there). The lesson server and the embedded PostgreSQL "
            "use 127.0.0.1, IPv4's loopback."
        )
    if address.is_loopback:
        return correct(
            f"{address} is loopback too (all of 127.0.0.0/8 is): only programs on this machine can connect. "
            "The usual choice is 127.0.0.1, which the lesson server and the embedded PostgreSQL use."
        )
    return hint(
        f"{address} is one network card's address: other computers on that network can reach it. "
        "Only-this-machine is the loopback address."
    )


def check_private_listener(open_listener: Any) -> Feedback:
    """Run the learner's `open_private_listener()`, judge the address its socket listens on, and close it."""
    if not_attempted(open_listener):
        return waiting("the function that opens the listener, `open_private_listener`")
    listener = open_listener
    if callable(open_listener):
        try:
            listener = open_listener()
        except Exception as exc:  # the learner's own code: show what it raised, as Python would
            raised = f"`{getattr(open_listener, '__name__', 'it')}()` raised {exception_text(exc)}."
            return hint(raised + _bind_advice(exc))
    if not isinstance(listener, socket.socket):
        return hint(f"the function should end with `return listener`, the listening socket; it returned {listener!r}.")
    with listener:  # the checker closes it: a listener left open would hold the port
        if listener.fileno() == -1:
            return hint("the socket the function returned is closed already: return it open, without `with`.")
        address = listener.getsockname()[0]
    return check_safe_host(address)


def _bind_advice(exc: Exception) -> str:
    """One sentence on the two mistakes `bind` refuses: a taken port, and an IPv6 address on an IPv4 socket."""
    if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
        return (
            " Another listener (another program, or a server of this notebook) has that port already: port 0 "
            "lets the operating system pick a free one, or pick a port nothing listens on."
        )
    # Linux and macOS refuse an IPv6 address on an IPv4 socket with one of these; not every OS defines both.
    wrong_family = {getattr(socket, name, None) for name in ("EAI_ADDRFAMILY", "EAI_FAMILY")} - {None}
    family_error = isinstance(exc, socket.gaierror) and exc.errno in wrong_family
    if family_error or getattr(exc, "errno", None) == errno.EAFNOSUPPORT:
        return (
            " `socket.socket()` makes an IPv4 socket, which takes only IPv4 addresses, and `::` would be every "
            "IPv6 address anyway, the network's too: only-this-machine is the IPv4 loopback address."
        )
    return ""
