"""The OpenAPI schema lists every status each operation sends, with its JSON shape, and the server keeps to it."""

from __future__ import annotations

import httpx
import pytest

from lesson_app import create_app, start_server
from lesson_app.runtime.embedded import free_port

ADMIN = {"Authorization": "Bearer admin-token"}
VIDEO = {"title": "Ports are doors", "url": "https://videos.example/watch/ports", "channel": "Network Notes"}
BODIES = {"POST": VIDEO, "PUT": VIDEO, "PATCH": {"views": 1}}
# Every status each operation can send, for the reasons the lesson API gives in its docstrings and lessons.
EXPECTED = {
    ("get", "/"): {200, 503},
    ("get", "/c"): {200, 503},
    ("get", "/echo"): {200, 503},
    ("get", "/health"): {200, 503},
    ("post", "/videos"): {201, 409, 422, 503},
    ("get", "/videos"): {200, 400, 422, 503},
    ("get", "/videos/{video_id}"): {200, 404, 422, 503},
    ("put", "/videos/{video_id}"): {200, 404, 409, 422, 503},
    ("patch", "/videos/{video_id}"): {200, 404, 409, 422, 503},
    ("delete", "/videos/{video_id}"): {204, 404, 422, 503},
    ("get", "/admin/stats"): {200, 401, 403, 503},
    ("put", "/admin/maintenance"): {200, 401, 403, 422},
    ("get", "/errors/unhandled"): {500, 503},
}
ERROR_MODELS = {"#/components/schemas/Message", "#/components/schemas/HTTPValidationError"}


def operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [(method, path, op) for path, ops in schema["paths"].items() for method, op in ops.items()]


def send(base_url: str, method: str, path: str) -> httpx.Response:
    """One valid request to an operation: id 1, the admin's token, a valid body where one is needed."""
    body = {"enabled": False} if path == "/admin/maintenance" else BODIES.get(method.upper())
    # A connection per request: Uvicorn closes the one a 500 went out on, after sending it.
    return httpx.request(method, base_url + path.replace("{video_id}", "1"), json=body, headers=ADMIN, timeout=10)


def documented(schema: dict, method: str, path: str) -> set[int]:
    return {int(code) for code in schema["paths"][path][method]["responses"]}


@pytest.fixture(scope="module")
def schema() -> dict:
    return create_app("postgresql+psycopg2://unused@127.0.0.1:1/unused").openapi()


def test_every_operation_lists_each_status_it_can_send(schema: dict) -> None:
    found = {(method, path): documented(schema, method, path) for method, path, _ in operations(schema)}
    assert found == EXPECTED


def test_every_error_status_has_a_json_model(schema: dict) -> None:
    for method, path, op in operations(schema):
        for code, response in op["responses"].items():
            if int(code) >= 400:
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref in ERROR_MODELS, (method, path, code)


def test_headers_that_travel_with_a_status_are_documented(schema: dict) -> None:
    for method, path, op in operations(schema):
        responses = op["responses"]
        if "503" in responses:
            assert "Retry-After" in responses["503"]["headers"], (method, path)
        if "401" in responses:
            assert "WWW-Authenticate" in responses["401"]["headers"], (method, path)
    created = schema["paths"]["/videos"]["post"]["responses"]["201"]
    assert "Location" in created["headers"]
    assert created["links"]["read_video"] == {
        "operationId": "read_video",
        "parameters": {"video_id": "$response.body#/id"},
    }


def answers(app, schema: dict) -> dict[tuple[str, str], int]:
    """Start `app` on a real port and send one valid request to each operation; return each status."""
    with start_server(app, port=0, name="responses") as server:
        # PUT /admin/maintenance last: it switches maintenance mode off, which would change the later answers.
        order = sorted(operations(schema), key=lambda operation: operation[1] == "/admin/maintenance")
        return {(method, path): send(server.url, method, path).status_code for method, path, _ in order}


def test_maintenance_mode_503_is_documented_wherever_it_is_sent(db_url, schema: dict) -> None:
    statuses = answers(create_app(db_url, maintenance=True), schema)
    for (method, path), status in statuses.items():
        assert status == (200 if path.startswith("/admin") else 503), (method, path, status)
        assert status in documented(schema, method, path), (method, path, status)


def test_database_down_503_is_documented_wherever_it_is_sent(schema: dict) -> None:
    nowhere = f"postgresql+psycopg2://postgres:postgres@127.0.0.1:{free_port()}/gone"
    statuses = answers(create_app(nowhere), schema)
    for (method, path), status in statuses.items():
        assert status in documented(schema, method, path), (method, path, status)
        assert (status == 503) == path.startswith(("/videos", "/health", "/admin/stats")), (method, path, status)


def test_no_table_503_is_documented_wherever_it_is_sent(empty_db_url, schema: dict) -> None:
    statuses = answers(create_app(empty_db_url), schema)
    for (method, path), status in statuses.items():
        assert status in documented(schema, method, path), (method, path, status)
        assert (status == 503) == path.startswith(("/videos", "/admin/stats")), (method, path, status)
