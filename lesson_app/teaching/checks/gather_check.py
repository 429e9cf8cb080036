"""Notebook 11's exercise 3: twenty requests sent at once, judged by how many were really in flight together.

Wall time alone cannot tell a burst from a loop on a shared machine. An HTTP/1.1 connection carries one request at
a time, and a client opens a new connection only when every one it has is busy, so the number of connections the
responses came over is the most requests the client had in flight at once: 1 for `await` inside a loop. A loop
that opens a new client for each request uses a new connection each time, so the server's side decides that case
(`overlap`).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Sequence
from typing import Any

import httpx

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting
from lesson_app.teaching.checks.guards import a_type
from lesson_app.teaching.checks.overlap import answered_one_at_a_time


def _close(thing: Any) -> None:
    """Close a coroutine that will never run, so Python does not warn that it was never awaited."""
    if inspect.iscoroutine(thing):
        thing.close()


def _abandon(future: asyncio.Future) -> None:
    """Cancel a future nobody will await, and take its outcome, so asyncio never logs "exception was never retrieved".

    An un-awaited `asyncio.gather(...)` still runs its requests later; they fail once the `async with` block has
    closed the client, and the unread error would be printed in whichever cell runs at that moment.
    """

    def take_outcome(done: asyncio.Future) -> None:
        if not done.cancelled():
            done.exception()

    future.cancel()
    if future.done():
        take_outcome(future)
    else:
        future.add_done_callback(take_outcome)


def _not_yet_sent(responses: Any, n: int) -> Feedback | None:
    """A hint for an answer that holds no responses yet: the placeholder, a coroutine, a future, coroutines."""
    if not_attempted(responses):
        return waiting(f"the list of {n} responses, e.g. `await asyncio.gather(...)`")
    if inspect.iscoroutine(responses):
        _close(responses)
        return hint("that is a coroutine: nothing has been sent yet. Put `await` in front of it.")
    if isinstance(responses, asyncio.Future):
        _abandon(responses)
        return hint(
            "asyncio.gather(...) gives something to wait for, and nothing waited for it (the checker "
            "cancelled it); write `await asyncio.gather(...)` to get the responses."
        )
    if isinstance(responses, list | tuple) and any(inspect.iscoroutine(item) for item in responses):
        for item in responses:
            _close(item)
        return hint(
            "a list of coroutines: none of them has run. `await asyncio.gather(*coroutines)` runs them "
            "all at once and gives the responses."
        )
    return None


def _in_flight_at_once(responses: Sequence[httpx.Response]) -> int | None:
    """The most requests in flight together: the connections they came over (None when a response has none)."""
    streams = [item.extensions.get("network_stream") for item in responses]
    if any(stream is None for stream in streams):
        return None
    return len({id(stream) for stream in streams})


def check_gather(responses: Any, n: int = 20) -> Feedback:
    """Check that `responses` is the list of `n` responses of requests sent at once with an AsyncClient."""
    if (unsent := _not_yet_sent(responses, n)) is not None:
        return unsent
    if isinstance(responses, httpx.Response):
        return hint(f"that is one response; the exercise wants the list of all {n}.")
    if not isinstance(responses, list | tuple):
        return hint(f"expected a list of responses, got {a_type(responses)}.")
    if len(responses) != n:
        return hint(f"{len(responses)} responses; the exercise asks for {n}.")
    if not all(isinstance(item, httpx.Response) for item in responses):
        return hint("some items are not responses; gather the results of `aclient.get(...)` calls.")
    if any(isinstance(item.stream, httpx.SyncByteStream) for item in responses):
        return hint(
            "these came from the sync `client`, one after another. Open an httpx.AsyncClient "
            "(`async with httpx.AsyncClient(base_url=server.url) as aclient:`) and send them at once "
            "with `await asyncio.gather(...)`."
        )
    statuses = sorted({item.status_code for item in responses})
    if statuses != [200]:
        return hint(
            f"not every request succeeded (status codes {statuses}); ask for a route that exists, such as /videos/1."
        )
    if _in_flight_at_once(responses) == 1:
        return hint(
            f"these {n} requests went one after another: all came over one connection, which carries one request "
            "at a time, so each waited for the answer before the next was sent (`await` inside a loop). Make "
            "all the requests first, then await them together, as the cell that timed ten requests at once did."
        )
    if answered_one_at_a_time(responses):
        return hint(
            f"these {n} requests went one after another: the server answered each before the next arrived. A new "
            "AsyncClient for each request, awaited in a loop, still sends one at a time. Use one client, make the "
            "requests first and await them together: `await asyncio.gather(*(aclient.get(...) for ...))`."
        )
    return correct(f"{n} requests sent at once and awaited together, {n} answers 200 OK.")


def _local_of(exc: BaseException, function: str, module: str, name: str) -> Any:
    """The local `name` of `module.function` in the traceback of `exc`; None when `exc` did not pass through it."""
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == function and frame.f_globals.get("__name__") == module:
            return frame.f_locals.get(name)
        tb = tb.tb_next
    return None


def _gather_given_a_list(exc: BaseException) -> list[Any] | None:
    """The list handed to `asyncio.gather` as one argument, when that is what `exc` is; else None."""
    if not (isinstance(exc, TypeError) and "unhashable type: 'list'" in str(exc)):
        return None
    given = _local_of(exc, "gather", "asyncio.tasks", "coros_or_futures") or ()
    return next((item for item in given if isinstance(item, list)), None)


def explain_gather_slips(exc: BaseException | None = None) -> Feedback | None:
    """With an error: a hint for `asyncio.gather([list])` or `asyncio.run()` in the notebook (else None). Without
    one: show those hints in IPython.

    `asyncio.gather([...])` fails in the learner's own cell, before any checker runs, with "unhashable type:
    'list'"; notebook 11's exercise cell calls `explain_gather_slips()` so that IPython shows the hint instead.
    """
    if exc is None:
        _hook_into_ipython()
        return None
    if isinstance(exc, RuntimeError) and "asyncio.run() cannot be called from a running event loop" in str(exc):
        _close(_local_of(exc, "run", "asyncio.runners", "main"))  # it never runs: no "never awaited" warning
        return hint(
            "the notebook already runs an event loop, so `asyncio.run(...)` refuses here: `await` the coroutine "
            'instead, as the section "`asyncio.run()` in a notebook" showed.'
        )
    given = _gather_given_a_list(exc)
    if given is None:
        return None
    for item in given:  # they will never run: closed, they raise no "never awaited" warning
        _close(item)
    return hint(
        '`asyncio.gather` takes the requests as separate arguments, not one list (hence "unhashable type: '
        "'list'\"): put a `*` in front of the list, `await asyncio.gather(*requests)`."
    )


def _show_gather_hint(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> None:
    """IPython's handler for TypeError and RuntimeError: only the hint for a slip it knows, else the usual traceback."""
    if explain_gather_slips(value) is None:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
    # Else nothing here: the hint, a Feedback, is shown when the cell ends, like a checker's; the TypeError's own
    # line would only bury it.


def _hook_into_ipython() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or shell.custom_exceptions not in ((), (TypeError, RuntimeError)):
        return  # no IPython, or someone else's handler: leave it alone
    shell.set_custom_exc((TypeError, RuntimeError), _show_gather_hint)
