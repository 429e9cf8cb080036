"""Notebook 02's Host header exercise: one address, many sites, and the header that says which one is meant."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import httpx

from lesson_app.teaching.checks import Feedback, correct, exception_text, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import not_a_response


def check_host_header(response: Any) -> Feedback:
    """Check a request to /echo, on the lesson server's address, that asked for the site shop.test.

    `response` may also be a function that sends the request: the checker calls it, so that a name that does
    not resolve becomes a sentence that says why, instead of a ConnectError's traceback.
    """
    if not_attempted(response):
        return waiting("a request to /echo that asks for the site shop.test, e.g. `client.get(...)`")
    if callable(response):
        try:
            response = response()
        except httpx.ConnectError as exc:
            return _not_sent(exc)
        except Exception as exc:  # the learner's own code raised: show what, not a guess
            return hint(f"your function raised {exception_text(exc)}; it should return `client.get(...)`'s response.")
    if response is None:  # a function without `return`: the request may well have gone out, its answer did not
        return hint("your function returned nothing: put `return` in front of `client.get(...)`.")
    if (refused := not_a_response(response, then="Keep the whole response: no .json() at the end.")) is not None:
        return refused
    if response.request.url.path != "/echo":
        return hint(f"that request went to {response.request.url.path!r}; send it to '/echo'.")
    if response.status_code != 200:
        return hint(f"the server answered {response.status_code}; is the server from the cells above running?")
    try:
        seen = response.json()
        host, query, headers = seen["host"] or "", seen["query"], seen["headers"]
    except (ValueError, KeyError, TypeError):
        return hint("that answer is not /echo's JSON; send the request to the lesson server's /echo.")
    if _site(host) == "shop.test":
        return correct(
            f"same address and port as every other request, and the server saw Host: {host}. That header is "
            "how one IP address serves many sites."
        )
    return _wrong_site(host, query, headers)


def _not_sent(exc: httpx.ConnectError) -> Feedback:
    """Explain a request that never left: the URL's name does not resolve, or no server listens there."""
    try:
        host = exc.request.url.host
    except RuntimeError:  # httpx raises this when the error carries no request
        host = "the URL's host"
    if _caused_by(exc, socket.gaierror):
        return hint(
            f"the request never left: your operating system could not resolve {host} (it exists only in this "
            "lesson's zones, which your operating system never asks), so keep the lesson server's address in the "
            'URL, as `client.get("/echo", ...)` does, and name the site in the Host header.'
        )
    try:
        port = exc.request.url.port or {"http": 80, "https": 443}.get(exc.request.url.scheme)
    except RuntimeError:
        port = None
    if port is not None:  # the address may be right and the port not the server's: a URL without one means 80
        return hint(
            f"nothing answered at {host}, port {port} ({exception_text(exc)}): the lesson server listens on its "
            "own port (print `server.url`), and a URL that names no port goes to 80. Send the request with "
            '`client`, whose base URL has the right address and port: `client.get("/echo", ...)`.'
        )
    return hint(
        f"nothing answered at {host} ({exception_text(exc)}); is the server from the cells above running? Send the "
        "request to the lesson server's address with `client`."
    )


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Say whether `kind` is anywhere in the chain of exceptions that led to `exc`."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _wrong_site(host: str, query: dict[str, Any], headers: dict[str, str]) -> Feedback:
    """Say where shop.test went instead of the Host header, or which site the request asked for."""
    if "shop.test" in host.lower():
        return hint(
            f"the server saw Host: {host}. The Host header holds just the name (optionally with :port), "
            "no scheme and no path: 'shop.test'."
        )
    if any("shop.test" in str(value).lower() for value in query.values()):
        return hint(
            "you sent shop.test in the query; the server reads the site's name from the Host header: "
            "`headers={'Host': 'shop.test'}`."
        )
    for name, value in headers.items():
        if "shop.test" in value.lower():
            return hint(f"you sent shop.test in a header named {name!r}; the header the server reads is Host.")
    site = _site(host)
    if _names_the_machine(site):
        return hint(
            f"the server saw Host: {host}, which only names the machine you connected to. Keep that URL: the "
            "address is right (in the pretend zone, shop.test resolves to it, and your operating system has "
            "never heard of shop.test), and add `headers={'Host': 'shop.test'}` to say which site you want."
        )
    return hint(
        f"you asked for the site {site}; ask for shop.test: keep the URL as it is and send "
        "`headers={'Host': 'shop.test'}`."
    )


def _site(host: str) -> str:
    """The site a Host value names, as DNS compares names: no port, any case, and the absolute form's final dot
    dropped (SHOP.TEST:8000 and shop.test. both name shop.test)."""
    site = host[1:].partition("]")[0] if host.startswith("[") else host.partition(":")[0]
    return site.lower().removesuffix(".")


def _names_the_machine(site: str) -> bool:
    """Say whether a Host value names no site, only the machine: empty, localhost, or an IP address."""
    if site in ("", "localhost"):
        return True
    try:
        ipaddress.ip_address(site)
    except ValueError:
        return False
    return True
