"""Notebook 07's debug-this exercise: maya's password holds an `@`, and an f-string URL cuts it there. The checker
reads the learner's fixed URL as SQLAlchemy does, then logs in with it for real, as the role `maya` it makes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from lesson_app.config.settings import normalize_url
from lesson_app.teaching.checks import Feedback, correct, exception_text, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import a_type

MAYA, PASSWORD = "maya", "s3cret@home"


def _make_maya(db_url: URL) -> None:
    """As the lesson's administrator: the role maya, allowed to log in, with the exercise's password."""
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": MAYA})
            verb = "ALTER" if exists else "CREATE"
            # A role's password cannot be a bound parameter (utility statements take none): the quoting is ours.
            conn.execute(text(f"{verb} ROLE {MAYA} LOGIN PASSWORD '{PASSWORD}'"))
    finally:
        engine.dispose()


def _parse(answer: Any) -> URL | Feedback:
    if isinstance(answer, URL):  # what URL.create returns: with or without the driver, as normalize_url allows
        bare = answer.drivername in ("postgres", "postgresql")
        return answer.set(drivername="postgresql+psycopg2") if bare else answer
    if not isinstance(answer, str):
        return hint(f"expected the URL as a string (or what `URL.create` returns); got {a_type(answer)}.")
    try:
        return normalize_url(answer)
    except (ArgumentError, ValueError) as exc:
        return hint(f"SQLAlchemy could not read this URL ({exception_text(exc)}): look at what comes after the `@`.")


def _wrong_part(url: URL, db_url: URL) -> Feedback | None:
    """A hint naming the part SQLAlchemy read differently from what was meant; None when every part is right."""
    if url.password != PASSWORD and url.host and "@" in url.host:
        return hint(
            f"SQLAlchemy read the password as {url.password!r} and the host as {url.host!r}: the `@` inside the "
            "password ended it. Percent-encode the password (`@` is `%40`), or build the URL with `URL.create(...)`."
        )
    if url.password is not None and "%40" in url.password:
        return hint(
            f"the password arrived as {url.password!r}: it was encoded twice. Encode it once, or let "
            "`URL.create(...)` do it and give it the password as it is."
        )
    if url.username != MAYA:
        return hint(f"the user is {url.username!r}; the exercise logs in as `maya`.")
    if url.password == "***":
        # str() and print() of a URL mask the password, so a str(URL.create(...)) answer carries the mask itself.
        return hint(
            "the password arrived as '***': str() and print() of a URL hide the password, so give the URL object "
            "itself, or `url.render_as_string(hide_password=False)`."
        )
    if url.password != PASSWORD:
        return hint(f"the password is {url.password!r}; maya's is {PASSWORD!r}, exactly.")
    if (url.host, url.port or 5432, url.database) != (db_url.host, db_url.port or 5432, db_url.database):
        return hint(
            f"the URL leads to {url.host}:{url.port}/{url.database}; keep the host, port and database of `db_url` "
            f"({db_url.host}:{db_url.port}/{db_url.database})."
        )
    return None


def check_maya_url(answer: Any, db_url: URL) -> Feedback:
    """Check that `answer` is a URL that logs maya in to the lesson's database, by logging in with it."""
    if not_attempted(answer):
        return waiting("a URL that logs `maya` in with her password, as a string or `URL.create(...)`")
    url = _parse(answer)
    if isinstance(url, Feedback):
        return url
    if (wrong := _wrong_part(url, db_url)) is not None:
        return wrong  # nothing connects to a misread host: it could send a DNS question for a name like 'home@...'
    try:
        _make_maya(db_url)
    except SQLAlchemyError:
        # A hosted server (Neon, a school's) may refuse CREATE ROLE, or this weak password: the URL is judged right.
        return correct(
            "every part of the URL reads right: the `@` in the password travels as `%40`. (This server does not let "
            "the lesson make the role `maya`, so the login itself was not tried.)"
        )
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                who, where = conn.execute(text("SELECT current_user, current_database()")).one()
        finally:
            engine.dispose()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()
        return hint(f"every part reads right, but the server refused: `{reason[-1] if reason else exc}`.")
    return correct(
        f"logged in for real as {who} to {where}: the `@` in the password now travels as `%40`, and SQLAlchemy "
        "reads it back as part of the password."
    )
