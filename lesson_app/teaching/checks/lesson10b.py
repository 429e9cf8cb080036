"""Checkers for notebook 10b (lost updates): a prediction run for real, and a route's `add_view` raced for real."""

from __future__ import annotations

import ast
import inspect
import textwrap
import threading
from collections.abc import Callable
from typing import Any

from lesson_app.models import Youtube
from lesson_app.teaching.checks import Feedback, correct, exception_text, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import a_type, whole_number
from lesson_app.teaching.checks.view_race import Race, raced
from lesson_app.teaching.restart import make_needs

# After a kernel restart, `needs(...)` in an exercise cell names the section whose cell makes a missing name.
MADE_IN = {"db_url": "Start the real parts", "client": "Start the real parts"}
needs = make_needs(MADE_IN)

N = 20

# Exercise 2's function as the notebook gives it, bug included: left as it is, the exercise is not attempted yet.
BUGGY_ADD_VIEW = '''
def add_view(session, video_id):
    """Add one view to a published video; a draft's views are not counted."""
    video = session.get(Youtube, video_id)
    if video is None or not video.is_published:
        return
    video.views = video.views + 1
    session.commit()
'''


def add_view_read_modify_write(session: Any, video_id: int) -> None:
    """The lesson's first route: read the views into Python, add one, write the sum back."""
    video = session.get(Youtube, video_id)
    video.views += 1
    session.commit()


def _as_count(prediction: Any) -> int | None:
    """The prediction as a whole number (20, 20.0 and "20" alike), or None when it is not one."""
    return whole_number(prediction)


def check_one_after_another(prediction: Any, db_url: Any) -> Feedback:
    """Race the read-modify-write route with N requests one after another, and compare with `prediction`."""
    if not_attempted(prediction):
        return waiting("your prediction, a number of views")
    guess = _as_count(prediction)
    if guess is None:
        return hint(f"write the prediction as a whole number of views, such as 5; got {prediction!r}.")
    try:
        with raced(db_url, add_view_read_modify_write, N) as race:
            statuses = race.one_after_another(race.published, N)
            views = race.views(race.published)
    except Exception as exc:  # noqa: BLE001 - a checker never raises: the cause becomes the message
        return hint(f"the checker could not run the requests ({exception_text(exc)}); run the lesson's first cells.")
    answered = f"{statuses.count(204)} answered 204"
    ran = f"the checker sent {N} requests one after another ({answered}): views went from 0 to {views}"
    if guess == views:
        return correct(
            f"{ran}, as you predicted. Each request read the number the one before it had written, so none was lost: "
            "updates are lost only when requests overlap, which is why a test that sends one request at a time "
            "never finds this bug."
        )
    if guess < views:
        return hint(
            f"you predicted {guess}; {ran}. An update is lost only when two requests overlap, both reading before "
            "either writes; one after another, each request reads what the previous one wrote."
        )
    return hint(f"you predicted {guess}; {ran}. Each request adds exactly one view, so {N} requests add at most {N}.")


def _unchanged(add_view: Callable[..., Any]) -> bool:
    """Say whether `add_view` is still the exercise's function as given (its docstring and spacing aside)."""
    try:
        given = ast.parse(textwrap.dedent(inspect.getsource(add_view)))
    except (OSError, TypeError, SyntaxError):
        return False

    def shape(tree: ast.Module) -> str:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.body and isinstance(node.body[0], ast.Expr):
                node.body = node.body[1:] if isinstance(node.body[0].value, ast.Constant) else node.body
        return ast.dump(tree)

    return shape(given) == shape(ast.parse(BUGGY_ADD_VIEW))


def _uses_a_python_lock(add_view: Callable[..., Any]) -> bool:
    """Say whether the function reaches a lock object of Python's by a global name (a `with lock:` fix)."""
    lock_types = (type(threading.Lock()), type(threading.RLock()))
    names = getattr(getattr(add_view, "__code__", None), "co_names", ())
    spaces = [getattr(add_view, "__globals__", {})]
    return "Lock" in names or any(isinstance(space.get(name), lock_types) for space in spaces for name in names)


def _crashed(race: Race, what: str) -> Feedback:
    raised = exception_text(race.errors[-1]) if race.errors else "an exception"
    return hint(f"{what}, your add_view raised {raised}; fix that line and run the cell again.")


def _single_requests(race: Race) -> Feedback | None:
    """One request each for the published video, the draft and an id nobody has: a hint when one goes wrong."""
    if race.one_after_another(race.published, 1) != [204]:
        return _crashed(race, "for one request on a published video")
    if (views := race.views(race.published)) != 1:
        if views == 0:
            return hint(
                "one request left views at 0: did the function commit? A change that is not committed is "
                "rolled back when the route's session closes."
            )
        return hint(f"one request took views from 0 to {views}; each request should add exactly one.")
    if race.one_after_another(race.draft, 1) != [204]:
        return _crashed(race, "for a draft")
    if race.views(race.draft) != 0:
        return hint("the draft got a view: drafts are not counted. Keep the `is_published` condition in your fix.")
    if race.one_after_another(-1, 1) != [204]:
        return _crashed(race, "for an id no video has")
    return None


def check_add_view(add_view: Any, db_url: Any) -> Feedback:
    """Serve `add_view` in a route, send it N requests at once for one video, and count the views that were lost."""
    if not_attempted(add_view):
        return waiting("your fixed `add_view` function")
    if not callable(add_view):
        return hint(f"pass the function itself, `check_add_view(add_view, db_url)`, not {a_type(add_view)}.")
    if _unchanged(add_view):
        return _show_the_bug(add_view, db_url)
    if _uses_a_python_lock(add_view):
        return hint(
            "a lock in Python makes the requests of this one process wait for each other, but two Uvicorn workers "
            "(`--workers 2`) or two servers each have their own lock and still read the same value. Let PostgreSQL "
            "do it: an atomic UPDATE, or `.with_for_update()` on the SELECT."
        )
    try:
        with raced(db_url, add_view, N) as race:
            if (early := _single_requests(race)) is not None:
                return early
            statuses = race.at_once(race.published, N)
            if any(status != 204 for status in statuses):
                return _crashed(race, f"with {N} requests at once")
            views, locked = race.views(race.published) - 1, race.locked
    except Exception as exc:  # noqa: BLE001 - a checker never raises: the cause becomes the message
        return hint(f"the checker could not race your function ({exception_text(exc)}); run the lesson's first cells.")
    if views < N and locked:
        return hint(
            f"{N} requests at once added {_views(views)}: {N - views} updates were lost, though your function locks "
            "the row (`FOR UPDATE` reached PostgreSQL). The lock must be taken by the read whose value you add to: "
            "a later locked SELECT does not refresh an object the session already holds from an earlier read "
            "(unless `populate_existing`), so the sum still starts from the unlocked value."
        )
    if views < N:
        return hint(
            f"{N} requests at once added {_views(views)}: {N - views} updates were lost. The function still reads the "
            "views into Python and writes back its own sum, so requests that read at the same moment write the same "
            "number. Let the database add (`update(Youtube)...values(views=Youtube.views + 1)`), or lock the row "
            "while you read it (`select(Youtube).where(...).with_for_update()`): the read whose value you add to."
        )
    if views > N:
        return hint(f"{N} requests at once added {_views(views)}; each request should add exactly one.")
    return correct(
        f"{N} requests at once for one video, {N} views added, none lost; the draft still has 0 views and an unknown "
        "id changes nothing."
    )


def _show_the_bug(add_view: Callable[..., Any], db_url: Any) -> Feedback:
    """Race the function as given, for real, so the learner sees the loss before fixing it (not attempted yet)."""
    try:
        with raced(db_url, add_view, N) as race:
            race.at_once(race.published, N)
            views = race.views(race.published)
    except Exception as exc:  # noqa: BLE001 - a checker never raises: the cause becomes the message
        return hint(f"the checker could not race your function ({exception_text(exc)}); run the lesson's first cells.")
    # How many are lost changes from run to run (as with the lesson's `race`): say only whether any were.
    outcome = "fewer than that: views were lost" if views < N else f"all {N} this time, by luck of the timing"
    return Feedback(
        None,
        f"`add_view` as given, raced for real: {N} requests at once for one published video added {outcome}. "
        "Fix it, then run the cell again.",
    )


def _views(count: int) -> str:
    """'1 view', '0 views', '7 views': the number with its noun."""
    return f"{count} view" if count == 1 else f"{count} views"
