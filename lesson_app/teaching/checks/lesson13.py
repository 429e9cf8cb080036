"""Checkers for notebook 13 (your CRUD API): config/database.py, the routes' status codes, and two exercises.

`check_crud` imports the learner's `app` afresh, serves it on a real port and sends real requests; the video it
creates has a url of its own and is deleted again, so the learner's rows are left as they were.
"""

from __future__ import annotations

import contextlib
import inspect
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from lesson_app.runtime.databases import plain_url
from lesson_app.runtime.server import start_server
from lesson_app.teaching.checks import Feedback, correct, hint, waiting
from lesson_app.teaching.checks.crud_steps import CrudSteps, delete_checker_rows, video
from lesson_app.teaching.checks.guards import any_placeholder, same_keys
from lesson_app.teaching.checks.learner_app import routes_of
from lesson_app.teaching.checks.project_steps import load_module
from lesson_app.teaching.your_project import load_app

MARKER_URL = "postgresql://learner:secret@127.0.0.1:1/marker_db"  # never connected to: create_engine does not


class _ClosingSession(Session):
    closed = False

    def close(self) -> None:
        _ClosingSession.closed = True  # on this class: sessionmaker makes a subclass of it
        super().close()


def check_database_py(project: Path) -> Feedback:
    """Check config/database.py: an engine from DATABASE_URL with psycopg2, a SessionLocal, and a get_db that closes."""
    module = load_module(Path(project), "config.database", MARKER_URL)
    if isinstance(module, Feedback) and "No module named 'psycopg'" in module.message:
        return hint(
            "create_engine looked for psycopg 3, SQLAlchemy's default for postgresql://: name the driver, "
            '`.set(drivername="postgresql+psycopg2")`.'
        )
    if isinstance(module, Feedback):
        return module
    engine = getattr(module, "engine", None)
    if not isinstance(engine, Engine):
        return hint("config/database.py needs `engine = create_engine(...)` at the top level.")
    if engine.url.database != "marker_db":
        return hint('the engine does not use DATABASE_URL: build it from os.environ["DATABASE_URL"], not a pasted URL.')
    if engine.url.drivername != "postgresql+psycopg2":
        return hint(
            f"the engine's driver is {engine.url.drivername!r}: turn postgresql:// into postgresql+psycopg2://."
        )
    # Found by what it is, not by its name: `MakeSession = sessionmaker(...)` is as right as SessionLocal.
    makers = [name for name, value in vars(module).items() if isinstance(value, sessionmaker)]
    if not makers:
        return hint("config/database.py needs `SessionLocal = sessionmaker(bind=engine)`: the notes' last line.")
    get_db = getattr(module, "get_db", None)
    if not inspect.isgeneratorfunction(get_db):
        return hint("get_db must be a generator: open a session, `yield` it, and close it in `finally:`.")
    for name in makers:  # get_db calls one of them: each now makes sessions that record their close()
        setattr(module, name, sessionmaker(bind=engine, class_=_ClosingSession))
    _ClosingSession.closed = False
    steps = get_db()
    if not isinstance(next(steps), Session):
        return hint("get_db must yield a Session from SessionLocal().")
    with contextlib.suppress(RuntimeError, StopIteration):  # as FastAPI does when the route raises
        steps.throw(RuntimeError("the route failed"))
    if not _ClosingSession.closed:
        return hint("get_db did not close the session when the route failed: close it in a `finally:` block.")
    return correct(
        "the engine reads DATABASE_URL with psycopg2, SessionLocal is bound to it, and get_db closes "
        "its session even when the route fails."
    )


def check_crud(project: Path, database_url: URL | str) -> Feedback:
    """Serve the project's app on a real port and check every route's status codes."""
    url = plain_url(database_url) if isinstance(database_url, URL) else database_url
    try:
        app = load_app(Path(project), url)
    except Exception as exc:  # noqa: BLE001 - the learner's own code: show what it raised
        return hint(f"importing main.py raised {type(exc).__name__}: {exc}; fix that and write the file again.")
    tag = uuid.uuid4().hex[:12]
    try:
        with start_server(app, port=0, name="lesson13-crud") as server, httpx.Client(base_url=server.url) as client:
            problem = CrudSteps(server, client, tag).problems()
    finally:
        delete_checker_rows(url, tag)  # even when a step failed half-way: the learner's rows stay as they were
    if problem:
        return hint(problem)
    return correct(
        "201 + Location, 409 for a duplicate url, 200 and 404, 422 for views -1, PATCH changes only "
        "views and refuses -5 and a null title (422), DELETE 204 with an empty body, then 404, and the list is bounded."
    )


EXPECTED_CODES = {"POST the same url again": 409, "GET /videos/999999": 404, "PATCH views -5": 422, "DELETE twice": 404}
WHY = {
    409: "the unique url makes PostgreSQL refuse the row, and the route turns that into 409 Conflict",
    404: "there is no such video (any more)",
    422: "the schema refuses the body before the route runs",
}


def check_predicted_codes(prediction: Any) -> Feedback:
    """Check the predicted status code of each request in EXPECTED_CODES."""
    if any_placeholder(prediction):
        return waiting("a status code (an int) for every request in the dictionary")
    if not same_keys(prediction, EXPECTED_CODES):
        return hint(f"keep the dictionary's keys as given ({', '.join(EXPECTED_CODES)}) and give each an int.")
    for request, expected in EXPECTED_CODES.items():
        if isinstance(prediction[request], str):  # "409" == 409 is False in Python: "not 409" would read wrong
            return hint(f"{request!r}: give a number ({prediction[request].strip()}), not a string.")
        if prediction[request] != expected:
            extra = " (the second DELETE finds nothing to delete)" if request == "DELETE twice" else ""
            return hint(f"{request!r}: not {prediction[request]}{extra}; Step 4 sends it: see the answers there.")
    return correct("409, 404, 422, 404: " + "; ".join(f"{code}: {WHY[code]}" for code in (409, 404, 422)) + ".")


def _load_main(project: Path, database_url: URL | str) -> Any:
    """Import the learner's main.py afresh and return its app, or a hint that shows what the import raised."""
    url = plain_url(database_url) if isinstance(database_url, URL) else database_url
    try:
        return load_app(Path(project), url)
    except NameError as exc:
        return hint(
            f"importing main.py raised NameError: {exc}: the route uses a name your main.py does not define; "
            "use your own names (your response model, your session dependency) or the exercise's snippet as given."
        )
    except Exception as exc:  # noqa: BLE001 - the learner's own code: show what it raised
        return hint(f"importing main.py raised {type(exc).__name__}: {exc}; fix that and write the file again.")


def check_by_url(project: Path, database_url: URL | str) -> Feedback:
    """Check a route GET /videos/by-url?url=... that answers the video with that url, or 404."""
    app = _load_main(project, database_url)
    if isinstance(app, Feedback):
        return app
    if "/videos/by-url" not in {getattr(route, "path", None) for route in routes_of(app)}:
        return Feedback(
            None,
            "main.py has no route GET /videos/by-url yet: add it (the exercise shows how), then run this cell again.",
        )
    body = video(uuid.uuid4().hex[:12])
    with start_server(app, port=0, name="lesson13-by-url") as server, httpx.Client(base_url=server.url) as client:
        created = client.post("/videos", json=body)
        found = client.get("/videos/by-url", params={"url": body["url"]})
        missing = client.get("/videos/by-url", params={"url": body["url"] + "-nothing"})
        if created.status_code == 201:
            client.delete(f"/videos/{created.json()['id']}")
    if found.status_code == 422 and "video_id" in found.text:
        return hint(
            "/videos/{video_id} caught /videos/by-url and refused 'by-url' as an int: routes are tried in "
            "order (lesson 04), so declare the by-url route above it."
        )
    if found.status_code != 200 or found.json().get("url") != body["url"]:
        route_order = (
            ": a 422 here usually means /videos/{video_id} took the request (declared first): route order, lesson 04"
            if found.status_code == 422
            else ""
        )
        return hint(
            f"GET /videos/by-url?url=... answered {found.status_code}; it should answer 200 with that video"
            f"{route_order}."
        )
    if missing.status_code != 404:
        return hint(f"an unknown url answered {missing.status_code}; raise HTTPException(404) when there is none.")
    return correct("GET /videos/by-url finds a video by its url (declared above /videos/{video_id}), 404 otherwise.")
