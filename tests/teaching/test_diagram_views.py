"""A notebook as nbviewer shows it (nbconvert's HTML, which nbviewer serves): each picture folded, then drawn."""

from __future__ import annotations

import shutil

from lesson_app.config.settings import PROJECT_ROOT
from tests.tools import artifacts_dir, chromium

NOTEBOOK = PROJECT_ROOT / "notebooks" / "03_ports.ipynb"


def test_nbconvert_html_shows_each_picture_when_unfolded(tmp_path):
    from nbconvert import HTMLExporter
    from playwright.sync_api import sync_playwright

    browser_path = chromium()
    html, _ = HTMLExporter().from_filename(str(NOTEBOOK))
    page_file = tmp_path / "03_ports.html"
    page_file.write_text(html, encoding="utf-8")
    shutil.copytree(NOTEBOOK.parent / "diagrams", tmp_path / "diagrams")  # the relative links' target
    shots = artifacts_dir("test_nbconvert_html_shows_each_picture_when_unfolded")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        page = browser.new_page()
        # nbconvert's page links MathJax and fonts on CDNs: refuse them, the pictures must not need them.
        page.route("http*://**", lambda route: route.abort())
        page.goto(page_file.as_uri())
        folds = page.locator("details", has=page.locator("summary", has_text="The same diagram as a picture"))
        assert folds.count() == 3
        for number in range(3):
            fold = folds.nth(number)
            image = fold.locator("img")
            assert image.get_attribute("src") == f"diagrams/03_ports-{number + 1}.svg"
            assert not image.is_visible()  # folded: JupyterLab's own drawing is not shown twice
            fold.locator("summary").click()
            image.wait_for(state="visible")
            assert image.evaluate("img => img.complete && img.naturalWidth") > 100
            fold.screenshot(path=shots / f"03_ports-{number + 1}.png")
        browser.close()
