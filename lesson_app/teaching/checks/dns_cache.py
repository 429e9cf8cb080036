"""Notebook 02's predict-then-run exercise: how many queries a resolver sends for shop.test as its TTL runs out."""

from __future__ import annotations

from typing import Any

from lesson_app.teaching.checks import Feedback, correct, exception_text, hint, waiting
from lesson_app.teaching.checks.guards import all_placeholders, same_keys, whole_number
from lesson_app.teaching.dns_resolver import Lookup, RecursiveResolver

# The prediction's keys, and when each lookup happens: seconds after a first, cold lookup of shop.test.
LATER = {"200 seconds later": 200, "400 seconds later": 400}


def _as_count(value: Any) -> int | None:
    """A prediction as a number of queries: 1, or "1"; None for anything else."""
    number = whole_number(value)
    return number if number is not None and number >= 0 else None


def run_lookups(zones: Any) -> tuple[Lookup, dict[str, Lookup]]:
    """Look shop.test up for real with a fresh resolver, then again at each of LATER's moments."""
    resolver = RecursiveResolver(zones)
    first = resolver.lookup("shop.test")
    later = {}
    for key, seconds in LATER.items():
        resolver.cache.advance(seconds - resolver.cache.now)
        later[key] = resolver.lookup("shop.test")
    return first, later


def _what_happened(key: str, first: Lookup, lookup: Lookup) -> str:
    """One sentence: what the lookup at `key` really did, and why."""
    if not lookup.steps:
        left = first.ttl - LATER[key]
        return f"{key}, 0 queries: the answer (TTL {first.ttl}) still had {left} seconds left, so the cache answered"
    asked = ", ".join(step.server for step in lookup.steps)
    count = f"{len(lookup.steps)} {'query' if len(lookup.steps) == 1 else 'queries'}"
    skipped = [step.server for step in first.steps[: len(first.steps) - len(lookup.steps)]]
    why = f"the answer's TTL of {first.ttl} seconds had run out, so the resolver asked {asked}"
    if skipped:
        why += f", and not {' or '.join(skipped)}: the delegations they had given still had time left in the cache"
    return f"{key}, {count}: {why}"


def _mistake(key: str, predicted: int, first: Lookup, lookup: Lookup) -> str:
    """Name the idea a wrong prediction missed."""
    actual = len(lookup.steps)
    if actual == 0:
        return (
            f"you predicted {predicted} for {key}, but a resolver keeps an answer for its TTL ({first.ttl} seconds "
            "for shop.test) and sends no query while it lasts"
        )
    if predicted == 0:
        return (
            f"you predicted 0 for {key}, but the answer's TTL of {first.ttl} seconds had run out by then, so the "
            "cache no longer held it"
        )
    if predicted == len(first.steps):
        return (
            f"you predicted {predicted} for {key}, as many as the cold lookup, but the resolver also cached the "
            "referrals (NS records with TTLs of an hour and a day), so it starts at the closest server it still "
            "knows"
        )
    return f"you predicted {predicted} for {key}, but the resolver sent {actual}"


def check_cache_prediction(prediction: Any, zones: Any) -> Feedback:
    """Compare predicted query counts with a real resolver's, 200 and 400 seconds after a cold lookup."""
    example = "{" + ", ".join(f'"{key}": ...' for key in LATER) + "}"
    if all_placeholders(prediction):
        return waiting("a number of queries for each lookup, e.g. `3`")
    if not same_keys(prediction, LATER):
        return hint(f"keep the dictionary's two keys and put a number after each: `prediction = {example}`.")
    counts = {key: _as_count(value) for key, value in prediction.items()}
    for key, count in counts.items():
        if prediction[key] is Ellipsis:
            return hint(f"fill in {key!r} too: replace its `...` with a number of queries.")
        if count is None:
            return hint(f"write the prediction for {key!r} as a number of queries, such as 3; got {prediction[key]!r}.")
    try:
        first, later = run_lookups(zones)
    except Exception as exc:  # the servers were stopped, or `zones` is not what the lesson started
        return hint(
            f"the lesson's name servers did not answer ({exception_text(exc)}); run the cell that starts `zones` "
            "again, then this one."
        )
    story = "; ".join(_what_happened(key, first, lookup) for key, lookup in later.items())
    wrong = [key for key, lookup in later.items() if counts[key] != len(lookup.steps)]
    if not wrong:
        return correct(f"the cold lookup took {len(first.steps)} queries; {story}.")
    mistake = _mistake(wrong[0], counts[wrong[0]], first, later[wrong[0]])  # type: ignore[arg-type]
    return hint(f"{mistake}. What really happened: the cold lookup took {len(first.steps)} queries; {story}.")
