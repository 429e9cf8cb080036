"""Checkers for notebook 01: the hidden port, the base URL, what the server sees, and a body's Content-Length."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import httpx

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.content_length import check_content_length as check_content_length
from lesson_app.teaching.checks.guards import not_a_response, whole_number
from lesson_app.teaching.restart import make_needs

# The names this lesson's cells make, and the heading of the section whose code cell makes each: after a
# kernel restart, `needs(...)` in an exercise cell names that section instead of a bare NameError.
MADE_IN = {
    "db_url": "Start the real parts",
    "server": "Start the real parts",
    "client": "Start the real parts",
    "tiny_server": "A streamed answer: chunks",
}
needs = make_needs(MADE_IN)

YOUTUBE_LINK = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42#comments"


def check_hidden_port(answer: Any) -> Feedback:
    """Check the port `https://chatgpt.com/c` connects to although it names none: 443."""
    if not_attempted(answer):
        return waiting("a port number, e.g. `hidden_port = 1234`")
    if answer is None:
        return hint(
            "httpx.URL(...).port says None because the URL names no port, but the connection still goes to a "
            "real port number: the default of the URL's scheme. Which number is that for https?"
        )
    if (number := whole_number(answer)) is None:
        return hint(f"expected a whole number such as 1234, got {answer!r}.")
    answer = number
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


def _as_query(prediction: Any) -> dict[str, Any] | None:
    """Read a predicted query as name -> value: a dict as /echo shows it, or query text such as "a=1&b=2"."""
    if isinstance(prediction, dict):
        return {str(name): value for name, value in prediction.items()}
    if isinstance(prediction, str):
        return dict(parse_qsl(prediction.strip().removeprefix("?"), keep_blank_values=True))
    return None


def _compare_query(predicted: dict[str, Any], seen: dict[str, str]) -> Feedback:
    """Say how the predicted query differs from the one the server really received."""
    said = f"you predicted {predicted!r}; the server received {seen!r}"
    if "sort" in predicted or any("comments" in f"{name}{value}" for name, value in predicted.items()):
        return hint(
            f"{said}. The `#` starts the fragment: everything after it, `&sort=new` included, stays in the "
            "client. An `&` after the `#` does not start another query pair."
        )
    if not predicted:
        return hint(f"{said}. The part between `?` and `#` is the query, and it travels with the path.")
    if {name: str(value) for name, value in predicted.items()} == seen:
        return hint(
            f"{said}: the names are right, but query values arrive as text, '42', not 42. FastAPI turns them "
            "into numbers only for a route that asks for a number (lesson 04)."
        )
    return hint(f"{said}. The query is what stands between `?` and `#`, as `name=value` pairs.")


def check_query_prediction(prediction: Any, response: Any) -> Feedback:
    """Compare the predicted query with the one /echo reported for /echo?video=42#comments&sort=new."""
    if not_attempted(prediction):
        return waiting('your prediction, before you look at the answer, e.g. `predicted_query = {"name": "value"}`')
    if (refused := not_a_response(response, then="Keep the request line as the cell has it.")) is not None:
        return refused
    if response.request.url.path != "/echo" or response.request.url.query != b"video=42":
        return hint(
            'keep the request as the cell has it, `client.get("/echo?video=42#comments&sort=new")`: the '
            "prediction is about that URL."
        )
    try:
        seen = response.json()["query"]
    except (ValueError, KeyError, TypeError):
        return hint("that answer is not /echo's JSON; is the server from the cells above running?")
    predicted = _as_query(prediction)
    if predicted is None:
        return hint(f'write the prediction as a dict, like `{{"name": "value"}}`; got {prediction!r}.')
    if predicted == seen:
        return correct(
            f"the server received {seen!r}, as you predicted: from the `#` on, `&sort=new` included, the rest "
            "of the URL is the fragment, which never leaves the client; and query values arrive as text."
        )
    return _compare_query(predicted, seen)
