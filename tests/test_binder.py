"""binder/ is what mybinder.org (repo2docker) builds the series from: it must stay the environment uv.lock pins.

`.ci/install-routes binder` builds that environment for real and runs lessons in it as an unprivileged user;
these tests are the fast part: no network, no install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib

import pytest
from packaging.specifiers import SpecifierSet

from lesson_app.config.settings import PROJECT_ROOT

BINDER = PROJECT_ROOT / "binder"
# The command binder/requirements.txt was made with (its header repeats it); every group but the book (Sphinx:
# a Binder learner reads the lessons, not builds the website), so lesson 15's
# `pytest` and the notebooks' own checks (nbval) are there, as `uv run` installs them for the Quick start.
EXPORT = [
    "uv",
    "export",
    "--format",
    "requirements-txt",
    "--no-hashes",
    "--all-groups",
    "--no-group",
    "book",
    "--frozen",
]
REGENERATE = " ".join(EXPORT) + " -o binder/requirements.txt"


def _requirements(text: str) -> list[str]:
    """The lines pip acts on: comments (uv's header and `# via` notes) and blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_binder_requirements_match_uv_lock() -> None:
    if shutil.which("uv") is None:
        pytest.skip("uv is not installed (`pip install uv`): it exports uv.lock to compare with binder/")
    if os.environ.get("UV_RESOLUTION", "highest") != "highest":
        # The workflow's `lowest` job re-resolves uv.lock at the lowest versions pyproject.toml allows; Binder
        # follows the committed lock, which the other jobs (and .ci/run) compare it with.
        pytest.skip(
            f"UV_RESOLUTION={os.environ['UV_RESOLUTION']}: uv.lock was re-resolved, binder/ follows the committed one"
        )
    # --frozen reads uv.lock as it is and UV_OFFLINE forbids the network: the export is the lock, nothing newer.
    exported = subprocess.run(
        EXPORT, cwd=PROJECT_ROOT, capture_output=True, text=True, env={**os.environ, "UV_OFFLINE": "1"}
    )
    assert exported.returncode == 0, f"`{' '.join(EXPORT)}` failed: {exported.stderr.strip()}"
    committed = (BINDER / "requirements.txt").read_text(encoding="utf-8")
    assert _requirements(committed) == _requirements(exported.stdout), (
        f"binder/requirements.txt no longer pins what uv.lock pins: run `{REGENERATE}` and commit it."
    )


def test_binder_installs_the_project_editable() -> None:
    # Installed as a copy in site-packages, lesson_app would look for notebooks/, .postgres/ and .env there
    # (PROJECT_ROOT is the folder above the package), not in the repository Binder opens.
    lines = _requirements((BINDER / "requirements.txt").read_text(encoding="utf-8"))
    assert "-e ." in lines, f"binder/requirements.txt must install the project with `-e .`: run `{REGENERATE}`."


def test_binder_runtime_is_a_python_the_project_allows() -> None:
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    # repo2docker reads `python-X.Y` (one line); a bare `python-3` would give whatever Python it defaults to.
    match = re.fullmatch(r"python-(\d+\.\d+)", runtime)
    assert match, f"binder/runtime.txt says {runtime!r}: write one line such as `python-3.11`."
    allowed = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert match.group(1) in SpecifierSet(allowed["requires-python"]), (
        f"binder/runtime.txt asks for Python {match.group(1)}, which pyproject.toml does not allow "
        f"({allowed['requires-python']}): choose one it allows."
    )


def test_readme_binder_link_opens_notebook_00_in_jupyterlab() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"https://mybinder\.org/v2/gh/[^)\s]+", readme)
    assert links, "The README has no mybinder.org link: add the Binder badge."
    for link in links:
        path = re.search(r"[?&]urlpath=lab/tree/([^&#]+)", link)
        assert path, f"{link} does not open JupyterLab: end it with ?urlpath=lab/tree/notebooks/00_start_here.ipynb."
        assert path.group(1) == "notebooks/00_start_here.ipynb", f"{link} should open notebook 00, where to start."
        assert (PROJECT_ROOT / path.group(1)).is_file()
