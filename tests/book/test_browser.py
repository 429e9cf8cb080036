"""The built book in a real browser (Debian's Chromium through Playwright), served over real HTTP on loopback.

Every page loads without a console error, draws each Mermaid diagram as an <svg>, and asks nothing of the internet.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from book.build import lessons
from tests.book.conftest import Book
from tests.book.pages import mermaid_blocks, pages
from tests.tools import artifacts_dir, chromium

DRAWN = "() => [...document.querySelectorAll('pre.mermaid')].every(block => block.querySelector('svg'))"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # one line per file would bury pytest's report
        pass


@pytest.fixture(scope="module")
def site(book: Book) -> Iterator[str]:
    """The book's folder served on a free loopback port, as GitHub Pages would serve it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(book.html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_every_page_loads_cleanly_draws_its_diagrams_and_stays_offline(site: str, request: pytest.FixtureRequest):
    from playwright.sync_api import Route, sync_playwright

    expected = {f"notebooks/{path.stem}.html": mermaid_blocks(path) for path in lessons()}
    shots = artifacts_dir(request.node.name)
    errors: list[str] = []
    outside: list[str] = []

    def only_this_site(route: Route) -> None:
        if urlsplit(route.request.url).netloc == urlsplit(site).netloc:
            route.continue_()
        else:  # a font, a CDN script, an analytics beacon: the book must work with no network
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium())
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", only_this_site)
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            for path in pages():
                # networkidle: a late request (an icon, a font, a chunk of Mermaid) is seen before the next page.
                page.goto(f"{site}/{path}", wait_until="networkidle")
                page.wait_for_function(DRAWN, timeout=60_000)
                drawn = page.locator("pre.mermaid svg")
                assert drawn.count() == expected.get(path, 0), path
                assert page.locator('pre.mermaid svg[aria-roledescription="error"]').count() == 0, path
                name = path.replace("/", "_").removesuffix(".html")
                page.screenshot(path=shots / f"{name}.png")
                if drawn.count():
                    drawn.first.scroll_into_view_if_needed()
                    page.locator("pre.mermaid").first.screenshot(path=shots / f"{name}-diagram-1.png")
                assert (errors, outside) == ([], []), path
        finally:
            browser.close()


def test_a_solution_opens_only_when_its_summary_is_clicked(site: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium())
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
            page.goto(f"{site}/notebooks/01_url_anatomy.html")
            solution = page.locator("details").filter(has_text="hidden_port = 443")
            code = solution.locator("pre")
            assert not code.is_visible()
            solution.locator("summary").click()
            assert code.is_visible()
        finally:
            browser.close()
