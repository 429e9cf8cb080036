"""Notebook 03's predict-then-run exercise: how many connections three requests use, with one client or new ones."""

from __future__ import annotations

from typing import Any

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import all_placeholders, same_keys, whole_number

WAYS = ("one client", "a new client each time")
WHY = {
    "one client": (
        "one `httpx.Client` keeps its connection open after an answer and sends the next request over it "
        "(keep-alive, lesson 01), so every request leaves from the same client port"
    ),
    "a new client each time": (
        "a new client starts with no open connection, and closing it closes the one it opened, so each "
        "request needed a new connection, with a client port of its own"
    ),
}


def _counts(seen: Any) -> dict[str, int] | None:
    """The number of different client ports each way used (the cell collects the ports in sets)."""
    if not same_keys(seen, dict.fromkeys(WAYS)):
        return None
    try:
        return {way: value if isinstance(value, int) else len(value) for way, value in seen.items()}
    except TypeError:  # a value that is neither a count nor a collection of ports
        return None


def _refused(prediction: Any) -> Feedback | None:
    """A hint when the prediction is not two whole numbers under the cell's two names."""
    if not same_keys(prediction, dict.fromkeys(WAYS)):
        return hint(f"keep the dictionary from the cell, with a number for each of {WAYS[0]!r} and {WAYS[1]!r}.")
    for way in WAYS:
        value = prediction[way]
        if not_attempted(value):
            return hint(f"{way!r} is still `...`: predict a number for it too.")
        if whole_number(value) is None:
            return hint(f"{way!r}: write a whole number of connections, like 3; got {value!r}.")
    return None


def check_connection_prediction(prediction: Any, seen: Any) -> Feedback:
    """Compare the predicted number of connections each way with the client ports the cell really saw."""
    if all_placeholders(prediction):
        return waiting("a number of connections for each way, your prediction")
    if (refused := _refused(prediction)) is not None:
        return refused
    counts = _counts(seen)
    if counts is None:
        return hint("`seen` is not what the cell collects; run the exercise cell as it is, with your prediction.")
    prediction = {way: whole_number(prediction[way]) for way in WAYS}  # "1" and 1.0 are the prediction 1
    wrong = [way for way in WAYS if prediction[way] != counts[way]]
    if not wrong:
        return correct(
            f"{counts[WAYS[0]]} and {counts[WAYS[1]]}, as you predicted: {WHY[WAYS[0]]}; {WHY[WAYS[1]]}. "
            "All of them went to the same server port."
        )
    return hint(
        " ".join(f"You predicted {prediction[way]} for {way!r}; it used {counts[way]}: {WHY[way]}." for way in wrong)
    )
