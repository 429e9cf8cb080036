"""Notebook 02's Host header exercise: one address, many sites, and the header that says which one is meant."""

from __future__ import annotations

import ipaddress
from typing import Any

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import not_a_response


def check_host_header(response: Any) -> Feedback:
    """Check a request to /echo, on the lesson server's address, that asked for the site shop.test."""
    if not_attempted(response):
        return waiting("a request to /echo that asks for the site shop.test, e.g. `client.get(...)`")
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
