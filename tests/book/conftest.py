"""The book, built once per test run by the README's command into a temporary folder."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from lesson_app.config.settings import PROJECT_ROOT
from tests.tools import node_package

# A fork's repository, to see that the one setting reaches every Binder link.
FORK = "learner/request-journey-fork"


@dataclass(frozen=True)
class Book:
    out: Path
    seconds: float  # on the clock, which other programs on the machine stretch
    cpu_seconds: float  # the build's own processor time, which they do not

    @property
    def html(self) -> Path:
        return self.out / "html"


@pytest.fixture(scope="session")
def book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    pytest.importorskip("sphinx", reason="the book group is not installed: `pip install --group book`")
    node_package("mermaid")
    out = tmp_path_factory.mktemp("book")
    started, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    # The README's command (`uv run python -m book`), with this interpreter and a folder of the test's own.
    done = subprocess.run(
        [sys.executable, "-m", "book", "--out", str(out)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "BOOK_REPOSITORY": FORK},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    seconds = time.perf_counter() - started
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Book(out, seconds, used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime)
