"""Checkers for notebook 07: the parts of a connection URL, the direct (unpooled) URL, which URLs connect, and a
password with an `@`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import make_url

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting

# Notebook 07 imports every checker of its lesson from here; the two that connect live in modules of their own.
from lesson_app.teaching.checks.connect_prediction import check_connect_prediction as check_connect_prediction
from lesson_app.teaching.checks.connect_prediction import connect_candidates as connect_candidates
from lesson_app.teaching.checks.guards import a_type
from lesson_app.teaching.checks.password_url import check_maya_url as check_maya_url
from lesson_app.teaching.restart import make_needs

# After a kernel restart, `needs(...)` in an exercise cell names the section whose cell makes a missing name.
MADE_IN = {"db_url": "Start the real parts"}
needs = make_needs(MADE_IN)

# An invented Neon-style URL: no such account or endpoint exists, and nothing ever connects to it.
EXERCISE_URL = (
    "postgresql://maya:Xy7Kq2Lm@ep-quiet-river-654321-pooler.us-east-2.aws.neon.tech/shopdb"
    "?sslmode=require&channel_binding=require"
)
EXPECTED_PARTS = {
    "user": "maya",
    "host": "ep-quiet-river-654321-pooler.us-east-2.aws.neon.tech",
    "port": 5432,
    "database": "shopdb",
    "sslmode": "require",
}
DIRECT_HOST = "ep-quiet-river-654321.us-east-2.aws.neon.tech"


def _not_a_parts_dict(parts: Any) -> Feedback | None:
    """Refuse the placeholder, a non-dict, a missing key, or a value left as the list `parse_qs` gives."""
    if not_attempted(parts):
        return waiting('a dict such as `{"user": ..., "host": ..., "port": ..., "database": ..., "sslmode": ...}`')
    if not isinstance(parts, Mapping):
        return hint(f"expected a dict with the keys {', '.join(EXPECTED_PARTS)}; got {a_type(parts)}.")
    missing = [key for key in EXPECTED_PARTS if key not in parts]
    if missing:
        return hint(f"the dict needs the key(s) {', '.join(missing)} (spelled exactly like that).")
    listed = [key for key in EXPECTED_PARTS if isinstance(parts[key], list | tuple)]
    if listed:
        return hint(
            f"{listed[0]} is a list, {parts[listed[0]]!r}: `parse_qs` gives a list for every option, because "
            "an option may appear more than once in a query. Give the value itself, the one item in it."
        )
    return None


# Over 40 lines on purpose: one ladder of hints, most specific first, whose order makes each hint right; split
# across functions, that order would be harder to see.
def check_url_parts(parts: Any) -> Feedback:
    """Check a dict with the user, host, port, database and sslmode of EXERCISE_URL."""
    if (unusable := _not_a_parts_dict(parts)) is not None:
        return unusable
    user, host, port = parts["user"], parts["host"], parts["port"]
    database, sslmode = parts["database"], parts["sslmode"]
    if user != "maya":
        if isinstance(user, str) and user.startswith("maya:"):
            return hint("the user ends at the `:`; what follows it, up to the `@`, is the password.")
        return hint(f"user {user!r} is not it: the user is what comes right after `://`, up to the `:`.")
    if host != EXPECTED_PARTS["host"]:
        if isinstance(host, str) and host.replace("-pooler", "") == DIRECT_HOST:
            return hint("keep the host exactly as it is written, `-pooler` included: it is part of the name.")
        if isinstance(host, str) and ("@" in host or "/" in host or ":" in host):
            return hint(f"{host!r} holds more than the host: the host runs from the `@` to the next `/` or `:`.")
        return hint(f"host {host!r} is not it: the host is everything between the `@` and the `/`.")
    if port != 5432:
        if port is None:
            return hint(
                "no port is written in this URL, so the client uses PostgreSQL's default port, 5432 "
                "(just as an https URL without a port means 443). `make_url` says None because it reports only "
                "what is written."
            )
        if port == "5432":
            return hint("right port, but as text: give the number 5432, not the string '5432'.")
        if port in (80, 443, 8000, "80", "443", "8000"):
            return hint(f"{port} is a web port (HTTP, HTTPS, Uvicorn); PostgreSQL's default port is 5432.")
        return hint(f"port {port!r} is not it: no port is written, so it is PostgreSQL's default.")
    if database != "shopdb":
        if isinstance(database, str) and database.startswith("/"):
            return hint("leave out the leading `/`: it separates the host from the database name.")
        if isinstance(database, str) and "?" in database:
            return hint("the database name ends where the query options begin, at the `?`.")
        return hint(f"database {database!r} is not it: the database is the path after the host, without the `/`.")
    if sslmode != "require":
        if isinstance(sslmode, str) and sslmode.startswith("sslmode="):
            return hint("give only the value after `sslmode=`.")
        return hint(f"sslmode {sslmode!r} is not it: read the value of `sslmode=` in the query after the `?`.")
    return correct(
        "maya connects to shopdb on the pooled host, port 5432 (not written, so the default), and "
        "insists on TLS (sslmode=require)."
    )


def _as_url(answer: Any) -> Any:
    return make_url(answer) if isinstance(answer, str) else answer
