"""Checkers for notebook 04, routes and methods: predicted status codes, 404 against 405, route order, and a
route with a path parameter of the learner's own."""

from __future__ import annotations

from typing import Any

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import not_a_response

# Notebook 04 imports every checker of its lesson from here; three live in modules of their own.
from lesson_app.teaching.checks.next_video_route import check_next_video as check_next_video
from lesson_app.teaching.checks.route_order import check_route_order as check_route_order
from lesson_app.teaching.checks.status_predictions import check_status_predictions as check_status_predictions
from lesson_app.teaching.restart import make_needs

# The names this lesson's cells make, and the heading of the section whose code cell makes each: after a
# kernel restart, `needs(...)` in an exercise cell names that section instead of a bare NameError.
MADE_IN = {
    "db_url": "Start the real parts",
    "app": "Start the real parts",
    "server": "Start the real parts",
    "client": "Start the real parts",
}
needs = make_needs(MADE_IN)


def check_method_not_allowed(response: Any) -> Feedback:
    """Check that `response` is a 405 from /admin/maintenance, whose Allow header names the method it takes."""
    if not_attempted(response):
        return waiting("one request to /admin/maintenance whose answer names, in a header, the method it accepts")
    if (refused := not_a_response(response)) is not None:
        return refused
    path, method, code = response.request.url.path, response.request.method, response.status_code
    if path != "/admin/maintenance":
        if code == 404:
            return hint(f"{path!r} answered 404: no route has that path. Ask for '/admin/maintenance' exactly.")
        return hint(f"that request went to {path!r}; this exercise is about '/admin/maintenance'.")
    if code == 405:
        return correct(
            f"405 Method Not Allowed: the path exists but not for {method}. The Allow header says "
            f"which method it takes: Allow: {response.headers.get('allow')}."
        )
    if code in (401, 403):
        return hint(
            f"{method} is the method this route accepts, so the route matched and then asked for the "
            f"admin token ({code}). A 405 comes earlier, from routing: use a method the route does not "
            "have, such as GET, and read the Allow header."
        )
    if code == 422:
        return hint(
            f"{method} with the admin token reached the route, which then wanted a body ({code}). "
            "Use a method the route does not have, such as GET."
        )
    if code == 200:
        return hint(
            f"{method} with the admin token ran the function and changed maintenance mode (make sure it "
            "is off again!). Use a method the route does not have, such as GET."
        )
    if code == 503:
        return hint(
            "503: maintenance mode is on. Switch it off with "
            '`client.put("/admin/maintenance", json={"enabled": False}, headers=...)`, then try again.'
        )
    return hint(f"the server answered {code}; a request with a method /admin/maintenance does not accept gets 405.")
