"""Measure what a learner waits for: database start, server start, requests. `python -m lesson_app bench`."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from lesson_app.config.settings import PROJECT_ROOT
from lesson_app.runtime.embedded import EmbeddedServer
from lesson_app.runtime.ports import free_port


def _ms(seconds: float) -> str:
    """Milliseconds for what a learner waits on; seconds from 100 s up (a whole test run), to stay readable."""
    return f"{seconds:8.1f} s " if seconds >= 100 else f"{seconds * 1000:8.2f} ms"


def _median(fn: Callable[[], float], runs: int) -> float:
    return statistics.median(fn() for _ in range(runs))


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def database_figures() -> list[tuple[str, float]]:
    """Start a scratch embedded server from nothing, then again from stopped, then reuse it."""
    scratch = Path(tempfile.mkdtemp(prefix="rj-bench-"))
    scratch.chmod(0o755)  # the PostgreSQL system user must reach it when we run as root
    # The server is given its folder and port: the learner's server and settings are left alone.
    server = EmbeddedServer(scratch / "pg", free_port())
    try:
        cold = _timed(server.ensure_running)
        warm = []
        for _ in range(3):
            server.stop()
            warm.append(_timed(server.ensure_running))
        reuse = _median(lambda: _timed(server.ensure_running), 20)
        server.stop()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return [
        ("PostgreSQL cold start (initdb + start)", cold),
        ("PostgreSQL warm start (from stopped)", statistics.median(warm)),
        ("PostgreSQL reuse (already running)", reuse),
    ]


def _per_request(client: httpx.Client, target: str, n: int = 300) -> float:
    """Seconds per GET on a warm, reused client: 20 untimed requests first, then n timed."""
    for _ in range(20):
        client.get(target)
    started = time.perf_counter()
    for _ in range(n):
        client.get(target)
    return (time.perf_counter() - started) / n


def server_figures() -> list[tuple[str, float]]:
    """Start the lesson API on a bench database and time requests the way the notebooks make them."""
    from lesson_app import create_app, lesson_database, start_server

    url = lesson_database("bench")
    app = create_app(url)

    def start_stop() -> float:
        started = time.perf_counter()
        server = start_server(app, port=0, name="bench-ready")
        ready = time.perf_counter() - started
        server.stop()
        return ready

    ready = _median(start_stop, 5)
    server = start_server(app, port=0, name="bench")
    try:
        with httpx.Client(base_url=server.url) as client:
            first = _timed(lambda: client.get("/"))
            video = client.post("/videos", json={"title": "bench", "url": "https://bench.example/1", "channel": "b"})
            path = video.headers.get("location") or "/videos?limit=1"
            home, row = _per_request(client, "/"), _per_request(client, path)
        bare = _median(lambda: _timed(lambda: httpx.get(f"{server.url}/")), 30)
    finally:
        server.stop()
    return [
        ("server ready (start_server returns)", ready),
        ("first request (new connection)", first),
        ("per request, reused client, GET /", home),
        ("per request, reused client, GET one row", row),
        ("per request, bare httpx.get (new client)", bare),
    ]


SLOWEST = 12  # how many of the suite's costliest files `--suite-ratio` lists


def _pytest_run(*args: str) -> tuple[str, float, str]:
    """Run pytest with these arguments as `uv run pytest` would; return its summary line, seconds and output."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *args], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    tail = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "no output"
    return tail, elapsed, result.stdout


def costliest_files(output: str) -> list[tuple[str, float]]:
    """Sum pytest's `--durations=0` lines ("12.34s call  tests/x.py::test_y") per file; the SLOWEST costliest."""
    totals: dict[str, float] = {}
    for seconds, node in re.findall(r"^([\d.]+)s (?:setup|call|teardown) +(\S+?)(?:::|$)", output, re.MULTILINE):
        totals[node] = totals.get(node, 0.0) + float(seconds)
    return sorted(totals.items(), key=lambda item: -item[1])[:SLOWEST]


def failures(output: str) -> list[str]:
    """The tests pytest's short summary names as failed or in error ("FAILED tests/x.py::test_y - ..."), by node id."""
    return re.findall(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", output, re.MULTILINE)


def pytest_figure() -> list[tuple[str, float]]:
    """Time the whole test suite, as `uv run pytest` runs it."""
    tail, elapsed, _ = _pytest_run()
    return [(f"whole pytest run ({tail})", elapsed)]


def suite_ratio_figures() -> tuple[list[tuple[str, float]], list[tuple[str, float]], list[str]]:
    """Time the whole suite, then one more nbval pass over the notebooks, as `.ci/run` does, one after the other.

    The goal is a ratio, not seconds: this machine's speed varies several-fold from day to day (and with what
    else runs), so only two figures taken in the same few minutes compare. Also returns the suite's costliest files
    and the tests that failed in either run: a ratio from a run that failed is not a figure to trust.
    """
    suite_tail, suite, output = _pytest_run("--durations=0", "--durations-min=0")
    notebooks_tail, notebooks, notebooks_output = _pytest_run("notebooks")
    figures = [
        (f"whole pytest run ({suite_tail})", suite),
        (f"one nbval pass, pytest notebooks ({notebooks_tail})", notebooks),
    ]
    return figures, costliest_files(output), failures(output) + failures(notebooks_output)


def main(with_pytest: bool = False, with_notebooks: bool = False, with_suite_ratio: bool = False) -> int:
    """Print every figure, one per line; with the suite ratio, the whole suite's time over one nbval pass last."""
    rows = database_figures() + server_figures()
    rows += pytest_figure() if with_pytest and not with_suite_ratio else []
    ratio, files, failed = suite_ratio_figures() if with_suite_ratio else ([], [], [])
    width = max(len(name) for name, _ in rows + ratio + files)
    for name, seconds in rows + ratio:
        print(f"{name:<{width}}  {_ms(seconds)}")
    if ratio:
        print(f"{'whole suite / one nbval pass':<{width}}  {ratio[0][1] / ratio[1][1]:8.2f} x   (goal: 3 x or less)")
        print(f"\nThe suite's {SLOWEST} costliest files, and each one's time over one nbval pass:")
        for name, seconds in files:
            print(f"{name:<{width}}  {_ms(seconds)}  {seconds / ratio[1][1]:5.2f} x")
    for node in failed:
        print(f"failed: {node}")
    if with_notebooks:
        from lesson_app.teaching.bench_notebooks import print_series

        print("\nEach notebook's Restart & Run All (fresh kernel, start to shutdown), next to the floor:")
        return print_series()
    return 0
