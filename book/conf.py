"""Sphinx's settings for the book (`uv run python -m book` builds it; see book/build.py).

Why Sphinx and not Jupyter Book 2: JB2's MyST engine draws its pages with a site template (book-theme) that it
downloads from the web on the first build; that template is published on neither PyPI nor npm, so a machine that
reaches only the package registries cannot build with it. Sphinx with myst-nb (the engine of Jupyter Book 1) and
sphinx-book-theme come from PyPI, and Mermaid's JavaScript from npm, so the build needs no network at all.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `book.pages`, whoever starts Sphinx

# The GitHub repository (owner/name) the Binder links open. A fork sets its own here or in BOOK_REPOSITORY;
# the Pages workflow passes the repository it runs in.
book_repository = os.environ.get("BOOK_REPOSITORY") or "OWNER/request-journey"

project = "request-journey"
author = "request-journey"
copyright = "request-journey's authors"
root_doc = "index"
extensions = ["myst_nb", "sphinxcontrib.mermaid", "book.pages"]
include_patterns = ["index.md", "README.md", "learner_notes.md", "notes/README.md", "notebooks/[0-9][0-9]*_*.ipynb"]
exclude_patterns = ["lesson_app/**"]

# Outputs as committed: the book never runs a notebook (the tests run them, against their own database).
nb_execution_mode = "off"
# A ```mermaid block in a markdown cell, as JupyterLab draws it, is drawn by sphinxcontrib-mermaid here.
myst_fence_as_directive = ["mermaid"]
myst_heading_anchors = 3
mermaid_output_format = "raw"
mermaid_use_local = "mermaid/mermaid.esm.min.mjs"  # copied from node_modules by book/build.py
mermaid_d3_zoom = False  # zoom needs d3, which would come from a CDN
mermaid_fullscreen_button = "⤢"  # the default, ⛶, is missing from common Linux fonts (DejaVu) and shows as a box

html_theme = "sphinx_book_theme"
html_title = "request-journey"
html_show_sourcelink = False
html_copy_source = False
# Without an icon the browser asks for /favicon.ico, which is missing: a 404 in the console of every page.
html_favicon = "favicon.svg"
# A `%%writefile pytest.ini` cell is not Python; Pygments says so and falls back to plain text, which is right.
suppress_warnings = ["misc.highlighting_failure"]
# The theme follows the reader's light or dark setting (with no default it logs an error in the console).
html_context = {"default_mode": "auto"}
html_theme_options = {
    "repository_url": f"https://github.com/{book_repository}",
    "repository_branch": "HEAD",
    "path_to_docs": "",
    "launch_buttons": {"binderhub_url": "https://mybinder.org", "notebook_interface": "jupyterlab"},
    "show_navbar_depth": 1,
}
