"""The checkers of notebook 04 against the solutions, the usual wrong answers, and an untouched `...`."""

from __future__ import annotations

from http import HTTPStatus

import httpx
import pytest
from fastapi import FastAPI

from lesson_app.teaching.checks.lesson04 import (
    check_method_not_allowed,
    check_next_video,
    check_route_order,
    check_status_predictions,
)


def response(method: str, path: str, status: int, **headers: str) -> httpx.Response:
    """A response as httpx hands it back, without a server: enough for checks that only read it."""
    return httpx.Response(status, headers=headers, request=httpx.Request(method, f"http://127.0.0.1:8000{path}"))


# --- exercise 1: predict the status codes, then run ------------------------------------------------------

RIGHT = {"GET /videos/latest": 422, "PUT /videos": 405, "GET /Videos": 404, "HEAD /echo": 405}


@pytest.mark.parametrize(
    "prediction",
    [
        RIGHT,
        {"GET /videos/latest": "422", "PUT /videos": " 405 ", "GET /Videos": "404 Not Found", "HEAD /echo": 405},
        {key: HTTPStatus(value) for key, value in RIGHT.items()},
    ],
)
def test_status_predictions_right(client: httpx.Client, prediction) -> None:
    feedback = check_status_predictions(prediction, client)
    assert feedback.passed is True, feedback
    assert "GET /videos/latest → 422 Unprocessable Content" in feedback.message


@pytest.mark.parametrize(
    ("request_line", "guess", "expected"),
    [
        ("GET /videos/latest", 404, "a 404 would need no route to match, but /videos/{video_id} matches"),
        ("GET /videos/latest", 200, "the lesson API has no route for /videos/latest"),
        ("GET /videos/latest", 405, "only then does FastAPI try to make 'latest' an int"),
        ("PUT /videos", 404, "404 is for a path no route has; /videos has routes, just none for PUT"),
        ("PUT /videos", 422, "the Allow header lists GET, POST"),
        ("GET /Videos", 200, "paths are case-sensitive"),
        ("GET /Videos", 405, "405 needs a route with that path"),
        ("HEAD /echo", 200, "FastAPI answers it only where a route asks for it"),
        ("HEAD /echo", 404, "the path exists but not for HEAD"),
    ],
)
def test_status_predictions_wrong(client: httpx.Client, request_line: str, guess: int, expected: str) -> None:
    feedback = check_status_predictions({**RIGHT, request_line: guess}, client)
    assert feedback.passed is False
    assert f"3 of 4 right. {request_line}: you predicted {guess}, the server answered" in feedback.message
    assert expected in feedback.message, feedback


@pytest.mark.parametrize(
    ("prediction", "expected"),
    [
        ({**RIGHT, "HEAD /echo": ...}, "predict 'HEAD /echo' too"),
        ({**RIGHT, "GET /Videos": "not found"}, "as a status code, such as 404; got 'not found'"),
        ({**RIGHT, "GET /Videos": True}, "got True"),
        ({**RIGHT, "GET /Videos": 4040}, "got 4040"),
        ({"GET /videos/latest": 422}, "keep the dictionary's four keys"),
        ([422, 405, 404, 405], "keep the dictionary's four keys"),
    ],
)
def test_status_predictions_wrong_shape(client: httpx.Client, prediction, expected: str) -> None:
    feedback = check_status_predictions(prediction, client)
    assert feedback.passed is False
    assert expected in feedback.message, feedback


@pytest.mark.parametrize("prediction", [..., dict.fromkeys(RIGHT, ...)])
def test_status_predictions_not_attempted(client: httpx.Client, prediction) -> None:
    assert check_status_predictions(prediction, client).passed is None


def test_status_predictions_with_a_closed_client_say_so() -> None:
    closed = httpx.Client(base_url="http://127.0.0.1:9")
    closed.close()
    feedback = check_status_predictions(RIGHT, closed)
    assert feedback.passed is False
    assert "the requests could not be sent" in feedback.message, feedback


# --- exercise 2: 405 and Allow ------------------------------------------------------------------------------


def test_method_not_allowed_solution_passes_on_the_live_api(client: httpx.Client) -> None:
    feedback = check_method_not_allowed(client.get("/admin/maintenance"))
    assert feedback.passed is True
    assert "Allow: PUT" in feedback.message


def test_method_not_allowed_not_attempted() -> None:
    assert check_method_not_allowed(...).passed is None


def test_method_not_allowed_put_without_token_explains_routing_comes_first(client: httpx.Client) -> None:
    feedback = check_method_not_allowed(client.put("/admin/maintenance", json={"enabled": False}))
    assert feedback.passed is False
    assert "401" in feedback.message and "405 comes earlier" in feedback.message


@pytest.mark.parametrize(
    ("answer", "expected_hint"),
    [
        (response("GET", "/admin/maintainance", 404), "no route has that path"),
        (response("GET", "/admin/stats", 200), "this exercise is about"),
        (response("PUT", "/admin/maintenance", 403), "asked for the admin token"),
        (response("PUT", "/admin/maintenance", 422), "wanted a body"),
        (response("PUT", "/admin/maintenance", 200), "changed maintenance mode"),
        (response("GET", "/admin/maintenance", 503), "maintenance mode is on"),
        ("GET", "expected the response object"),
        (405, "expected the response object"),
    ],
)
def test_method_not_allowed_usual_mistakes(answer: object, expected_hint: str) -> None:
    feedback = check_method_not_allowed(answer)
    assert feedback.passed is False
    assert expected_hint in feedback.message


# --- exercise 3: route order --------------------------------------------------------------------------------


def test_route_order_solution_passes() -> None:
    feedback = check_route_order(["/videos/latest", "/videos/{video_id}"])
    assert feedback.passed is True
    assert "read_latest()" in feedback.message


def test_route_order_as_written_in_the_notebook_is_the_usual_mistake() -> None:
    feedback = check_route_order(["/videos/{video_id}", "/videos/latest"])
    assert feedback.passed is False
    assert "422" in feedback.message and "Put the fixed path first" in feedback.message


def test_route_order_not_attempted() -> None:
    assert check_route_order(...).passed is None


@pytest.mark.parametrize(
    "answer",
    [["/videos/latest"], ["/videos/latest", "/videos/{id}"]],
)
def test_route_order_wrong_shape(answer: object) -> None:
    feedback = check_route_order(answer)
    assert feedback.passed is False
    assert "exactly the two paths" in feedback.message


@pytest.mark.parametrize("answer", ["/videos/latest, /videos/{video_id}", None, FastAPI])
def test_route_order_neither_app_nor_list(answer: object) -> None:
    feedback = check_route_order(answer)
    assert feedback.passed is False
    assert "pass the app itself, `check_route_order(latest_app)`" in feedback.message, feedback


def latest_app(*routes: tuple[str, str]) -> FastAPI:
    """The exercise's app, its routes added in the order given: ("int" | "str" | "converter" | "latest")."""
    app = FastAPI()
    for kind in routes:
        if kind == "latest":

            def read_latest():
                return {"function": "read_latest"}

            app.get("/videos/latest")(read_latest)
        elif kind == "str":

            def read_video_by_text(video_id: str):
                return {"function": "read_video", "video_id": video_id}

            app.get("/videos/{video_id}")(read_video_by_text)
        else:
            path = "/videos/{video_id:int}" if kind == "converter" else "/videos/{video_id}"

            def read_video(video_id: int):
                return {"function": "read_video", "video_id": video_id}

            app.get(path)(read_video)
    return app


def test_route_order_debug_the_app_as_given_is_the_bug() -> None:
    feedback = check_route_order(latest_app("int", "latest"))
    assert feedback.passed is False
    assert "GET /videos/latest answered 422" in feedback.message and "Put the fixed path first" in feedback.message


def test_route_order_debug_fixed_by_moving_the_route() -> None:
    feedback = check_route_order(latest_app("latest", "int"))
    assert feedback.passed is True, feedback
    assert "the fixed path comes first" in feedback.message


@pytest.mark.parametrize("routes", [("converter", "latest"), ("latest", "converter")])
def test_route_order_debug_fixed_with_the_int_converter(routes: tuple[str, str]) -> None:
    feedback = check_route_order(latest_app(*routes))
    assert feedback.passed is True, feedback
    assert "path converter {video_id:int}" in feedback.message


def test_route_order_debug_with_a_str_parameter_runs_the_wrong_function() -> None:
    feedback = check_route_order(latest_app("str", "latest"))
    assert feedback.passed is False
    assert "GET /videos/latest called read_video_by_text" in feedback.message, feedback
    assert "the type in the function plays no part in matching" in feedback.message


def test_route_order_debug_judges_the_function_that_ran_not_its_answer() -> None:
    """A function that claims another's name in its answer is judged by which one FastAPI really called."""
    app = FastAPI()

    def show_latest():
        return {"function": "read_latest"}

    def show_video(video_id: int):
        return {"function": "read_video", "video_id": video_id}

    app.get("/videos/{video_id}")(show_video)
    app.get("/videos/{video_id}/latest")(show_latest)  # moved to another path: never reached by /videos/latest
    feedback = check_route_order(app)
    assert feedback.passed is False
    assert "no /videos/latest route any more" in feedback.message, feedback
    renamed = FastAPI()
    renamed.get("/videos/latest")(show_latest)
    renamed.get("/videos/{video_id}")(show_video)
    feedback = check_route_order(renamed)
    assert feedback.passed is True, feedback
    assert "/videos/latest calls show_latest() and /videos/7 still reaches show_video(video_id=7)" in feedback.message


def test_route_order_debug_with_the_fixed_route_deleted() -> None:
    feedback = check_route_order(latest_app("int"))
    assert feedback.passed is False
    assert "the app has no /videos/latest route any more" in feedback.message, feedback


def test_route_order_debug_with_a_route_deleted() -> None:
    feedback = check_route_order(latest_app("latest"))
    assert feedback.passed is False
    assert "GET /videos/7 reached no function" in feedback.message and "don't delete" in feedback.message


def test_route_order_with_the_int_converter_is_told_it_is_the_other_way_out() -> None:
    feedback = check_route_order(["/videos/latest", "/videos/{video_id:int}"])
    assert feedback.passed is False
    assert "the other way out" in feedback.message and "give the app's two paths as they are" in feedback.message


def test_route_order_given_the_functions_instead_of_their_paths() -> None:
    def read_latest() -> None: ...

    def read_video() -> None: ...

    feedback = check_route_order([read_latest, read_video])
    assert feedback.passed is False
    assert 'give the paths as text, e.g. "/videos/latest"' in feedback.message and "read_latest" in feedback.message


# --- exercise 4: a route with a path parameter, run for real -----------------------------------------------


def app_with(path: str, method: str = "get"):
    """Decorate `endpoint` with `@app.<method>(path)` on a fresh app, as the learner's cell would."""

    def add(endpoint):
        app = FastAPI()
        getattr(app, method)(path)(endpoint)
        return app

    return add


def test_next_video_solution_passes() -> None:
    @app_with("/videos/{video_id}/next")
    def my_app(video_id: int):
        return {"next": video_id + 1}

    feedback = check_next_video(my_app)
    assert feedback.passed is True
    assert "the integer 7" in feedback.message


def test_next_video_not_attempted() -> None:
    assert check_next_video(...).passed is None
    assert check_next_video(FastAPI()).passed is None  # the cell as given: an app with no route of its own


def test_next_video_without_a_type_fails_on_text_plus_one() -> None:
    @app_with("/videos/{video_id}/next")
    def my_app(video_id):
        return {"next": video_id + 1}

    feedback = check_next_video(my_app)
    assert feedback.passed is False
    assert "500" in feedback.message and "declare `video_id: int`" in feedback.message


def test_next_video_that_converts_by_hand_still_lets_text_in() -> None:
    @app_with("/videos/{video_id}/next")
    def my_app(video_id: str):
        return {"next": int(video_id) + 1}

    feedback = check_next_video(my_app)
    assert feedback.passed is False
    assert "/videos/seven/next answered 500" in feedback.message and "422" in feedback.message


def test_next_video_without_braces() -> None:
    @app_with("/videos/video_id/next")
    def my_app(video_id: int):
        return {"next": video_id + 1}

    feedback = check_next_video(my_app)
    assert feedback.passed is False and "written in braces" in feedback.message


def test_next_video_parameter_named_otherwise() -> None:
    @app_with("/videos/{video_id}/next")
    def my_app(id: int):  # the usual mistake: another name than the one in braces
        return {"next": id + 1}

    feedback = check_next_video(my_app)
    assert feedback.passed is False and "same name as the braces" in feedback.message


@pytest.mark.parametrize(
    ("path", "method", "expected_hint"),
    [
        ("/video/{video_id}/next", "get", "should be /videos/{video_id}/next"),
        ("/videos/{video_id}/next", "post", "@my_app.get"),
    ],
)
def test_next_video_wrong_path_or_method(path: str, method: str, expected_hint: str) -> None:
    @app_with(path, method)
    def my_app(video_id: int):
        return {"next": video_id + 1}

    feedback = check_next_video(my_app)
    assert feedback.passed is False and expected_hint in feedback.message


def test_next_video_with_the_int_converter_is_told_why_text_gets_404() -> None:
    @app_with("/videos/{video_id:int}/next")
    def my_app(video_id: int):
        return {"next": video_id + 1}

    feedback = check_next_video(my_app)
    assert feedback.passed is False
    assert "answers text with 404" in feedback.message and "write `{video_id}` in the path" in feedback.message
    assert "declare `video_id: int`" not in feedback.message  # the learner already did: the old hint said so


def test_next_video_that_returns_a_fixed_answer_is_refused() -> None:
    @app_with("/videos/{video_id}/next")
    def my_app(video_id: int):
        return {"next": 8}  # right for /videos/7/next only

    feedback = check_next_video(my_app)
    assert feedback.passed is False
    assert "/videos/41/next answered {'next': 8}" in feedback.message and "not a fixed number" in feedback.message


def test_next_video_wrong_answer_and_wrong_kind() -> None:
    @app_with("/videos/{video_id}/next")
    def my_app(video_id: int):
        return {"next": video_id}

    feedback = check_next_video(my_app)
    assert feedback.passed is False and "{'next': 8}" in feedback.message
    assert "expected the app itself" in check_next_video(lambda video_id: video_id + 1).message


def test_next_video_with_a_typo_shows_the_real_exception_not_the_type_hint() -> None:
    @app_with("/videos/{video_id}/next")
    def my_app(video_id: int):
        return {"next": vide_id + 1}  # noqa: F821 - the learner's typo is the point

    feedback = check_next_video(my_app)
    assert feedback.passed is False
    assert "raised `NameError: name 'vide_id' is not defined`" in feedback.message
    assert "declare `video_id: int`" not in feedback.message


def test_next_video_without_a_type_shows_the_type_error_and_the_type_hint() -> None:
    @app_with("/videos/{video_id}/next")
    def my_app(video_id):
        return {"next": video_id + 1}

    feedback = check_next_video(my_app)
    assert "raised `TypeError: can only concatenate str" in feedback.message
    assert "declare `video_id: int`" in feedback.message


def test_next_video_names_the_exception_of_the_text_segment() -> None:
    @app_with("/videos/{video_id}/next")
    def my_app(video_id: str):
        return {"next": int(video_id) + 1}

    feedback = check_next_video(my_app)
    assert "raised `ValueError: invalid literal for int() with base 10: 'seven'`" in feedback.message


# --- routers: lesson 04 teaches APIRouter, so an answer built with include_router is judged like any other --------


def _router_app(*, latest_first: bool, prefix: bool) -> FastAPI:
    from fastapi import APIRouter

    router = APIRouter(prefix="/videos" if prefix else "")
    base = "" if prefix else "/videos"

    def show_latest() -> dict[str, str]:
        return {"video": "latest"}

    def show_video(video_id: int) -> dict[str, int]:
        return {"video": video_id}

    pairs = [(f"{base}/latest", show_latest), (f"{base}/{{video_id}}", show_video)]
    for path, function in pairs if latest_first else reversed(pairs):
        router.get(path)(function)
    app = FastAPI()
    app.include_router(router)
    return app


@pytest.mark.parametrize("prefix", [True, False])
def test_route_order_fixed_on_an_included_router_passes(prefix: bool) -> None:
    feedback = check_route_order(_router_app(latest_first=True, prefix=prefix))
    assert feedback.passed is True, feedback.message
    assert "the fixed path comes first" in feedback.message


def test_route_order_bug_on_an_included_router_is_still_the_bug() -> None:
    feedback = check_route_order(_router_app(latest_first=False, prefix=True))
    assert feedback.passed is False
    assert "Put the fixed path first" in feedback.message


def test_next_video_on_an_included_router_is_served_and_judged() -> None:
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/videos/{video_id}/next")
    def next_video(video_id: int) -> dict[str, int]:
        return {"next": video_id + 1}

    app = FastAPI()
    app.include_router(router)
    assert check_next_video(app).passed is True
    router_wrong = APIRouter()

    @router_wrong.get("/videos/{video_id}/next")
    def fixed(video_id: int) -> dict[str, int]:
        return {"next": 8}

    wrong = FastAPI()
    wrong.include_router(router_wrong)
    feedback = check_next_video(wrong)
    assert feedback.passed is False and "Traceback" not in feedback.message
