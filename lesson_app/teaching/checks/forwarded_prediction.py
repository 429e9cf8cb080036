"""Notebook 06's exercise 2: predict what the app believes when a local program sends X-Forwarded-* itself."""

from __future__ import annotations

import ipaddress
from typing import Any

import httpx

from lesson_app.teaching.checks import Feedback, correct, hint, waiting
from lesson_app.teaching.checks.guards import all_placeholders, any_placeholder, same_keys

# What the program sends straight to the app, without the proxy: an address and a scheme that are not its own.
SPOOF = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
CLIENT = "client address the app sees"
SCHEME = "scheme of the Location header"
KEYS = {CLIENT: ..., SCHEME: ...}


def observe(server_url: str) -> tuple[str, str] | Feedback:
    """Send the spoofed GET /echo and GET /videos/ to the app; return the client it saw and the redirect's scheme."""
    try:
        with httpx.Client(base_url=server_url, headers=SPOOF, timeout=5) as direct:
            client = direct.get("/echo").json()["client"]
            location = direct.get("/videos/").headers["location"]
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        return hint(f"could not ask the app at {server_url} ({type(exc).__name__}: {exc}); run the first cell again.")
    return str(client), httpx.URL(location).scheme


def _as_address(value: Any) -> str | None:
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        return None


def _as_scheme(value: Any) -> str | None:
    scheme = str(value).strip().lower().split("://")[0].rstrip(":/")
    return scheme if scheme in {"http", "https"} else None


def _why(client: str, scheme: str) -> str:
    """Explain what really happened, from what the app really saw."""
    if client == SPOOF["X-Forwarded-For"]:
        return (
            f"the app saw client {client} and built the redirect with {scheme}://. The request came from "
            "127.0.0.1, and Uvicorn trusts 127.0.0.1 by default (`forwarded_allow_ips`), so it believed both "
            "headers: to Uvicorn any program on this machine is a trusted proxy, just as `TlsProxy` was for "
            "`trusting_app`. Only an app that does not list 127.0.0.1, such as `untrusting_app`, ignores them."
        )
    return (
        f"the app saw client {client} and built the redirect with {scheme}://: it ignored both headers, so this "
        "server does not trust 127.0.0.1 (was it started with `forwarded_allow_ips`, or is FORWARDED_ALLOW_IPS set?)."
    )


def check_forwarded_prediction(prediction: Any, server_url: str) -> Feedback:
    """Compare the learner's prediction with what the app at `server_url` really believes of the spoofed request."""
    if all_placeholders(prediction):
        return waiting('your prediction for both: an address such as `"127.0.0.1"`, and `"http"` or `"https"`')
    if not same_keys(prediction, KEYS):
        return hint("keep the dictionary as it was given, with its two items, and fill in your prediction for each.")
    if any_placeholder(prediction):
        return hint("one of the two is still `...`: predict both before the request is sent, then run the cell.")
    client_guess, scheme_guess = _as_address(prediction[CLIENT]), _as_scheme(prediction[SCHEME])
    if client_guess is None:
        return hint(f'{prediction[CLIENT]!r} is not an IP address: write one such as `"127.0.0.1"`.')
    if scheme_guess is None:
        return hint(f'{prediction[SCHEME]!r} is not a scheme: write `"http"` or `"https"`.')
    seen = observe(server_url)
    if isinstance(seen, Feedback):
        return seen
    client, scheme = seen
    wrong = [
        f"{what} {guess}"
        for what, guess, real in (("the client", client_guess, client), ("the scheme", scheme_guess, scheme))
        if guess != real
    ]
    if wrong:
        return hint(f"you predicted {' and '.join(wrong)}, but {_why(client, scheme)}")
    return correct(f"as you predicted, {_why(client, scheme)}")
