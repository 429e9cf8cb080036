"""The one reading of a learner's number that every prediction checker shares."""

from __future__ import annotations

from http import HTTPStatus

import httpx
import pytest

from lesson_app.teaching.checks.guards import a_type, whole_number


@pytest.mark.parametrize(
    ("value", "number"),
    [(3, 3), (3.0, 3), ("3", 3), (" 20 ", 20), (0, 0), (HTTPStatus.NOT_FOUND, 404), (httpx.codes.CONFLICT, 409)],
)
def test_a_number_in_any_spelling_is_read(value: object, number: int) -> None:
    assert whole_number(value) == number
    assert type(whole_number(value)) is int


@pytest.mark.parametrize("value", [True, False, 3.5, "three", "3.0", "", None, ..., [3], "٣"])
def test_what_is_not_a_whole_number_is_none(value: object) -> None:
    assert whole_number(value) is None


@pytest.mark.parametrize(
    ("value", "named"),
    [
        (3, "an int"),
        (..., "an ellipsis"),
        (object(), "an object"),
        ("x", "a str"),
        ({}, "a dict"),
        (None, "a NoneType"),
        (httpx.URL("http://x"), "a URL"),  # by sound: "you-are-el"
    ],
)
def test_a_type_names_the_type_with_its_article(value: object, named: str) -> None:
    assert a_type(value) == named
