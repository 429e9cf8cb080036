"""`python -m lesson_app diagrams`: draw every notebook diagram as an SVG, all in one page of one headless Chromium.

Mermaid and puppeteer come with mermaid-cli (package.json: `npm ci`); `render_diagrams.mjs` loads Mermaid once and
draws each diagram the way mmdc does, without mmdc's page and Mermaid load per diagram. Puppeteer's own browser
download is never used (it needs the internet): the command hands it the system's Chromium, and refuses with a
sentence saying how to install one when there is none.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lesson_app.teaching import diagrams as dg

# Labels as SVG <text>, not HTML inside <foreignObject>, which renderers other than a browser (librsvg, Inkscape)
# and SVG-sanitizing image hosts drop, leaving empty boxes. Lines break only where the source says <br/>, as in
# JupyterLab's drawing (SVG text would otherwise wrap at 200 px). A fixed size, not width="100%", so that the
# picture keeps the size JupyterLab draws the diagram at.
MERMAID_CONFIG = {
    "handDrawnSeed": 1,  # the shapes' random jitter (entity diagrams use it) fixed: the same source, the same file
    "htmlLabels": False,
    "flowchart": {"htmlLabels": False, "useMaxWidth": False, "wrappingWidth": 1000},
    "sequence": {"useMaxWidth": False},
    "er": {"useMaxWidth": False},
}


class DiagramToolMissing(RuntimeError):
    """mermaid-cli or a Chromium for it is not installed."""


def find_chromium() -> str | None:
    """Return the path of the system's Chromium (or the one CHROMIUM names), or None."""
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and (path := shutil.which(name)):
            return path
    return None


def _tools(project: Path) -> tuple[Path, str]:
    node_modules = project / "node_modules"
    if not (node_modules / "@mermaid-js" / "mermaid-cli").is_dir() or shutil.which("node") is None:
        raise DiagramToolMissing("mermaid-cli is not installed: run `npm ci` in the project folder (Node.js 18+).")
    chromium = find_chromium()
    if chromium is None:
        raise DiagramToolMissing("No Chromium was found: install one (`apt-get install chromium`) or set CHROMIUM.")
    return node_modules, chromium


def render(diagrams: list[dg.Diagram], project: Path) -> list[Path]:
    """Draw the diagrams in one browser page and write each SVG with its source's digest; return the files."""
    if not diagrams:
        return []
    node_modules, chromium = _tools(project)
    # Chromium refuses to start as root unless its sandbox is off (containers, CI).
    sandbox = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    job = {
        "node_modules": str(node_modules),
        "chromium": chromium,
        "args": sandbox,
        "config": MERMAID_CONFIG,
        "sources": [diagram.source.strip() for diagram in diagrams],
    }
    with tempfile.TemporaryDirectory(prefix="diagrams-") as tmp:
        (Path(tmp) / "job.json").write_text(json.dumps(job), encoding="utf-8")
        command = ["node", str(Path(__file__).with_name("render_diagrams.mjs")), str(Path(tmp) / "job.json")]
        ran = subprocess.run(command, capture_output=True, text=True, env=_no_download_env())
    if ran.returncode != 0:
        raise RuntimeError(f"the browser could not draw the diagrams: {ran.stderr.strip()[-2000:]}")
    drawn = json.loads(ran.stdout)
    failed = [f"{d.label}: {result['error']}" for d, result in zip(diagrams, drawn, strict=True) if "error" in result]
    if failed:
        raise RuntimeError(f"Mermaid could not draw {'; '.join(failed)} (fix the source, then run the command again)")
    return [_store(diagram, result["svg"]) for diagram, result in zip(diagrams, drawn, strict=True)]


def _no_download_env() -> dict[str, str]:
    # Puppeteer must never fetch a browser of its own, whatever the caller's environment says.
    return {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"}


def _store(diagram: dg.Diagram, svg: str) -> Path:
    opening_end = svg.index(">", svg.index("<svg")) + 1  # the record goes inside the root element
    text = f"{svg[:opening_end]}{dg.record(dg.source_digest(diagram.source))}{svg[opening_end:]}\n"
    diagram.svg.parent.mkdir(exist_ok=True)
    diagram.svg.write_text(text, encoding="utf-8")
    return diagram.svg


def update(notebooks: Path, project: Path, force: bool = False) -> str:
    """Bring every picture and picture block up to date, remove unused pictures; return what was done."""
    diagrams = dg.all_diagrams(notebooks)
    untitled = [diagram.label for diagram in diagrams if diagram.alt is None]
    if untitled:
        raise ValueError(f"Add an `accTitle: ...` line (the picture's alt text) to {'; '.join(untitled)}.")
    changed = [path.name for path in sorted(notebooks.glob("*.ipynb")) if dg.insert_pictures(path)]
    stale = [d for d in diagrams if force or dg.recorded_digest(d.svg) != dg.source_digest(d.source)]
    started = time.perf_counter()
    drawn = render(stale, project)
    seconds = time.perf_counter() - started
    removed = dg.orphans(notebooks)
    for path in removed:
        path.unlink()
    return (
        f"{len(diagrams)} diagrams: {len(drawn)} drawn in {seconds:.1f} s, {len(diagrams) - len(drawn)} already "
        f"up to date; picture blocks updated in {len(changed)} notebooks; {len(removed)} unused pictures removed."
    )


def run(args: argparse.Namespace) -> int:
    from lesson_app.config.settings import PROJECT_ROOT

    notebooks = PROJECT_ROOT / "notebooks"
    if args.check:
        found = dg.problems(notebooks) + [f"{path.name} is used by no diagram." for path in dg.orphans(notebooks)]
        print("\n".join(found) if found else "Every diagram's picture is up to date.")
        return 1 if found else 0
    try:
        print(update(notebooks, PROJECT_ROOT, force=args.force))
    except (DiagramToolMissing, ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def add_command(commands: argparse._SubParsersAction) -> None:
    """Add `diagrams` to the command line."""
    command = commands.add_parser(
        "diagrams",
        help="draw each notebook's Mermaid diagrams as SVGs in notebooks/diagrams/ (needs `npm ci` and Chromium)",
        description="Find every ```mermaid block in the notebooks' markdown cells, draw the new or changed ones "
        "with mermaid-cli, put a folded picture block after each, and remove pictures no diagram uses.",
    )
    command.add_argument("--check", action="store_true", help="only say which pictures are missing or out of date")
    command.add_argument("--force", action="store_true", help="draw every diagram again, even up-to-date ones")
    command.set_defaults(run=run)
