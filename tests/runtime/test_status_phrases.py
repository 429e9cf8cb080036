"""The lesson servers send RFC 9110's reason phrases on every Python, so a notebook's output does not depend on it."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, Response

from lesson_app import start_server
from lesson_app.runtime.status_phrases import RFC_9110


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/code/{code}")
    def answer(code: int) -> Response:
        return Response(status_code=code)

    return app


@pytest.mark.parametrize(("code", "phrase"), sorted(RFC_9110.items()))
def test_status_line_has_rfc_9110_name(code: int, phrase: str) -> None:
    with start_server(_app(), port=0, name="test-phrases") as server:
        response = httpx.get(f"{server.url}/code/{code}")
    assert (response.status_code, response.reason_phrase) == (code, phrase)


def test_validation_error_says_unprocessable_content() -> None:
    with start_server(_app(), port=0, name="test-phrases") as server:
        response = httpx.get(f"{server.url}/code/many")
    assert f"{response.status_code} {response.reason_phrase}" == "422 Unprocessable Content"
