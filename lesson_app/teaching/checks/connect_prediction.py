"""Notebook 07's predict-then-run exercise: four URLs for the lesson's own server, each one part changed; the
learner says which connect, and the checker tries each one for real with psycopg2 (libpq, as psql uses)."""

from __future__ import annotations

import re
from typing import Any

import psycopg2
from sqlalchemy.engine import URL

from lesson_app.runtime.databases import plain_url
from lesson_app.teaching.checks import Feedback, correct, hint, waiting
from lesson_app.teaching.checks.guards import all_placeholders

# What each URL changes, and why it connects or is refused on the embedded server (no TLS, scram passwords).
CHANGES = {
    "A": "`?sslmode=prefer` added",
    "B": "`?sslmode=verify-full` added",
    "C": "the database `postgres` instead of the lesson's",
    "D": "the password with a capital first letter",
}
_WHY = {
    "A": "`prefer` asks for TLS and goes on without it when the server answers N, as this one does.",
    "B": "`verify-full` insists on TLS and a certificate for this host name, and this server has no TLS.",
    "C": "One server holds many databases, and `postgres` is the one every new server starts with.",
    "D": "The server compares passwords exactly, capitals included.",
}
# On the embedded server; elsewhere (a TLS server, another password) the checker still reports what really happened.
_EXPECTED = {"A": True, "B": False, "C": True, "D": False}
_YES = {"yes", "y", "true", "connects", "connected"}
_NO = {"no", "n", "false", "refused", "fails"}


def connect_candidates(db_url: URL) -> dict[str, str]:
    """Return the four URLs of the exercise, each `plain_url(db_url)` with one part changed."""
    password = db_url.password or ""
    return {
        "A": plain_url(db_url.update_query_dict({"sslmode": "prefer"})),
        "B": plain_url(db_url.update_query_dict({"sslmode": "verify-full"})),
        "C": plain_url(db_url.set(database="postgres")),
        "D": plain_url(db_url.set(password=password[:1].upper() + password[1:])),
    }


def _as_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _try(url: str) -> tuple[bool, str]:
    """Connect for real; return whether it worked and, if not, libpq's reason in one line."""
    try:
        conn = psycopg2.connect(url, connect_timeout=3)
    except psycopg2.Error as exc:
        lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
        reason = lines[-1].split("failed: ")[-1] if lines else type(exc).__name__
        return False, re.sub(r"^FATAL:\s+", "", reason)  # libpq's severity word says nothing to a learner
    conn.close()
    return True, ""


def check_connect_prediction(prediction: Any, db_url: URL) -> Feedback:
    """Compare the learner's True/False for each URL with what really happens when psycopg2 connects with it."""
    if all_placeholders(prediction):
        return waiting("your prediction for each URL: True (it connects) or False (it is refused)")
    if not isinstance(prediction, dict) or set(prediction) != set(CHANGES):
        return hint(
            f"expected a dict with exactly the keys {', '.join(CHANGES)}, one for each URL; got {prediction!r}."
        )
    said = {label: _as_bool(value) for label, value in prediction.items()}
    unclear = [label for label in CHANGES if said[label] is None]
    if unclear:
        # A prediction is only one if it is made before the URLs are tried: nothing connects until all are filled.
        given = prediction[unclear[0]]
        if isinstance(given, str) and given.strip().lower() in _YES | _NO:
            word = "True" if given.strip().lower() in _YES else "False"
            return hint(
                f"{unclear[0]} is the string {given!r}: write the Python value {word}, without quotes, "
                "so that every prediction is True or False."
            )
        return hint(
            f"{unclear[0]} is {'still `...`' if given is Ellipsis else repr(given)}: "
            "write True (it connects) or False (it is refused) for "
            "every URL first; the checker tries them only then."
        )
    lines, wrong = [], 0
    for label, url in connect_candidates(db_url).items():
        connected, reason = _try(url)
        outcome = "connected" if connected else f"was refused: `{reason}`"
        if said[label] == connected:
            lines.append(f"- {label} ({CHANGES[label]}): it {outcome}, as you said.")
        else:
            wrong += 1
            lines.append(
                f"- {label} ({CHANGES[label]}): you said it would {'' if said[label] else 'not '}connect; "
                f"it {outcome}." + (f" {_WHY[label]}" if connected == _EXPECTED[label] else "")
            )
    if wrong:
        return hint(f"{len(CHANGES) - wrong} of {len(CHANGES)} as you predicted.\n\n" + "\n".join(lines))
    return correct("every prediction held.\n\n" + "\n".join(lines))
