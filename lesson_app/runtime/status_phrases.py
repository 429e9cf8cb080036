"""RFC 9110's reason phrases in the lesson servers' status lines, on every Python the series supports."""

from __future__ import annotations

# The codes whose names RFC 9110 (2022) changed; Python 3.13 took the new names into http.HTTPStatus, 3.11 and
# 3.12 still have the old ones ("Unprocessable Entity", "Request Entity Too Large", ...).
RFC_9110 = {413: "Content Too Large", 414: "URI Too Long", 416: "Range Not Satisfiable", 422: "Unprocessable Content"}


def use_rfc9110_phrases() -> None:
    """Make Uvicorn send RFC 9110's names for these codes, as it does by itself on Python 3.13 and newer.

    Uvicorn builds its status lines once, from Python's http.HTTPStatus: without this, what a lesson shows
    for a 422 would depend on the Python that runs it. The phrase is only a label (clients go by the number).
    """
    from uvicorn.protocols.http import h11_impl

    for code, phrase in RFC_9110.items():
        h11_impl.STATUS_PHRASES[code] = phrase.encode()
    try:
        from uvicorn.protocols.http import httptools_impl
    except ImportError:  # httptools is optional (uvicorn[standard]); without it Uvicorn speaks HTTP/1.1 through h11
        return
    for code, phrase in RFC_9110.items():
        httptools_impl.STATUS_LINE[code] = b"HTTP/1.1 %d %s\r\n" % (code, phrase.encode())
