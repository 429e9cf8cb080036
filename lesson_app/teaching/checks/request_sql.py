"""Notebook 07b's predict-then-run exercise: for one request to `/videos`, how many statements reach PostgreSQL,
and which of its values travel as bound parameters. The checker sends the request and records what was sent."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import Engine, event

from lesson_app.teaching.checks import Feedback, correct, exception_text, hint, waiting
from lesson_app.teaching.checks.guards import all_placeholders

REQUEST = {"channel": "Alex's Lab", "is_published": "false", "limit": "5"}
_VALUES = {"channel": "Alex's Lab", "is_published": False, "limit": 5}
_BOUND = {"bound", "parameter", "param", "a parameter", "bound parameter"}
_INLINE = {"inline", "in the text", "text", "literal", "in the sql"}
_WHY = {
    "channel": "Text from a request is always bound: `youtube.channel = %(channel_1)s`, and `Alex's Lab`, "
    "apostrophe included, travels in the parameter.",
    "is_published": "SQLAlchemy writes a comparison with True or False into the text, `youtube.is_published = "
    "false`: a bool becomes one of two words, so nothing can be smuggled in.",
    "limit": "Numbers are bound too: `LIMIT %(param_1)s`, and 5 is handed to psycopg2 in the parameters.",
}


def _is(value: Any, wanted: Any) -> bool:
    """Equal and of the same type: False == 0 and 5 == 5.0 in Python, but not here."""
    return type(value) is type(wanted) and value == wanted


def _record(client: httpx.Client) -> tuple[httpx.Response, list[tuple[str, Any]]]:
    sent: list[tuple[str, Any]] = []

    def remember(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        sent.append((statement, parameters))

    # On the class: the API's engine is not the notebook's, and nothing else runs SQL while the request is served.
    event.listen(Engine, "before_cursor_execute", remember)
    try:
        response = client.get("/videos", params=REQUEST)
    finally:
        event.remove(Engine, "before_cursor_execute", remember)
    return response, sent


def _read(prediction: Any) -> dict[str, Any] | Feedback:
    keys = ["statements", *_VALUES]
    if not isinstance(prediction, dict) or set(prediction) != set(keys):
        return hint(f"expected a dict with exactly the keys {', '.join(keys)}; got {prediction!r}.")
    read: dict[str, Any] = {}
    for key in keys:
        value = prediction[key]
        if key == "statements":
            ok = isinstance(value, int | str) and not isinstance(value, bool) and str(value).strip().isdigit()
            read[key] = int(str(value).strip()) if ok else None
        else:
            word = value.strip().lower() if isinstance(value, str) else None
            read[key] = "bound" if word in _BOUND else "inline" if word in _INLINE else None
        if read[key] is None:
            what = "a whole number" if key == "statements" else '"bound" or "inline"'
            return hint(
                f"{key} is {'still `...`' if value is Ellipsis else repr(value)}: write {what} for every key "
                "first; the checker sends the request only then."
            )
    return read


def check_request_sql(prediction: Any, client: httpx.Client) -> Feedback:
    """Compare the prediction with the statements the API really sent for GET /videos?channel=Alex's Lab&..."""
    if all_placeholders(prediction):
        return waiting('your prediction: a number for `"statements"`, and `"bound"` or `"inline"` for each value')
    read = _read(prediction)
    if isinstance(read, Feedback):
        return read
    try:
        response, sent = _record(client)
    except httpx.HTTPError as exc:
        return hint(f"the request did not reach the lesson API ({exception_text(exc)}): run the first cells again.")
    if response.status_code != 200:
        return hint(f"the API answered {response.status_code}, not 200: run the lesson's cells from the top again.")
    values = [v for _, params in sent if isinstance(params, dict) for v in params.values()]
    real = {key: "bound" if any(_is(v, wanted) for v in values) else "inline" for key, wanted in _VALUES.items()}
    misses = []
    if read["statements"] != len(sent):
        misses.append(
            f"- statements: you said {read['statements']}, the API sent {len(sent)}: a `count(*)` for `total`, "
            "then one page of rows."
        )
    misses += [
        f"- {key}: you said {read[key]}, it went {real[key]}. {_WHY[key]}" for key in _VALUES if read[key] != real[key]
    ]
    if misses:
        return hint(f"{4 - len(misses)} of 4 as you predicted.\n\n" + "\n".join(misses))
    return correct(
        f"{len(sent)} statements, the channel and the limit bound, `false` written into the text. "
        "Print what was sent with an event listener (as in “A request ends in a query”) to see it for yourself."
    )
