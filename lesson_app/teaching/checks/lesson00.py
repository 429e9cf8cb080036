"""Checker for notebook 00: the learner's first request of their own."""

from __future__ import annotations

from typing import Any

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import not_a_response
from lesson_app.teaching.restart import make_needs

# Which section of notebook 00 makes each name an exercise cell uses: after a kernel restart, `needs(...)` in
# the exercise cell names that section instead of a bare NameError.
MADE_IN = {"client": "The first request"}
needs = make_needs(MADE_IN)


def check_first_request(response: Any) -> Feedback:
    """Check that `response` is the answer to a GET request for the route /c."""
    if not_attempted(response):
        return waiting("a GET request for the route /c, sent with `client`")
    if (refused := not_a_response(response, then="")) is not None:
        return refused
    if response.request.method != "GET":
        return hint(f"that was a {response.request.method} request; use `client.get`.")
    if response.request.url.path != "/c":
        return hint(f"that request went to {response.request.url.path!r}; the route to ask for is '/c'.")
    if response.status_code != 200:
        return hint(f"the server answered {response.status_code}; is the server from the cells above running?")
    return correct(f"GET /c answered 200, and FastAPI says it called {response.json()['function']}().")
