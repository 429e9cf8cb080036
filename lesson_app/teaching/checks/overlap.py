"""Lesson 11's exercise 3, from the server's side: did the requests overlap, or was each answered before the next?

The lesson API records when each request started and ended (`lesson_app.api.in_flight`). When two of the learner's
requests were inside the API at the same moment, they were in flight together. When none were, that is still what
a burst looks like for a route that answers without pausing (the server takes them one at a time, as they come),
so the waits decide: in a burst every client waits for the requests ahead of it too, and the waits add up to many
times the span from the first request's arrival to the last answer; sent one after another, to about that span.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx

# A burst of n requests adds up to about n/2 spans of waiting; one after another, to one span plus the edges.
_BURST_RATIO = 2.0


def _most_at_once(intervals: Sequence[tuple[float, float]]) -> int:
    """The most intervals that hold one moment in common (each start is checked against every interval)."""
    return max(sum(1 for start, end in intervals if start <= moment < end) for moment, _ in intervals)


def _server_intervals(responses: Sequence[httpx.Response]) -> list[tuple[float, float]] | None:
    """The (start, end) of the last len(responses) requests the answering lesson server recorded, else None."""
    from lesson_app.runtime.server import server_on_port  # only when judged: it imports Uvicorn

    server = server_on_port(responses[0].request.url.port)
    recorded = getattr(getattr(getattr(server, "app", None), "state", None), "request_intervals", None)
    if recorded is None or len(recorded) < len(responses):
        return None
    return list(recorded)[-len(responses) :]


def answered_one_at_a_time(responses: Sequence[httpx.Response]) -> bool | None:
    """Say whether the server answered each request before the next was sent; None when it cannot tell."""
    intervals = _server_intervals(responses)
    if intervals is None or len(intervals) < 2:
        return None
    if _most_at_once(intervals) > 1:
        return False
    span = max(end for _, end in intervals) - min(start for start, _ in intervals)
    waited = sum(response.elapsed.total_seconds() for response in responses)
    return waited < _BURST_RATIO * span
