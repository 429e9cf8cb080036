"""book.pages: a diagram's committed picture is dropped (the book draws its Mermaid source), nothing else is."""

from __future__ import annotations

from docutils import nodes
from docutils.core import publish_doctree
from myst_parser.parsers.docutils_ import Parser

from book.pages import drop_diagram_pictures

# A markdown cell as the diagrams' pictures are committed: the ```mermaid source (left out here: plain docutils
# has no mermaid directive), then its SVG folded right after it; then an exercise's solution.
CELL = """\
<details>
<summary>The diagram as a picture</summary>

![A goes to B](diagrams/01_url_anatomy-1.svg)

</details>

<details>
<summary>Solution</summary>

```python
hidden_port = 443
```
</details>
"""


def doctree(text: str) -> nodes.document:
    return publish_doctree(text, parser=Parser())


def test_the_picture_of_a_diagram_is_dropped_and_a_solution_is_kept() -> None:
    tree = doctree(CELL)
    assert len(list(tree.findall(nodes.image))) == 1

    assert drop_diagram_pictures(tree) == 1

    assert list(tree.findall(nodes.image)) == []
    raw = [node.astext().strip() for node in tree.findall(nodes.raw)]
    assert raw == ["<details>\n<summary>Solution</summary>", "</details>"]
    assert "hidden_port = 443" in tree.astext()


def test_a_picture_with_words_beside_it_stays() -> None:
    tree = doctree(CELL.replace("![A goes to B]", "See ![A goes to B]"))
    assert drop_diagram_pictures(tree) == 0


def test_a_picture_that_is_not_a_diagram_stays() -> None:
    tree = doctree(CELL.replace("diagrams/01_url_anatomy-1.svg", "screenshots/lab.png"))
    assert drop_diagram_pictures(tree) == 0
    assert len(list(tree.findall(nodes.image))) == 1
