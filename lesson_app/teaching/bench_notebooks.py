"""`bench --notebooks`: each notebook's Restart & Run All, next to the floor measured in the same run.

The floor is a notebook that only imports the stack every lesson needs. It runs exactly as each lesson does
(nbclient in this process, a fresh kernel each, cwd notebooks/, the kernel's start and shutdown included), and
several times spread across the run, because the machine's speed drifts: a lesson's ratio is its seconds over
the mean of the floors run just before and after it. nbclient, not nbval in a pytest subprocess: it times what a learner
waits for, without pytest's own start-up, which would add the same seconds to floor and lesson and shrink every
ratio towards 1, and it records each cell's time, which says where a slow lesson's seconds go.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lesson_app.config.settings import PROJECT_ROOT, TESTS_PG_DIR

FLOOR = "floor (imports only)"
FLOOR_SOURCE = "import alembic\nimport fastapi\nimport httpx\nimport psycopg2\nimport sqlalchemy\nimport uvicorn\n"
LEAST = "least lesson (start only)"
# What every lesson's first cell does before it teaches anything: lesson_app, its database, a server, a client, one
# request. Run first and last in the series, it says how much of each ratio no lesson can avoid.
LEAST_SOURCE = (
    "import httpx\n\nfrom lesson_app import create_app, lesson_database, start_server\n\n"
    'db_url = lesson_database("07_postgresql_and_urls")\nserver = start_server(create_app(db_url))\n'
    'client = httpx.Client(base_url=server.url)\nclient.get("/videos").raise_for_status()\n'
)
FLOOR_EVERY = 4  # a floor before the first notebook, after every 4th and after the last: 6 for the series
SERIES_GOAL, LESSON_GOAL = 1.2, 1.5  # the series within 1.2 x N floors, no notebook over 1.5 x one floor


@dataclass
class Run:
    """One notebook run in a fresh kernel: its seconds, when it started, and its slowest cell."""

    name: str
    seconds: float
    started: float
    ok: bool = True
    cells: list[float] = field(default_factory=list)

    @property
    def outside_cells(self) -> float:
        """Seconds not spent in a cell: the kernel's start and shutdown (a slow shutdown shows here)."""
        return self.seconds - sum(self.cells)

    @property
    def slowest_cell(self) -> tuple[int, float]:
        """The index of the slowest code cell (0-based, as nbval numbers cells) and its seconds."""
        if not self.cells:
            return -1, 0.0
        index = max(range(len(self.cells)), key=self.cells.__getitem__)
        return index, self.cells[index]


def kernel_environment() -> dict[str, str]:
    """The environment of a pytest run: the kernels use the tests' server, never the learner's databases.

    Python writes its bytecode there, as a learner's does: a machine that sets PYTHONDONTWRITEBYTECODE (this one
    does) would otherwise make each kernel, and each process a lesson starts, compile every module it imports.
    """
    from lesson_app.runtime.pytest_isolation import isolate

    env = dict(os.environ)
    isolate(env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_bytecode(folders: Sequence[Path]) -> None:
    """Compile the modules in `folders`: no run pays a first import's compiling (uv installs no .pyc by default)."""
    import compileall

    for folder in folders:
        compileall.compile_dir(folder, quiet=2, workers=0)


def _cell_seconds(cell: dict) -> float:
    """A code cell's time from the kernel going busy to idle, as nbclient's record_timing stamps it."""
    stamps = cell.get("metadata", {}).get("execution", {})
    busy, idle = stamps.get("iopub.status.busy"), stamps.get("iopub.status.idle")
    if not (busy and idle):
        return 0.0
    return (datetime.fromisoformat(idle) - datetime.fromisoformat(busy)).total_seconds()


def run_notebook(path: Path, env: dict[str, str], cwd: Path, name: str | None = None) -> Run:
    """Run the notebook top to bottom in a fresh kernel, as Restart & Run All does; time start to shutdown."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    started = time.perf_counter()
    try:
        # Starts the kernel, runs every cell, shuts the kernel down; the kernel's own warnings are not the report.
        client.execute(env=env, stderr=subprocess.DEVNULL)
        ok = True
    except CellExecutionError:  # a cell raised that is not tagged raises-exception
        ok = False
    seconds = time.perf_counter() - started
    cells = [_cell_seconds(cell) for cell in notebook.cells if cell.cell_type == "code"]
    print(f"{name or path.stem}: {seconds:.2f} s", file=sys.stderr, flush=True)  # progress: the table comes at the end
    return Run(name or path.stem, seconds, started, ok, cells)


def floor_notebook(folder: Path, source: str = FLOOR_SOURCE, name: str = "floor") -> Path:
    """Write a one-cell notebook (by default the floor: it imports the stack) into `folder`; it is not a lesson."""
    import nbformat

    path = folder / f"{name}.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), path)
    return path


def measure_series(notebooks: Sequence[Path], floor_every: int = FLOOR_EVERY) -> tuple[list[Run], list[Run]]:
    """Run each notebook, with the floor before the first, after every `floor_every`th and after the last."""
    env = kernel_environment()
    scratch = Path(tempfile.mkdtemp(prefix="rj-bench-floor-"))
    floor = floor_notebook(scratch)
    lessons: list[Run] = []
    floors: list[Run] = []
    try:
        for position, notebook in enumerate(notebooks):
            if position % floor_every == 0:
                floors.append(run_notebook(floor, env, PROJECT_ROOT / "notebooks", FLOOR))
            name = LEAST if notebook.name == "least.ipynb" else None
            lessons.append(run_notebook(notebook, env, PROJECT_ROOT / "notebooks", name))
        floors.append(run_notebook(floor, env, PROJECT_ROOT / "notebooks", FLOOR))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(env["PROJECTS_DIR"], ignore_errors=True)
    return lessons, floors


def _verdict(value: float, goal: float) -> str:
    return f"goal {goal:.1f} x or less: {'pass' if value <= goal else 'FAIL'}"


def local_floor(run: Run, floors: Sequence[Run]) -> float:
    """The mean of the floors run just before and just after `run`: the machine's speed at that moment."""
    before = [floor for floor in floors if floor.started < run.started]
    after = [floor for floor in floors if floor.started > run.started]
    near = [max(before, key=lambda floor: floor.started)] if before else []
    near += [min(after, key=lambda floor: floor.started)] if after else []
    return statistics.mean(floor.seconds for floor in near)


def series_table(lessons: Sequence[Run], floors: Sequence[Run]) -> list[str]:
    """The report: every run in the order it ran, each lesson over its local floor, then the two goals.

    A lesson's floor is the mean of the floors just before and after it, not the run's median: on a shared machine
    the floor moved from 19 s to 4 s within one run. `kernel` is the run's seconds outside its cells (kernel start
    and shutdown); `slowest cell` numbers code cells from 0, as nbval does.
    """
    near = {id(run): local_floor(run, floors) for run in lessons}
    width = max(len(run.name) for run in [*lessons, *floors]) + 2
    lines = [f"{'notebook':<{width}} {'seconds':>8} {'/ floor':>8} {'kernel':>7}   slowest cell"]
    for run in sorted([*lessons, *floors], key=lambda run: run.started):
        ratio = "" if run.name == FLOOR else f"{run.seconds / near[id(run)]:6.2f} x"
        index, cell = run.slowest_cell
        failed = "" if run.ok else "   (a cell failed)"
        figures = f"{run.seconds:8.2f} {ratio:>8} {run.outside_cells:7.2f}"
        lines.append(f"{run.name:<{width}} {figures}   #{index} {cell:.2f} s{failed}")
    least = [run.seconds / near[id(run)] for run in lessons if run.name == LEAST]
    lessons = [run for run in lessons if run.name != LEAST]
    total, their_floors = sum(run.seconds for run in lessons), sum(near[id(run)] for run in lessons)
    slowest = max(lessons, key=lambda run: run.seconds / near[id(run)])
    worst = slowest.seconds / near[id(slowest)]
    spread = f"median {statistics.median(run.seconds for run in floors):.2f} s, min "
    spread += f"{min(run.seconds for run in floors):.2f}, max {max(run.seconds for run in floors):.2f}"
    lines += [
        f"floor: {len(floors)} runs in this run ({spread}); each notebook over the mean of the floors around it",
        f"series: {len(lessons)} notebooks {total:.2f} s, their floors {their_floors:.2f} s, "
        f"{total / their_floors:.2f} x   {_verdict(total / their_floors, SERIES_GOAL)}",
        f"slowest: {slowest.name} {slowest.seconds:.2f} s, {worst:.2f} x its floor   {_verdict(worst, LESSON_GOAL)}",
    ]
    if least:  # not a lesson: what a lesson costs before it teaches, so the least any lesson's ratio can be
        figures = ", ".join(f"{ratio:.2f}" for ratio in least)
        lines.append(f"least lesson: {figures} x its floor (lesson_app, a database, a server, a client, a request)")
    return lines


def lesson_notebooks() -> list[Path]:
    """The series' notebooks, in the order a learner takes them."""
    return sorted((PROJECT_ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))


def print_series(
    notebooks: Sequence[Path] | None = None,
    floor_every: int = FLOOR_EVERY,
    *,
    compile_first: bool = True,
    least: bool | None = None,
) -> int:
    """Measure the notebooks (default: the series) on the tests' server, started first if needed, and print.

    `least` (default: with the series) runs the least lesson first and last: a lesson's start and nothing else.
    """
    from lesson_app.runtime.embedded import EmbeddedServer

    if compile_first:  # the installed packages and lesson_app; seconds the first time, about one after
        compile_bytecode([Path(sysconfig.get_paths()["purelib"]), PROJECT_ROOT / "lesson_app"])

    server = EmbeddedServer.from_settings(pg_dir=TESTS_PG_DIR)
    # Started before the first floor, as a learner's server is after the first lesson; stopped after if ours.
    started_here = server.status() is None
    server.ensure_running()
    scratch = Path(tempfile.mkdtemp(prefix="rj-bench-least-"))
    runs = list(notebooks or lesson_notebooks())
    if least if least is not None else notebooks is None:
        least_path = floor_notebook(scratch, LEAST_SOURCE, "least")
        runs = [least_path, *runs, least_path]
    try:
        lessons, floors = measure_series(runs, floor_every)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if started_here:
            server.stop()
    print("\n".join(series_table(lessons, floors)))
    return 0 if all(run.ok for run in lessons) else 1
