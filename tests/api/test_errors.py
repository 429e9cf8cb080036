"""The error answers FastAPI and Starlette would get slightly wrong: Allow on a 405, and bodies that are not JSON."""

from __future__ import annotations

import httpx
import pytest

from lesson_app import create_app

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
JSON = {"Content-Type": "application/json"}


def allowed_by_schema() -> dict[str, set[str]]:
    """Each path of the OpenAPI schema, with the methods its operations take."""
    schema = create_app("postgresql+psycopg2://unused@127.0.0.1:1/unused").openapi()
    return {path: {method.upper() for method in ops} for path, ops in schema["paths"].items()}


@pytest.mark.parametrize(("path", "allowed"), sorted(allowed_by_schema().items()))
def test_405_allow_lists_every_method_of_the_path(client: httpx.Client, path: str, allowed: set[str]) -> None:
    url = path.replace("{video_id}", "1")
    for method in sorted(set(METHODS) - allowed):
        response = client.request(method, url)
        assert response.status_code == 405, (method, url)
        assert response.headers["allow"] == ", ".join(sorted(allowed)), (method, url)


def test_405_on_videos_names_get_and_post(client: httpx.Client) -> None:
    # Starlette's own 405 named only the first route with the path (Allow: POST), though GET works too.
    assert client.options("/videos").headers["allow"] == "GET, POST"
    assert client.get("/videos").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",  # FastAPI's own 422
        b'{"title": "\xff\xfe"}',  # not UTF-8: FastAPI answered 400 "There was an error parsing the body"
        b"[" * 100_000 + b"]" * 100_000,  # nested deeper than json.loads goes: also a 400 before
    ],
    ids=["syntax", "not-utf8", "too-deep"],
)
def test_422_for_every_body_that_is_not_json(client: httpx.Client, body: bytes) -> None:
    for method, path in (("POST", "/videos"), ("PATCH", "/videos/1")):
        response = client.request(method, path, content=body, headers=JSON)
        assert response.status_code == 422, (method, response.text)
        assert response.json()["detail"][0]["type"] == "json_invalid"
