"""JupyterLab in a real browser: a learner's Run All Cells on notebook 00 and a database lesson, through the UI.

JupyterLab starts as the README starts it (tests/jupyterlab.py) and Debian's Chromium, driven by Playwright, clicks
Run > Run All Cells. Every code cell must finish without an error output, every Mermaid diagram must be drawn,
and notebook 00's link to the notes must open them. Screenshots go to test-artifacts/<test name>/.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from lesson_app.config.settings import PROJECT_ROOT, TESTS_PG_DIR
from tests.browser.lab_page import (
    add_a_failing_cell,
    diagrams_drawn,
    errors_shown,
    open_notebook,
    run_all_cells,
    unrun_cells,
)
from tests.jupyterlab import JupyterLab, running_jupyterlab
from tests.tools import artifacts_dir, chromium

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is in the dev group: `uv sync --all-groups`")

# A machine shared by many test runs may take minutes where a learner's takes seconds.
LOAD_TIMEOUT_MS = 180_000

# What running all cells changes in git's view of the project: nothing, since JupyterLab never saves here.
WATCHED = ["notebooks", "notes"]


def git_status() -> str:
    command = ["git", "status", "--porcelain", "--ignored=matching", "--", *WATCHED]
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    before = git_status()
    with running_jupyterlab(tmp_path_factory.mktemp("jupyterlab")) as server:
        yield server
    assert git_status() == before, "running the notebooks in JupyterLab changed files of the project"


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright.Browser]:
    executable = chromium()  # skips, saying how to install it, where there is none
    with playwright.sync_playwright() as driver:
        # executable_path: Playwright cannot download a browser of its own here, so it drives Debian's.
        launched = driver.chromium.launch(executable_path=executable)
        yield launched
        launched.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    """This test's folder of screenshots under test-artifacts/."""
    return artifacts_dir(request.node.name)


@pytest.fixture
def page(browser: playwright.Browser, lab: JupyterLab, shots: Path) -> Iterator[playwright.Page]:
    """A fresh browser tab that may reach only this JupyterLab and must log no error; its kernels are shut down after.

    The page as it was when the test ended is saved as end.png, which shows where a failed test stopped.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []

    def only_local(route: playwright.Route) -> None:
        if route.request.url.startswith(lab.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    context.set_default_timeout(LOAD_TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []  # what JupyterLab's own code threw or logged as an error
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    reported = list(errors)  # not what closing the page and its kernels may log
    with contextlib.suppress(playwright.Error):  # a page that crashed has nothing to show
        page.screenshot(path=shots / "end.png")
    context.close()
    lab.shut_down_kernels()
    assert outside == [], f"the page asked for addresses outside this machine: {outside}"
    assert reported == [], "JupyterLab's page reported errors in the browser's console"


def test_jupyterlab_fetches_no_news_lists_no_extensions_and_never_autosaves(lab: JupyterLab) -> None:
    page = lab.api("GET", "lab").text
    config = json.loads(re.search(r'<script id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S)[1])
    assert config["news"] == {"disabled": True}
    assert config["extensionManager"]["name"] == "read-only"  # not "PyPI", which lists PyPI's extensions
    assert lab.api("GET", "lab/api/update").json() == {"notification": None}
    settings = lab.api("GET", "lab/api/settings/@jupyterlab/docmanager-extension:plugin").json()
    assert settings["settings"]["autosave"] is False


def cells_of(notebook: str) -> list[dict]:
    return json.loads((PROJECT_ROOT / "notebooks" / notebook).read_text())["cells"]


def mermaid_blocks(notebook: str) -> int:
    cells = cells_of(notebook)
    return sum("".join(cell["source"]).count("```mermaid") for cell in cells if cell["cell_type"] == "markdown")


def run_through_the_ui(page: playwright.Page, lab: JupyterLab, notebook: str, shots: Path) -> playwright.Locator:
    """Open `notebook`, run all its cells, and check what a learner would see; save screenshots of it."""
    panel = open_notebook(page, lab, notebook)
    run_all_cells(page, panel)
    page.screenshot(path=shots / f"{Path(notebook).stem}.png")
    assert errors_shown(page) == [], f"{notebook}: a cell failed in JupyterLab"
    assert unrun_cells(panel) == [], f"{notebook}: these code cells did not run"
    expected = mermaid_blocks(notebook)
    assert expected > 0
    assert diagrams_drawn(panel) == {"blocks": expected, "drawn": expected}
    panel.locator(".jp-RenderedMermaid").first.screenshot(path=shots / f"{Path(notebook).stem}-diagram.png")
    kernels = lab.kernel_processes()
    assert kernels, "no kernel ran the notebook"
    for kernel in kernels:  # the kernel has the environment pytest_isolation made: the tests' own server
        assert kernel.environ().get("PG_DIR") == str(TESTS_PG_DIR)
    return panel


def test_start_here_runs_in_jupyterlab_and_its_link_opens_the_notes(
    page: playwright.Page, lab: JupyterLab, shots: Path
) -> None:
    panel = run_through_the_ui(page, lab, "00_start_here.ipynb", shots)
    add_a_failing_cell(page, panel)  # the check above would have seen an error: here is one
    new_cell = len(cells_of("00_start_here.ipynb")) + 1
    assert errors_shown(page) == [f"cell {new_cell}: ZeroDivisionError: division by zero"]
    panel.locator(".jp-RenderedMarkdown a", has_text="notes/learner_notes.txt").click()
    first_line = (PROJECT_ROOT / "notes" / "learner_notes.txt").read_text().splitlines()[0]
    page.locator(".jp-FileEditor .cm-line", has_text=first_line).wait_for()
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")
    assert tab.inner_text().strip() == "learner_notes.txt"
    page.screenshot(path=shots / "notes.png")


def test_a_database_lesson_runs_in_jupyterlab(page: playwright.Page, lab: JupyterLab, shots: Path) -> None:
    run_through_the_ui(page, lab, "08_models.ipynb", shots)
