"""Checkers for notebook 10 (CRUD): status codes predicted then sent, a PUT fixed, a page asked for, the page in SQL."""

from __future__ import annotations

import json
from typing import Any

import httpx

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import a_type

# Notebook 10 imports every checker of its lesson from here; the SQL page check and the status code prediction
# live in modules of their own.
from lesson_app.teaching.checks.sql_page import EMPTY_TABLE
from lesson_app.teaching.checks.sql_page import check_sql as check_sql
from lesson_app.teaching.checks.status_prediction import check_status_prediction as check_status_prediction
from lesson_app.teaching.restart import make_needs

# After a kernel restart, `needs(...)` in an exercise cell names the section whose cell makes a missing name.
MADE_IN = {"client": "Start the real parts", "engine": "Start the real parts"}
needs = make_needs(MADE_IN)


def _request_json(response: httpx.Response) -> Any:
    """Return the JSON body the request carried, or None when it carried none (or not JSON)."""
    try:
        return json.loads(response.request.content or b"null")
    except ValueError:
        return None


def _first_error(response: httpx.Response) -> str:
    """Summarise a 422's first validation error as 'field: message'."""
    try:
        detail = response.json()["detail"]
    except (ValueError, KeyError, TypeError):
        return response.text[:200]
    if isinstance(detail, list) and detail:
        first = detail[0]
        # Only the field: Pydantic appends its validators' names (`views.function-before[...]`) to the location.
        loc = first.get("loc", [])
        where = str(loc[1]) if len(loc) > 1 else "the body"
        return f"{where}: {first.get('msg')}"
    return str(detail)


def _not_a_response(answer: Any, call: str) -> Feedback | None:
    """A hint when `answer` is not the response `call` (such as "`client.get(...)`") returns: often its .json()."""
    if isinstance(answer, httpx.Response):
        return None
    if isinstance(answer, dict | list):
        return hint(f"that is the body's JSON; keep the response {call} returns itself, not its .json().")
    return hint(f"expected the response {call} returns (not its .json()), got {a_type(answer)}.")


# Over 40 lines on purpose: one ladder of hints, most specific first, whose order makes each hint right; split
# across functions, that order would be harder to see.
def check_views_update(response: Any, video_id: int = 1, views: int = 2000) -> Feedback:
    """Check that `response` answers a PATCH that set only the views of video `video_id` to `views`."""
    if not_attempted(response):
        return waiting(f"a request that changes only the views of video {video_id}, e.g. `client.patch(...)`")
    if (wrong := _not_a_response(response, "a `client` request")) is not None:
        return wrong
    method, path, status = response.request.method, response.request.url.path, response.status_code
    body = _request_json(response)
    if path != f"/videos/{video_id}":
        changed = method in {"PATCH", "PUT", "DELETE"} and status < 300
        return hint(
            f"that request went to {path!r}; the video to change lives at '/videos/{video_id}'."
            + (
                f" Your {method} did change {path}; running the lesson from the top resets its table."
                if changed
                else ""
            )
        )
    if method == "PUT":
        if status == 422:
            return hint(
                "the server answered 422: print `my_update.json()` to see which fields it wants, then look for the "
                "method, among the ones this lesson's API answers, that changes only the fields it is sent."
            )
        return hint(
            "PUT worked because you sent every field, but it replaces the whole video. "
            "Send only the field that changes, with PATCH."
        )
    if method == "POST":
        return hint(
            f"POST /videos/{video_id} is not a route ({status}): POST creates in /videos; "
            "changing an existing video is PATCH (some fields) or PUT (all of them)."
        )
    if method != "PATCH":
        return hint(f"that was a {method} request; changing some fields of a video is a PATCH.")
    if status == 404:
        return hint(f"404: no video has id {video_id} (was it deleted?). Run the lesson from the top to restore it.")
    if body is None and response.request.content:
        return hint(
            f"that body was not JSON (form data, from `data=`); this API reads JSON: `json={{'views': {views}}}`."
        )
    if status == 422:
        return hint(
            f"the server refused the body with 422 ({_first_error(response)}); send `json={{'views': {views}}}`."
        )
    if status != 200:
        return hint(f"the server answered {status} {response.reason_phrase}; a successful PATCH answers 200.")
    if not isinstance(body, dict) or "views" not in body:
        return hint(f"the body did not contain 'views'; send `json={{'views': {views}}}`.")
    extra = sorted(set(body) - {"views"})
    if extra:
        return hint(f"the body also sent {', '.join(extra)}; PATCH needs only what changes: {{'views': {views}}}.")
    if response.json()["views"] != views:
        return hint(f"the views are now {response.json()['views']}; the exercise asks for {views}.")
    return correct(f"PATCH changed only the views, to {views}; the title is still {response.json()['title']!r}.")


# Over 40 lines on purpose: one ladder of hints, most specific first, whose order makes each hint right; split
# across functions, that order would be harder to see.
def check_page(response: Any, channel: str = "Data Desk", per_page: int = 3, page: int = 2) -> Feedback:
    """Check that `response` is page `page` of `channel`'s videos, `per_page` to a page."""
    if not_attempted(response):
        return waiting('a request for `/videos` with `params={...}`, e.g. `client.get("/videos", params={...})`')
    if (wrong := _not_a_response(response, "`client.get(...)`")) is not None:
        return wrong
    request = response.request
    if request.method != "GET" or request.url.path != "/videos":
        return hint(f"that was {request.method} {request.url.path}; the list of videos is GET /videos.")
    params = request.url.params
    if "channel" not in params:
        return hint(f"no channel filter: add `channel` with the value {channel!r}.")
    if params["channel"] != channel:
        if params["channel"].strip().lower() == channel.lower():
            return hint(f"the channel filter matches exactly, capitals and spaces included: {channel!r}.")
        return hint(f"the channel filter is {params['channel']!r}; the exercise asks for {channel!r}.")
    if params.get("limit") != str(per_page):
        return hint(
            f"`limit` is how many videos per page: set limit={per_page}"
            + ("" if "limit" in params else " (without it the API sends 20)")
            + "."
        )
    expected_offset = per_page * (page - 1)
    offset = params.get("offset")
    if offset is None:
        return hint(f"without `offset` you get the first page; page {page} skips {expected_offset} videos.")
    if offset != str(expected_offset):
        if offset in (str(page), str(page - 1)):
            return hint(
                f"`offset` counts videos to skip, not pages: page {page} at {per_page} per page "
                f"skips {per_page} × {page - 1} = {expected_offset} videos."
            )
        return hint(f"offset={offset} skips {offset} videos; page {page} starts after {expected_offset}.")
    if response.status_code != 200:
        return hint(f"the server answered {response.status_code}; is the server from the top of the lesson running?")
    data = response.json()
    if data["total"] == 0:
        return hint(EMPTY_TABLE.format(channel=channel))
    ids = [item["id"] for item in data["items"]]
    return correct(
        f"page {page} of {channel!r} holds ids {ids}; total={data['total']} says how many match "
        f"in all, so a client knows there are {-(-data['total'] // per_page)} pages."
    )
