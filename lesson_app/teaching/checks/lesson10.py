"""Checkers for notebook 10 (CRUD): create a video, change one field, ask for a page, write the same page in SQL."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError, StatementError

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.sql_text import split_statements


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
        where = ".".join(str(part) for part in first.get("loc", [])[1:]) or "the body"
        return f"{where}: {first.get('msg')}"
    return str(detail)


def _not_a_response(answer: Any) -> Feedback | None:
    if not isinstance(answer, httpx.Response):
        return hint(f"expected the response that `client.post(...)` and friends return, got a {type(answer).__name__}.")
    return None


def check_create(response: Any) -> Feedback:
    """Check that `response` answers a POST /videos that stored a new video (201 with a Location header)."""
    if not_attempted(response):
        return waiting('a request that creates a video, e.g. `client.post("/videos", json={...})`')
    if (wrong := _not_a_response(response)) is not None:
        return wrong
    method, path = response.request.method, response.request.url.path
    if method != "POST":
        return hint(f"that was a {method} request; creating a video is a POST to /videos.")
    if path != "/videos":
        if path == "/videos/":
            return hint("the path ends with a slash: POST to '/videos' exactly (FastAPI answered with a redirect).")
        return hint(f"that POST went to {path!r}; the collection to create in is '/videos'.")
    status = response.status_code
    content_type = response.request.headers.get("content-type", "")
    if status == 422 and not content_type.startswith("application/json"):
        return hint("the body was not sent as JSON: pass the dictionary as `json={...}`, not `data={...}`.")
    if status == 422:
        return hint(
            f"the server refused the body with 422 ({_first_error(response)}); "
            "a video needs title, url (starting with http:// or https://) and channel."
        )
    if status == 409:
        return hint(
            "409 Conflict: a video with this url is already stored (by this cell's earlier run, or the "
            "sample data). The unique url is doing its job; choose another url."
        )
    if status != 201:
        return hint(f"the server answered {status} {response.reason_phrase}; a stored video answers 201 Created.")
    video = response.json()
    location = response.headers.get("location")
    if location != f"/videos/{video['id']}":
        return hint(f"201, but the Location header is {location!r}; is this the lesson API?")
    return correct(f"201 Created: the video got id {video['id']} and lives at {location}.")


def check_views_update(response: Any, video_id: int = 1, views: int = 2000) -> Feedback:
    """Check that `response` answers a PATCH that set only the views of video `video_id` to `views`."""
    if not_attempted(response):
        return waiting(f"a request that changes only the views of video {video_id}, e.g. `client.patch(...)`")
    if (wrong := _not_a_response(response)) is not None:
        return wrong
    method, path, status = response.request.method, response.request.url.path, response.status_code
    body = _request_json(response)
    if path != f"/videos/{video_id}":
        return hint(f"that request went to {path!r}; the video to change lives at '/videos/{video_id}'.")
    if method == "PUT":
        if status == 422:
            return hint(
                "PUT replaces the whole video, so the server wants every field (422). "
                "To change one field and keep the others, use PATCH."
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
    if status == 422:
        return hint(f"the server refused the body with 422 ({_first_error(response)}); send e.g. {{'views': {views}}}.")
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


def check_page(response: Any, channel: str = "Data Desk", per_page: int = 3, page: int = 2) -> Feedback:
    """Check that `response` is page `page` of `channel`'s videos, `per_page` to a page."""
    if not_attempted(response):
        return waiting('a request for `/videos` with `params={...}`, e.g. `client.get("/videos", params={...})`')
    if (wrong := _not_a_response(response)) is not None:
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
    ids = [item["id"] for item in data["items"]]
    return correct(
        f"page {page} of {channel!r} holds ids {ids}; total={data['total']} says how many match "
        f"in all, so a client knows there are {-(-data['total'] // per_page)} pages."
    )


# Statements that change rows or tables: a page of videos is read with SELECT.
_WRITES = {"INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "DROP", "ALTER", "CREATE", "GRANT", "REVOKE"}


def _first_word(sql: str) -> str:
    """Return the statement's first keyword, upper-cased, after any comments (`-- ...` and `/* ... */`)."""
    without_comments = re.sub(r"--[^\n]*|/\*.*?\*/", " ", sql, flags=re.DOTALL)
    words = without_comments.split()
    return words[0].upper().strip("(;") if words else ""


def check_sql(sql: Any, engine: Engine, channel: str = "Data Desk", per_page: int = 3, page: int = 2) -> Feedback:
    """Check that the SELECT `sql` returns the same videos, in the same order, as that page of the API."""
    if not_attempted(sql):
        return waiting('a SELECT statement in a string, e.g. `"SELECT id, title FROM youtube WHERE ..."`')
    if not isinstance(sql, str):
        return hint(f"expected the SQL as a string (in quotes), got a {type(sql).__name__}.")
    offset = per_page * (page - 1)
    statements = split_statements(sql)
    if len(statements) > 1:
        return hint(
            f"that is {len(statements)} statements separated by `;`, and the checker runs exactly one (it ran "
            "none of these), so keep only the SELECT."
        )
    verb = _first_word(sql)
    if verb in _WRITES:
        return hint(
            f"that is {'an' if verb[0] in 'AEIOU' else 'a'} {verb}, which changes rows instead of showing "
            "them (the checker did not run it). Write a SELECT: it reads rows and changes nothing."
        )
    same_channel = text("SELECT id FROM youtube WHERE channel = :channel ORDER BY id")
    try:
        conn = engine.connect()
    except SQLAlchemyError as exc:
        return hint(f"the database could not be reached ({type(exc).__name__}); run the cells at the top again.")
    with conn:
        every = list(conn.scalars(same_channel, {"channel": channel}))
        # Read-only, for this transaction and (should a COMMIT slip through) the session: nothing can change.
        conn.execute(text("SET TRANSACTION READ ONLY"))
        conn.execute(text("SET default_transaction_read_only = on"))
        try:
            result = conn.execute(text(statements[0] if statements else sql))
            if not result.returns_rows:
                return hint(
                    "that statement returns no rows (it ran read-only and was rolled back, so it changed "
                    "nothing). Write a SELECT: it reads rows and shows them."
                )
            columns, rows = list(result.keys()), result.all()
        except DBAPIError as exc:
            message = str(exc.orig).strip().splitlines()[0]
            if "does not exist" in message and f'"{channel}"' in sql:
                return hint(
                    f"PostgreSQL says: {message}. In SQL, text goes in single quotes ('{channel}'); "
                    "double quotes name a column."
                )
            if "read-only transaction" in message:
                return hint(
                    f"PostgreSQL says: {message}. The checker runs your SQL read-only, and a page of videos "
                    "is read with a plain SELECT, so leave out the part that changes rows."
                )
            if "LIMIT #,#" in message:
                return hint(
                    "PostgreSQL says: LIMIT #,# syntax is not supported. `LIMIT 3, 3` is MySQL's spelling; "
                    f"PostgreSQL's is `LIMIT {per_page} OFFSET {offset}`, each number with its own word."
                )
            return hint(f"PostgreSQL refused the statement: {message}")
        except StatementError as exc:
            missing = re.search(r"A value is required for bind parameter '(\w+)'", str(exc))
            if missing:
                return hint(
                    f"`:{missing.group(1)}` is a placeholder, filled by a value passed separately (lesson "
                    "07), and nothing passes one here. Type the value itself into the SQL, in single quotes: "
                    f"'{channel}'. In a query you write yourself that is safe; placeholders are for values "
                    "that come from outside, such as a request."
                )
            return hint(f"the statement could not run: {exc}")
        except Exception as exc:  # a checker reports, it never raises
            return hint(f"the statement could not run: {exc}")
        finally:
            conn.rollback()  # whatever the statement was, it changes nothing
            conn.execute(text("RESET default_transaction_read_only"))  # the pooled connection goes back as it was
            conn.commit()
    expected = every[offset : offset + per_page]
    if "id" not in columns:
        return hint(
            "select the id column too (e.g. `SELECT id, title, views FROM youtube ...`), "
            "so the rows can be compared with the API's."
        )
    ids = [row._mapping["id"] for row in rows]
    words = sql.upper().split()
    if ids == expected and "ORDER" not in words:
        return hint(
            "the right rows, but by luck: without ORDER BY, PostgreSQL may return rows in any order. "
            "The API sorts by id; add ORDER BY id."
        )
    if ids == expected:
        return correct(f"the same videos as GET /videos?channel={channel}&limit={per_page}&offset={offset}: ids {ids}.")
    if not ids:
        return hint(
            f"no rows. Text comparison in SQL is exact: WHERE channel = '{channel}' "
            "(and OFFSET skips rows, so a large one leaves nothing)."
        )
    if not set(ids) <= set(every):
        return hint(f"some rows are from other channels: add WHERE channel = '{channel}'.")
    if ids == every[:per_page]:
        return hint(f"that is the first page; OFFSET {offset} skips the first {offset} rows.")
    if ids in (every[page - 1 : page - 1 + per_page], every[page : page + per_page]):
        return hint(
            f"OFFSET counts rows to skip, not pages: page {page} at {per_page} per page skips "
            f"{per_page} × {page - 1} = {offset} rows."
        )
    if ids == every[offset:]:
        return hint(f"right start, but LIMIT {per_page} caps the page at {per_page} rows.")
    return hint(f"got ids {ids}; the page holds {expected}. Use ORDER BY id LIMIT {per_page} OFFSET {offset}.")
