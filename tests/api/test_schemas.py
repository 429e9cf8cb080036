"""Body fields refuse JSON of another type than the schema states, and the schema states the text rules."""

from __future__ import annotations

import re

import httpx
import pytest

from lesson_app.api.schemas import VideoCreate, VideoUpdate

VIDEO = {"title": "Ports are doors", "url": "https://videos.example/watch/ports", "channel": "Network Notes"}
ADMIN = {"Authorization": "Bearer admin-token"}


@pytest.mark.parametrize(
    "change",
    [
        {"is_published": 0},
        {"is_published": 1},
        {"is_published": "true"},
        {"views": "1"},
        {"views": True},
        {"views": 1.5},
    ],
)
def test_422_for_a_json_type_the_schema_does_not_state(client: httpx.Client, change: dict) -> None:
    assert client.post("/videos", json={**VIDEO, **change}).status_code == 422
    video = client.post("/videos", json=VIDEO).json()
    assert client.patch(f"/videos/{video['id']}", json=change).status_code == 422
    assert client.get(f"/videos/{video['id']}").json() == video  # nothing changed


def test_an_integer_written_as_3_0_is_still_an_integer(client: httpx.Client) -> None:
    # JSON Schema's integer is any number without a fraction, so 3.0 fits the schema and is accepted.
    assert client.post("/videos", json={**VIDEO, "views": 3.0}).json()["views"] == 3


def test_maintenance_switch_takes_only_a_boolean(client: httpx.Client) -> None:
    for enabled in (0, 1, "true", None):
        response = client.put("/admin/maintenance", json={"enabled": enabled}, headers=ADMIN)
        assert response.status_code == 422, enabled
    assert client.get("/videos").status_code == 200  # maintenance mode was not switched on


def test_query_parameters_stay_text_converted(client: httpx.Client) -> None:
    # In a URL every value is text: ?is_published=true and ?limit=5 are what a client sends.
    assert client.get("/videos", params={"is_published": "true", "limit": "5"}).status_code == 200


def test_422_for_nul_in_the_channel_filter_is_a_validation_error(client: httpx.Client) -> None:
    response = client.get("/videos", params={"channel": "a\x00b"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "channel"]


def test_schema_offers_no_null_for_patch_fields() -> None:
    for name, field in VideoUpdate.model_json_schema()["properties"].items():
        assert "null" not in str(field) and "default" not in field, name


@pytest.mark.parametrize(
    ("text", "accepted"),
    [("Ports", True), ("  Ports  ", True), ("   ", False), ("", False), ("a\x00b", False)],
)
def test_title_pattern_says_what_is_accepted(text: str, accepted: bool) -> None:
    pattern = VideoCreate.model_json_schema()["properties"]["title"]["pattern"]
    assert bool(re.search(pattern, text)) is accepted
    fits = True
    try:
        VideoCreate.model_validate({**VIDEO, "title": text})
    except ValueError:
        fits = False
    assert fits is accepted


def test_lengths_count_the_text_as_sent() -> None:
    # The schema's maxLength is 100: 99 characters with a space before them are 100, so accepted; 101 are not.
    assert VideoCreate.model_validate({**VIDEO, "channel": " " + "c" * 99}).channel == "c" * 99
    with pytest.raises(ValueError):
        VideoCreate.model_validate({**VIDEO, "channel": " " + "c" * 100})
