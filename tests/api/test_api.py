"""Every row of the notes' status table, produced by a real request for the right reason, with its headers."""

from __future__ import annotations

import httpx
import pytest

VIDEO = {"title": "Ports are doors", "url": "https://videos.example/watch/ports", "channel": "Network Notes"}
ADMIN = {"Authorization": "Bearer admin-token"}
LEARNER = {"Authorization": "Bearer learner-token"}


def create(client: httpx.Client, **changes) -> httpx.Response:
    return client.post("/videos", json={**VIDEO, **changes})


def test_home_and_notes_route(client: httpx.Client) -> None:
    assert client.get("/").status_code == 200
    assert client.get("/c").json()["function"] == "read_c"


def test_echo_shows_the_request_as_the_server_saw_it(client: httpx.Client, server) -> None:
    body = client.get("/echo?q=ports#not-sent", headers={"X-Lesson": "01"}).json()
    assert body["method"] == "GET"
    assert body["path"] == "/echo"
    assert body["query"] == {"q": "ports"}
    assert body["headers"]["x-lesson"] == "01"
    assert body["host"] == f"127.0.0.1:{server.port}"
    assert body["route"] == "/echo" and body["endpoint"] == "read_echo"
    assert "#" not in body["url"]  # the fragment never leaves the client


def test_201_created_with_location(client: httpx.Client) -> None:
    response = create(client)
    assert response.status_code == 201
    video = response.json()
    assert response.headers["location"] == f"/videos/{video['id']}"
    assert client.get(response.headers["location"]).json() == video
    assert video["views"] == 0 and video["is_published"] is True


def test_200_read_list_replace_and_patch(client: httpx.Client) -> None:
    video = create(client).json()
    assert client.get(f"/videos/{video['id']}").status_code == 200
    page = client.get("/videos", params={"limit": 1}).json()
    assert page["total"] == 1 and page["limit"] == 1 and page["offset"] == 0
    replaced = client.put(f"/videos/{video['id']}", json={**VIDEO, "title": "New", "views": 3})
    assert replaced.status_code == 200 and replaced.json()["title"] == "New"
    patched = client.patch(f"/videos/{video['id']}", json={"views": 7})
    assert patched.status_code == 200
    assert patched.json()["title"] == "New" and patched.json()["views"] == 7  # PATCH leaves other fields alone


def test_204_no_content_on_delete(client: httpx.Client) -> None:
    video = create(client).json()
    response = client.delete(f"/videos/{video['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert "content-type" not in response.headers
    assert client.get(f"/videos/{video['id']}").status_code == 404


def test_400_for_filters_that_contradict_each_other(client: httpx.Client) -> None:
    response = client.get("/videos", params={"min_views": 5, "max_views": 1})
    assert response.status_code == 400
    assert "min_views" in response.json()["detail"]


def test_401_without_token_has_www_authenticate(client: httpx.Client) -> None:
    response = client.get("/admin/stats")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_401_with_bad_token_says_invalid_token(client: httpx.Client) -> None:
    response = client.get("/admin/stats", headers={"Authorization": "Bearer guess"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_401_for_another_scheme(client: httpx.Client) -> None:
    response = client.get("/admin/stats", headers={"Authorization": "Basic YWxhZGRpbjpvcGVu"})
    assert response.status_code == 401


def test_403_for_a_valid_token_without_admin_role(client: httpx.Client) -> None:
    assert client.get("/admin/stats", headers=LEARNER).status_code == 403
    assert client.get("/admin/stats", headers=ADMIN).json() == {"videos": 0, "published": 0}


def test_404_for_unknown_id(client: httpx.Client) -> None:
    for method in ("GET", "DELETE"):
        response = client.request(method, "/videos/999999")
        assert response.status_code == 404
        assert response.json() == {"detail": "No video has id 999999."}
    assert client.patch("/videos/999999", json={"views": 1}).status_code == 404


def test_409_for_a_duplicate_url_on_create_and_update(client: httpx.Client) -> None:
    create(client)
    duplicate = create(client, title="Same URL")
    assert duplicate.status_code == 409
    assert "already exists" in duplicate.json()["detail"]
    other = create(client, url="https://videos.example/watch/other").json()
    assert client.patch(f"/videos/{other['id']}", json={"url": VIDEO["url"]}).status_code == 409
    assert client.get("/videos").json()["total"] == 2  # nothing half-written


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/videos/abc", None),
        ("GET", "/videos/0", None),
        ("GET", "/videos/99999999999", None),  # beyond PostgreSQL's INTEGER: refused here, not by the database
        ("GET", "/videos?limit=1000", None),
        ("POST", "/videos", {"title": "no url"}),
        ("POST", "/videos", {**VIDEO, "views": "many"}),
        ("POST", "/videos", {**VIDEO, "views": -1}),
        ("POST", "/videos", {**VIDEO, "url": "ftp://x"}),
        ("POST", "/videos", {**VIDEO, "title": "nul\x00byte"}),
        ("POST", "/videos", {**VIDEO, "titel": "typo"}),
        ("PATCH", "/videos/1", {"title": None}),
    ],
)
def test_422_for_invalid_input(client: httpx.Client, method: str, path: str, body) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code == 422, response.text
    assert "detail" in response.json()


def test_422_for_malformed_json(client: httpx.Client) -> None:
    response = client.post("/videos", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422


def test_422_for_lone_surrogate_in_json(client: httpx.Client) -> None:
    body = b'{"title": "\\ud800", "url": "https://x.example/s", "channel": "c"}'
    response = client.post("/videos", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422


def test_500_is_plain_json_without_traceback(client: httpx.Client, server) -> None:
    response = client.get("/errors/unhandled")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal Server Error"}
    assert "Traceback" not in response.text and "RuntimeError" not in response.text
    assert any("unhandled error on GET /errors/unhandled" in line for line in server.logs())


def test_503_in_maintenance_mode_with_retry_after(client: httpx.Client) -> None:
    assert client.put("/admin/maintenance", json={"enabled": True}, headers=LEARNER).status_code == 403
    assert client.put("/admin/maintenance", json={"enabled": True}, headers=ADMIN).status_code == 200
    response = client.get("/videos")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "30"
    assert client.put("/admin/maintenance", json={"enabled": False}, headers=ADMIN).status_code == 200
    assert client.get("/videos").status_code == 200
