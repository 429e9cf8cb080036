"""The guards checkers start with: an answer still full of `...`, or not the kind of object the exercise asks for.

Each returns a `Feedback` when the answer cannot be judged yet, else None, so a checker reads
`if (early := guard(answer)) is not None: return early`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from lesson_app.teaching.checks import Feedback, hint, not_attempted


def all_placeholders(answers: Any) -> bool:
    """Say whether a fill-in dictionary (or the answer itself) still holds nothing but `...`."""
    return not_attempted(answers) or (isinstance(answers, dict) and all(not_attempted(v) for v in answers.values()))


def any_placeholder(answers: Any) -> bool:
    """Say whether a fill-in dictionary (or the answer itself) still holds a `...` anywhere."""
    return not_attempted(answers) or (isinstance(answers, dict) and ... in answers.values())


def same_keys(answers: Any, expected: dict[str, Any]) -> bool:
    """Say whether `answers` is a dictionary with exactly the keys the exercise gave."""
    return isinstance(answers, dict) and set(answers) == set(expected)


def not_a_response(response: Any, *, then: str | None = None) -> Feedback | None:
    """Refuse anything but the `httpx.Response` a request returns.

    Lessons 00 to 02 name `client.get(...)` as what returns it and may add `then`, advice for that exercise.
    """
    if isinstance(response, httpx.Response):
        return None
    got = a_type(response)
    if then is None:
        return hint(f"expected the response object a request returns (`client.get(...)`), got {got}.")
    return hint(
        f"expected the response object that `client.get(...)` returns, got {got}." + (f" {then}" if then else "")
    )


def first_wrong(
    answers: dict[str, Any], expected: dict[str, Any], judge: Callable[[str, Any, Any], Feedback | None]
) -> Feedback | None:
    """Walk a fill-in dictionary in the exercise's order; return a hint for the first `...` or refused answer.

    `judge(key, expected, given)` returns a hint for a wrong answer, else None.
    """
    for right, (key, wanted) in enumerate(expected.items()):
        given = answers[key]
        if not_attempted(given):
            return hint(f"{right} right so far; {key!r} is still `...`.")
        if (refused := judge(key, wanted, given)) is not None:
            return refused
    return None


def whole_number(value: Any) -> int | None:
    """A learner's number as an int: 3, 3.0, "3" or " 3 " alike (a prediction is judged on its value, not on how
    Python spells it); None for True/False, 3.5, "three" or anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)  # an `httpx.codes` or `HTTPStatus` member too
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def a_type(value: Any) -> str:
    """Name a value's type with its article, as a hint says it: "an int", "a str", "an ellipsis"."""
    name = type(value).__name__
    # By sound, not spelling: a URL and a UUID start with "you"; every other vowel takes "an".
    vowel = name[:1].lower() in "aeiou" and not name.lower().startswith(("url", "uuid"))
    return f"{'an' if vowel else 'a'} {name}"
