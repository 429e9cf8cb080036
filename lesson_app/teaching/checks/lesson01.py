"""Checkers for notebook 01: the parts of a URL, the hidden port, the base URL, and what the server sees."""

from __future__ import annotations

from typing import Any

import httpx

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import not_a_response
from lesson_app.teaching.restart import make_needs

# The names this lesson's cells make, and the heading of the section whose code cell makes each: after a
# kernel restart, `needs(...)` in an exercise cell names that section instead of a bare NameError.
MADE_IN = {
    "db_url": "Start the real parts",
    "server": "Start the real parts",
    "client": "Start the real parts",
}
needs = make_needs(MADE_IN)

YOUTUBE_LINK = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42#comments"


def check_hidden_port(answer: Any) -> Feedback:
    """Check the port `https://chatgpt.com/c` connects to although it names none: 443."""
    if not_attempted(answer):
        return waiting("a port number, e.g. `hidden_port = 1234`")
    if isinstance(answer, str) and answer.strip().isdigit():
        return hint(f"write the port as a number, without quotes: `hidden_port = {answer.strip()}`.")
    if answer is None:
        return hint(
            "httpx.URL(...).port says None because the URL names no port, but the connection still goes to a "
            "real port number: the default of the URL's scheme. Which number is that for https?"
        )
    if isinstance(answer, bool) or not isinstance(answer, int):
        return hint(f"expected a whole number such as 1234, got {answer!r}.")
    if answer == 443:
        return correct(
            "443. A URL that names no port uses its scheme's default: 443 for https (80 for http), so "
            "https://chatgpt.com/c and https://chatgpt.com:443/c are the same address."
        )
    if answer == 8000:
        return hint(
            "8000 is Uvicorn's default: the port your own server listens on after `uvicorn main:app`, which "
            "is why local URLs spell it out (http://127.0.0.1:8000/). A URL that names no port uses the "
            "default of its scheme instead. This URL's scheme is https: what is its default port?"
        )
    if answer == 80:
        return hint("80 is the default for http:// URLs. This one starts with https://: the s changes the default too.")
    return hint(
        f"{answer} is not it. The URL names no port, so the client uses its scheme's default: "
        "`http.client.HTTPS_PORT` holds the one for https."
    )


def _beyond_the_host(url: httpx.URL) -> Feedback | None:
    """Return a hint when the URL goes on after the host: a port, a path, a query or a fragment."""
    if url.port == 8000:
        return hint(
            "8000 is Uvicorn's default for your own server, not part of this link. The link names no port, "
            "so leave it hidden (or write https's default, 443)."
        )
    if url.port is not None:
        return hint(f"the link names no port, so the base URL names none either (you added :{url.port}).")
    if url.path not in ("", "/"):
        return hint(
            f"the base URL stops before the path: {url.path} is the route the server will match, "
            "not part of the base URL."
        )
    if url.query:
        return hint("the base URL stops before the query: drop everything from the ? on.")
    if url.fragment:
        return hint("the base URL stops before the fragment: drop everything from the # on.")
    return None


def check_base_url(answer: Any) -> Feedback:
    """Check the base URL of the YouTube link: scheme, host and (hidden) port, nothing after them."""
    if not_attempted(answer):
        return waiting('the base URL as a string, e.g. `base_url = "https://example.com"`')
    if not isinstance(answer, str | httpx.URL):
        return hint(f'write the base URL as a string in quotes, e.g. "https://example.com"; got {answer!r}.')
    text = str(answer).strip()
    try:
        url = httpx.URL(text)
    except Exception as exc:  # httpx.InvalidURL and friends: any text that is not a URL
        return hint(f"httpx cannot read {text!r} as a URL ({exc}).")
    if not url.scheme:
        return hint(
            f"{text!r} has no scheme. A base URL starts with how to talk to the server: the link's "
            "scheme, followed by ://."
        )
    if url.scheme != "https":
        return hint(
            f"the scheme is part of the base URL and must stay as the link has it: this link uses https, "
            f"not {url.scheme}."
        )
    host = url.host.removesuffix(".")  # www.youtube.com. is the absolute form of the same name
    if host != "www.youtube.com":
        if host == "youtube.com":
            return hint(
                "the host is the whole name between // and the next / : www.youtube.com. "
                "youtube.com is a different name (DNS may give it different addresses), so keep the www."
            )
        return hint(f"the host is the name between // and the next / in the link; you wrote {url.host!r}.")
    if url.userinfo:
        return hint(
            f"the link has no user name or password before the host: drop {url.userinfo.decode()}@, "
            "which a browser would send to the server as a login."
        )
    if (extra := _beyond_the_host(url)) is not None:
        return extra
    return correct(
        "https://www.youtube.com: scheme, host and the hidden port 443 pick the server; /watch, the query and "
        "the fragment are for what happens after that."
    )


def _fragment_answer(server_saw_fragment: Any) -> Feedback | None:
    """Judge the answer to "did the server see #comments?": False, as a bool."""
    if not_attempted(server_saw_fragment):
        return waiting(
            "True or False in `server_saw_fragment` (the request itself is right): did the server see "
            '#comments? `my_response.json()["url"]` is the URL as the server received it'
        )
    if isinstance(server_saw_fragment, str) and server_saw_fragment.strip().lower() in ("true", "false"):
        return hint(f"write {server_saw_fragment.strip().capitalize()} without quotes: it is a yes or no, not text.")
    if not isinstance(server_saw_fragment, bool):
        return hint(f"`server_saw_fragment` should be True or False; got {server_saw_fragment!r}.")
    if server_saw_fragment:
        return hint(
            'look again at `my_response.json()["url"]`, the URL as the server received it: it ends with the '
            "query, and #comments is not there. The client keeps the fragment to itself."
        )
    return None


def check_echo_query(response: Any, server_saw_fragment: Any = ...) -> Feedback:
    """Check a GET request to /echo whose query the server saw as exactly {'video': '42'}, and the answer
    to "did the server see #comments?" (False: the fragment never leaves the client)."""
    if not_attempted(response):
        return waiting('a request to /echo with the query and fragment, e.g. `client.get("/echo?...")`')
    if (
        refused := not_a_response(response, then="Keep the whole response: no .json() or .status_code at the end.")
    ) is not None:
        return refused
    method, path = response.request.method, response.request.url.path
    if method != "GET":
        return hint(f"that was a {method} request; /echo answers GET, so use `client.get`.")
    if path != "/echo":
        return hint(
            f"that request went to the path {path!r}; the path is '/echo', and the query follows it after "
            "a ?, like /echo?name=value."
        )
    if response.status_code != 200:
        return hint(f"the server answered {response.status_code}; is the server from the cells above running?")
    try:
        seen = response.json()["query"]
    except (ValueError, KeyError, TypeError):
        return hint("that answer is not /echo's JSON; send the request to the lesson server's /echo.")
    if not seen:
        return hint(
            "the server saw no query at all. The query starts with ? right after the path: /echo?video=42. "
            "If a # comes before it, everything after the # is the fragment, which the client keeps to "
            "itself: put #comments last."
        )
    if seen != {"video": "42"}:
        return hint(
            f"the server saw the query {seen!r}; it should be exactly {{'video': '42'}}: the name video, an =, "
            "the value 42, with no spaces and nothing else."
        )
    if (wrong := _fragment_answer(server_saw_fragment)) is not None:
        return wrong
    return correct(
        "the server saw the path /echo and the query {'video': '42'} (query values arrive as text), and "
        "no trace of #comments: the fragment never leaves the client."
    )
