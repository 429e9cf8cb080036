"""Notebook 05b's cookie exercise: the learner's POST /login sets a session cookie; served and judged for real."""

from __future__ import annotations

import email.utils
import time
from http.cookies import CookieError, Morsel, SimpleCookie
from typing import Any

import httpx

from lesson_app.teaching.checks import Feedback, correct, hint, waiting
from lesson_app.teaching.checks.learner_app import DOC_PATHS, exchange, not_an_app, routes_of

NAME = "session"
LIFETIME = 600  # seconds: ten minutes
# Hints name what is wrong and send the learner back to the lesson's section, which shows the parameter to use.
SECTION = 'the section "A cookie" above shows the `set_cookie` parameter that sets this.'


def _morsels(response: httpx.Response) -> dict[str, Morsel[str]] | Feedback:
    """Parse every Set-Cookie line of `response`, one cookie per line as servers send them."""
    found: dict[str, Morsel[str]] = {}
    for line in response.headers.get_list("set-cookie"):
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(line)
        except CookieError:
            return hint(f"the server sent a Set-Cookie line Python cannot read: {line!r}.")
        found.update(jar)
    return found


def _lifetime(morsel: Morsel[str]) -> float | None:
    """Seconds the cookie lives: Max-Age, else how far ahead Expires is; None for a session-only cookie."""
    if morsel["max-age"]:
        return float(morsel["max-age"])
    if morsel["expires"]:
        return email.utils.parsedate_to_datetime(morsel["expires"]).timestamp() - time.time()
    return None


def _judge_cookie(morsel: Morsel[str]) -> Feedback | None:
    """Refuse a cookie JavaScript could read, one sent from other sites' pages, or the wrong lifetime."""
    if not morsel["httponly"]:
        return hint(f"the cookie has no HttpOnly, so the page's JavaScript could read it; {SECTION}")
    samesite = str(morsel["samesite"]).lower()
    if samesite != "strict":
        said = f"SameSite={samesite}" + (" (Starlette's default)" if samesite == "lax" else "")
        return hint(f"{said} still sends it when a link on another site leads here; {SECTION}")
    lifetime = _lifetime(morsel)
    if lifetime is None:
        return hint(f"the cookie has no Max-Age (nor Expires), so it lasts until the browser closes; {SECTION}")
    if abs(lifetime - LIFETIME) > 5:
        return hint(f"the cookie lives {lifetime:.0f} seconds, not ten minutes; {SECTION}")
    return None


def _judge_cache_control(response: httpx.Response) -> Feedback | None:
    """Refuse an answer that sets a cookie yet lets a shared cache keep it."""
    cache_control = response.headers.get("cache-control", "").lower()
    if "private" not in cache_control and "no-store" not in cache_control:
        said = f"Cache-Control is {cache_control!r}" if cache_control else "there is no Cache-Control header"
        return hint(
            f"{said}: an answer that sets a user's cookie is that user's alone, and no shared cache may keep it; "
            'the end of the section "A cookie" says which Cache-Control forbids that.'
        )
    return None


def check_cookie_route(app: Any) -> Feedback:
    """Serve the learner's `app`, POST /login with a real client, and judge the cookie and Cache-Control it sent."""
    if (refused := not_an_app(app)) is not None:
        return refused
    if all(getattr(route, "path", None) in DOC_PATHS for route in routes_of(app)):
        return waiting('a route on `my_app`: a function with `@my_app.post("/login")` above it')

    def requests(_: Any, http: httpx.Client) -> tuple[httpx.Response, bool]:
        response = http.post("/login")
        return response, NAME in http.cookies

    answered = exchange(app, "lesson05b-check-cookie", requests)
    if isinstance(answered, Feedback):
        return answered
    response, kept = answered
    if response.status_code in (404, 405):
        return hint(f'POST /login answered {response.status_code}: add the route with `@my_app.post("/login")`.')
    if response.status_code >= 400:
        return hint(f"POST /login answered {response.status_code} {response.text!r}; it should succeed (200).")
    morsels = _morsels(response)
    if isinstance(morsels, Feedback):
        return morsels
    if not morsels:
        return hint(
            "POST /login set no cookie at all: set it on the `response` parameter FastAPI passes in (a "
            "`Response()` made inside the function is thrown away unless the function returns it)."
        )
    if NAME not in morsels:
        return hint(f"POST /login set {sorted(morsels)}; the exercise asks for one named {NAME!r}.")
    if (refused := _judge_cookie(morsels[NAME])) is not None:
        return refused
    if not kept:
        return hint("httpx's cookie jar did not keep the cookie; set it without a Domain of another site.")
    if (refused := _judge_cache_control(response)) is not None:
        return refused
    return correct(
        "served for real: the cookie is HttpOnly (no JavaScript), SameSite=Strict (not sent from other sites), "
        f"lives ten minutes, and {_kept_by(response)}"
    )


def _kept_by(response: httpx.Response) -> str:
    """What the answer's Cache-Control lets caches do, as the success message says it."""
    if "no-store" in response.headers.get("cache-control", "").lower():
        return "the answer is no-store: no cache may keep it, not even this user's own."
    return "the answer is private: only this user's own cache may keep it."
