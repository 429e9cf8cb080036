"""Checkers for notebook 07: the parts of a connection URL, the direct (unpooled) URL, and a safe SQL search."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting

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


def check_url_parts(parts: Any) -> Feedback:
    """Check a dict with the user, host, port, database and sslmode of EXERCISE_URL."""
    if not_attempted(parts):
        return waiting('a dict such as `{"user": ..., "host": ..., "port": ..., "database": ..., "sslmode": ...}`')
    if not isinstance(parts, Mapping):
        return hint(f"expected a dict with the keys {', '.join(EXPECTED_PARTS)}; got a {type(parts).__name__}.")
    missing = [key for key in EXPECTED_PARTS if key not in parts]
    if missing:
        return hint(f"the dict needs the key(s) {', '.join(missing)} (spelled exactly like that).")
    listed = [key for key in EXPECTED_PARTS if isinstance(parts[key], list | tuple)]
    if listed:
        return hint(
            f"{listed[0]} is a list, {parts[listed[0]]!r}: `parse_qs` gives a list for every option, because "
            "an option may appear more than once in a query. Give the value itself, the one item in it."
        )
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


def check_direct_url(answer: Any) -> Feedback:
    """Check the direct (unpooled) URL made from EXERCISE_URL, as a string or a SQLAlchemy URL."""
    if not_attempted(answer):
        return waiting("the direct URL for the same database, e.g. `EXERCISE_URL.replace(...)`")
    try:
        url = _as_url(answer)
        host, query = url.host, dict(url.query)
    except (ArgumentError, AttributeError, TypeError, ValueError):
        return hint(f"expected a URL (a string or what `make_url` returns); got {answer!r}.")
    original = make_url(EXERCISE_URL)
    if host and "-pooler" in host:
        return hint(
            "the host still has `-pooler`: that is the pooled endpoint. The direct host is the same name "
            "without `-pooler`."
        )
    if host != DIRECT_HOST:
        return hint(
            f"host {host!r} is not the direct one: remove only `-pooler` from the host; the rest names your "
            "endpoint and its region."
        )
    if url.get_backend_name() != "postgresql":
        return hint(f"keep the scheme `postgresql://` (or postgresql+psycopg2://); {url.drivername!r} is not it.")
    if (url.username, url.password, url.database) != (original.username, original.password, original.database):
        return hint("only the host changes: keep the same user, password and database name.")
    if url.port not in (None, 5432):
        return hint("the direct endpoint listens on the same default port: leave the port out (or write 5432).")
    if query.get("sslmode") != "require":
        return hint("keep `?sslmode=require`: the direct endpoint also crosses the internet, so it also needs TLS.")
    if query.get("channel_binding") != "require":
        return hint("keep `channel_binding=require` too: it ties the password check to the TLS connection.")
    return correct(
        "same database, same credentials, same TLS options: only `-pooler` left the host. This is the "
        "URL for DIRECT_DATABASE_URL, which migrations use."
    )


# The checker's own rows: in a temporary table that hides the real `youtube` for one rolled-back transaction.
_ROWS = [
    ("How a request finds its route", "Request Journey"),
    ("Ports explained", "Request Journey"),
    ("Routers and routes", "HTTP Basics"),
    ("Alex's route planner", "Alex's Lab"),
    ("Route tables", "Network Notes"),  # "Route", not "route": a case-sensitive search leaves it out
]
_INJECTION = "x%' OR TRUE --"


def _run(search: Callable[[Connection, str], Any], conn: Connection, word: str) -> tuple[Any, Exception | None]:
    savepoint = conn.begin_nested()
    try:
        result = search(conn, word)
        if result is not None and not isinstance(result, (str, bytes)):
            result = list(result)
    except Exception as exc:  # noqa: BLE001 - a learner's function may raise anything; it becomes a hint
        savepoint.rollback()
        return None, exc
    savepoint.commit()
    return result, None


def _error_hint(exc: Exception, word: str) -> Feedback:
    if isinstance(exc, ArgumentError) or type(exc).__name__ == "ObjectNotExecutableError":
        return hint(
            "SQLAlchemy 2 runs SQL you write only when it is wrapped in `text(...)`: "
            '`conn.execute(text("SELECT ..."), {...})`.'
        )
    if isinstance(exc, DBAPIError):
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        if "syntax error" in first and "'" in word:
            return hint(
                f"searching for {word!r} failed with `{first}`: the apostrophe in the value ended a string in "
                "your SQL, so the value was pasted into the SQL text. Use a placeholder `:word` and pass the "
                "value in a dict."
            )
        if "syntax error" in first or "%" in first:
            return hint(
                f"PostgreSQL said `{first}`. If your SQL says `'%:word%'`, the placeholder sits inside quotes: "
                "write `LIKE :pattern` with no quotes and put the % signs in the value, "
                '`{"pattern": f"%{word}%"}`.'
            )
        return hint(f"the query failed in PostgreSQL: `{first}`.")
    if isinstance(exc, SQLAlchemyError):
        return hint(f"SQLAlchemy said: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    return hint(f"your function raised {exc.__class__.__name__}: {exc}")


def check_title_search(search: Any, engine: Engine) -> Feedback:
    """Check `search(conn, word)`: the titles that contain `word` as written (capitals count), in id order, with the
    word as a bound parameter.

    It runs in one transaction that is rolled back, against a temporary `youtube` table of the checker's own
    rows, so neither the lesson's rows nor a mistake in the function can change anything.
    """
    if not_attempted(search):
        return waiting("a function `titles_containing(conn, word)` (then `my_search = titles_containing`)")
    if not callable(search):
        return hint(f"expected a function that takes (conn, word); got a {type(search).__name__}.")
    with engine.connect() as conn:
        transaction = conn.begin()
        conn.execute(
            text(
                "CREATE TEMPORARY TABLE youtube (id serial PRIMARY KEY, title text NOT NULL, "
                "channel text NOT NULL, url text, views integer NOT NULL DEFAULT 0, "
                "is_published boolean NOT NULL DEFAULT true) ON COMMIT DROP"
            )
        )
        conn.execute(
            text("INSERT INTO youtube (title, channel) VALUES (:title, :channel)"),
            [{"title": title, "channel": channel} for title, channel in _ROWS],
        )
        try:
            return _judge(search, conn)
        finally:
            transaction.rollback()


def _judge(search: Callable[[Connection, str], Any], conn: Connection) -> Feedback:
    every = [title for title, _ in _ROWS]
    expected = {"route": [every[0], every[2], every[3]], _INJECTION: [], "Alex's": [every[3]]}
    for word in ("route", _INJECTION, "Alex's"):
        got, error = _run(search, conn, word)
        if error is not None:
            return _error_hint(error, word)
        if got is None:
            return hint(
                "your function returned None: end it with `return ...`, e.g. "
                "`return conn.execute(query, params).scalars().all()`."
            )
        if not isinstance(got, list) or not all(isinstance(title, str) for title in got):
            return hint(
                "return the titles as a list of strings: `.scalars().all()` gives the first column of each "
                "row (a bare `.all()` gives whole rows)."
            )
        if word == _INJECTION and len(got) > 0:
            return hint(
                f"searching for {_INJECTION!r} returned {len(got)} title(s), though no title contains that "
                "text: the value became part of the SQL (injection). Write `LIKE :pattern` and pass "
                '`{"pattern": f"%{word}%"}` as the second argument of `conn.execute`.'
            )
        if got == expected[word]:
            continue
        if word == "route" and not got:
            return hint(
                "searching for 'route' found nothing: `LIKE` without `%` matches only a title that is "
                'exactly the word. Put `%` on both sides of the value: `f"%{word}%"`.'
            )
        if sorted(got) == sorted(expected[word]):
            return hint("the right titles, in another order: add `ORDER BY id`.")
        if word == "route" and sorted(got) == sorted([*expected[word], every[4]]):
            return hint(
                "searching for 'route' also found 'Route tables', whose title has 'Route' with a capital R: "
                "your search ignores case (`ILIKE`, or `lower(...)`). The task asks for the word as written, "
                "which is what `LIKE` compares: capitals count."
            )
        return hint(f"searching for {word!r} gave {got}; expected {expected[word]}.")
    return correct(
        "the right titles in id order; the injection found nothing and the apostrophe broke nothing, "
        "because the word travels as a bound parameter."
    )
