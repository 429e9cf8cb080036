"""schemathesis against the real server: every check, every phase, and nothing found but the deliberate 500."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from lesson_app.config.settings import PROJECT_ROOT

# The run's settings (deterministic generation, all checks, the two documented exceptions) live in the config
# file, so that the same run can be started by hand; see the comments there.
CONFIG = Path(__file__).parent / "fuzz" / "schemathesis.toml"
PHASES = ("Examples", "Coverage", "Fuzzing", "Stateful")


def run_schemathesis(url: str) -> tuple[subprocess.CompletedProcess, float]:
    """Run the schemathesis CLI on the API at `url`, in a process of its own, as a developer would."""
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "--no-color"]
    started = time.monotonic()
    run = subprocess.run(
        [*command, "run", f"{url}/openapi.json"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
    )
    return run, time.monotonic() - started


def test_schemathesis_finds_nothing_but_the_deliberate_500(server) -> None:
    run, seconds = run_schemathesis(server.url)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-8000:]
    assert "No issues found" in report, report[-8000:]
    assert "13 selected / 13 total" in report  # /errors/unhandled included: its 500 is expected, nothing else
    for phase in PHASES:
        assert f"✅  {phase}" in report, f"{phase} did not run or did not pass:\n{report[-8000:]}"
    # What keeps the run cheap is `max-examples` in the config, not a clock: a wall-time bound failed under load
    # (the lowest-versions run, with another suite sharing the 2 cores) though nothing was wrong. Speed is measured
    # by `python -m lesson_app bench --suite-ratio`, as a ratio, not asserted here.
    print(f"schemathesis took {seconds:.1f} s")  # shown with `pytest -s`
