"""What a learner does in JupyterLab's page, for Playwright: open a notebook, use the menus, read what it shows.

The selectors are JupyterLab 4's (Lumino menus, the status bar's kernel item, `jp-RenderedMermaid`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: without Playwright the tests that use this module skip, saying why
    from playwright.sync_api import Locator, Page

    from tests.jupyterlab import JupyterLab

# A run on a machine shared by many test runs may take minutes where a learner's takes seconds.
RUN_TIMEOUT_MS = 300_000
# The status bar's kernel item once the notebook's kernel has started and is waiting for work.
KERNEL_IDLE = re.compile(r"Python 3 \(ipykernel\) \| Idle")


def open_notebook(page: Page, lab: JupyterLab, notebook: str) -> Locator:
    """Open a notebook as a learner's link does and wait until its kernel is ready; return its panel."""
    page.goto(lab.lab_url(f"notebooks/{notebook}"))
    page.locator("#jp-main-statusbar", has_text=KERNEL_IDLE).wait_for()
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")


def choose(page: Page, menu: str, command: str) -> None:
    """Click a menu of the menu bar, then one of its items (named by the JupyterLab command it runs)."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{menu}$")).click()
    page.locator(f".lm-Menu-item[data-command='{command}']").click()


def run_all_cells(page: Page, panel: Locator) -> None:
    """Clear every output, then Run > Run All Cells, and wait until the run has ended (finished or stopped)."""
    choose(page, "Edit", "editmenu:clear-all")  # so that every output and number checked below comes from this run
    choose(page, "Run", "runmenu:run-all")
    # Run All marks every cell [*] at once; a failing cell ends the run and takes the [*] off the cells after it.
    page.wait_for_function(
        """panel => {
            const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
            const idle = document.querySelector('#jp-main-statusbar').innerText.includes('| Idle');
            return idle && /^\\[\\d+\\]:$/.test(prompts[0]) && !prompts.includes('[*]:');
        }""",
        arg=panel.element_handle(),
        timeout=RUN_TIMEOUT_MS,
    )


# The error outputs of the notebook on show, as `cell N: ZeroDivisionError: division by zero`. They are read from the
# notebook's model (window.jupyterapp): the page draws an error output exactly as it draws text sent to stderr.
ERRORS = """() => {
    const cells = [...window.jupyterapp.shell.currentWidget.content.model.cells];
    return cells.flatMap((cell, index) => cell.type !== 'code' ? [] : cell.outputs.toJSON()
        .filter(output => output.output_type === 'error')
        .map(output => `cell ${index + 1}: ${output.ename}: ${output.evalue}`));
}"""


def errors_shown(page: Page) -> list[str]:
    return page.evaluate(ERRORS)


def add_a_failing_cell(page: Page, panel: Locator) -> None:
    """Type a cell that raises below the last one and run it, as a learner's mistake would; wait for its error."""
    panel.locator(".jp-Cell").last.click()
    for key in ("Escape", "b", "Enter"):  # command mode, a new code cell below, edit it
        page.keyboard.press(key)
    page.keyboard.type("1 / 0")
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(f"() => ({ERRORS})().length > 0", timeout=RUN_TIMEOUT_MS)


def unrun_cells(panel: Locator) -> list[int]:
    prompts = [text.strip() for text in panel.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()]
    return [number for number, prompt in enumerate(prompts, 1) if not re.fullmatch(r"\[\d+\]:", prompt)]


def diagrams_drawn(panel: Locator) -> dict[str, int]:
    """How many Mermaid blocks JupyterLab rendered, and how many of those are a drawn SVG picture."""
    # JupyterLab draws a diagram as an <img> whose source is the SVG Mermaid made; a failed one gets jp-mod-warning.
    return panel.evaluate(
        """panel => {
            const blocks = [...panel.querySelectorAll('.jp-RenderedMermaid')];
            const drawn = blocks.filter(b => !b.classList.contains('jp-mod-warning')).filter(b => {
                const img = b.querySelector('figure img');
                const src = img ? decodeURIComponent(img.getAttribute('src') || '') : '';
                return src.startsWith('data:image/svg+xml,') && src.includes('<svg') && img.naturalWidth > 0;
            });
            return {blocks: blocks.length, drawn: drawn.length};
        }"""
    )
