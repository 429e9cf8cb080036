"""The checker of notebook 00, against the solution and the usual wrong answers, on a real server."""

from __future__ import annotations

import httpx

from lesson_app.teaching.checks.lesson00 import check_first_request


def test_solution_passes(client: httpx.Client) -> None:
    feedback = check_first_request(client.get("/c"))
    assert feedback.passed is True
    assert "read_c()" in feedback.message


def test_not_attempted_is_neither_pass_nor_fail() -> None:
    feedback = check_first_request(...)
    assert feedback.passed is None
    assert "replace the `...`" in feedback.message


def test_wrong_route_names_the_route_asked_for(client: httpx.Client) -> None:
    feedback = check_first_request(client.get("/"))
    assert feedback.passed is False
    assert "went to '/'" in feedback.message


def test_wrong_method_says_use_get(client: httpx.Client) -> None:
    feedback = check_first_request(client.post("/c"))
    assert feedback.passed is False
    assert "POST request; use `client.get`" in feedback.message


def test_body_instead_of_response_is_explained(client: httpx.Client) -> None:
    feedback = check_first_request(client.get("/c").json())
    assert feedback.passed is False
    assert "got a dict" in feedback.message
