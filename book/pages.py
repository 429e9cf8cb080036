"""What the book adds to the pages Sphinx reads (a Sphinx extension, listed in book/conf.py).

- Each lesson page opens with how to run it: locally with the README's command, or on Binder.
- A diagram's committed SVG picture (a folded `<details>` block right after its ```mermaid source, for
  readers whose viewer cannot draw Mermaid) is dropped: the book draws the Mermaid source itself, once.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from docutils import nodes
from sphinx.application import Sphinx

LOCAL_COMMAND = "uv run jupyter lab --notebook-dir=. notebooks/{file}"
BINDER = "https://mybinder.org/v2/gh/{repository}/HEAD?urlpath=lab/tree/notebooks/{file}"
# What the README's Binder badge names until a fork sets its own repository (the book sets it from conf.py).
PLACEHOLDER = "OWNER/request-journey"


def binder_url(repository: str, file: str) -> str:
    return BINDER.format(repository=repository, file=file)


def run_box(repository: str, file: str) -> nodes.Element:
    """The "Run this lesson" box: the README's command, and a Binder link."""
    box = nodes.admonition(classes=["tip", "run-this-lesson"])
    box += nodes.title(text="Run this lesson")
    local = nodes.paragraph(text="On your machine, in the project folder (see ")
    local += nodes.reference(text="the set-up", refuri="../README.html")
    local += nodes.Text("): ")
    local += nodes.literal(text=LOCAL_COMMAND.format(file=file))
    online = nodes.paragraph(text="In your browser, with nothing to install: ")
    online += nodes.reference(text="open it on Binder", refuri=binder_url(repository, file), classes=["binder-link"])
    online += nodes.Text(" (a free service; the first start takes a few minutes).")
    box += [local, online]
    return box


def add_run_box(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if not docname.startswith("notebooks/"):
        return
    section = doctree.next_node(nodes.section)
    if section is None:
        return
    title = section.next_node(nodes.title)
    file = PurePosixPath(docname).name + ".ipynb"
    section.insert(section.index(title) + 1, run_box(app.config.book_repository, file))


def _is_picture_of_diagram(node: nodes.Node) -> bool:
    """A paragraph that is one picture from diagrams/ and nothing else."""
    if not isinstance(node, nodes.paragraph):
        return False
    parts = [child for child in node.children if not (isinstance(child, nodes.Text) and not child.strip())]
    return len(parts) == 1 and isinstance(parts[0], nodes.image) and "diagrams/" in parts[0]["uri"]


def drop_diagram_pictures(doctree: nodes.document) -> int:
    """Remove each `<details>` block that holds only a picture from diagrams/; return how many."""
    dropped = 0
    for opening in list(doctree.findall(nodes.raw)):
        parent = opening.parent
        if parent is None or not opening.astext().lstrip().startswith("<details"):
            continue
        at = parent.index(opening)
        block = parent.children[at : at + 3]
        if len(block) == 3 and _is_picture_of_diagram(block[1]) and block[2].astext().strip() == "</details>":
            for node in block:
                parent.remove(node)
            dropped += 1
    return dropped


def name_the_repository(app: Sphinx, docname: str, source: list[str]) -> None:
    """The README page's Binder links name the book's repository, not the README's placeholder.

    Its pictures from the web (Binder's badge) become their words: the book is read offline too, and loads
    nothing from another site.
    """
    if docname == "README":
        text = source[0].replace(PLACEHOLDER, app.config.book_repository)
        source[0] = re.sub(r"!\[([^\]]*)\]\(https?://[^)]+\)", lambda image: f"Open in {image.group(1)}", text)


def setup(app: Sphinx) -> dict[str, object]:
    # Set in book/conf.py, the one place. "env": the links are made while pages are read, so a new value must
    # make Sphinx read every page again (with "html" a rebuild kept the old links in its saved doctrees).
    app.add_config_value("book_repository", "", "env")
    app.connect("source-read", name_the_repository)
    # Before Sphinx's image collector (priority 500) reads the doctree, so a dropped picture is never copied.
    app.connect("doctree-read", lambda app, doctree: drop_diagram_pictures(doctree), priority=400)
    app.connect("doctree-read", add_run_box)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
