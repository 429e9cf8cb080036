"""The README's troubleshooting entries: each message is the one a learner sees, and each names a test that exists.

The messages that come from outside the series (JupyterLab as root, pip in an externally managed Python) are
produced here for real, so the README's quotes of them stay true.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

from lesson_app.config.settings import PROJECT_ROOT
from lesson_app.runtime.ports import free_port
from lesson_app.teaching.environment import SEE

README = PROJECT_ROOT / "README.md"
SYSTEM_PYTHON = Path("/usr/bin/python3")  # Debian's and Ubuntu's, which PEP 668 marks as externally managed


def troubleshooting() -> str:
    """The README's troubleshooting section, up to the next section."""
    text = README.read_text(encoding="utf-8")
    return text.split("\n## Troubleshooting\n", 1)[1].split("\n## ", 1)[0]


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation but `-` and `_` dropped, spaces to `-`."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def defined_tests(path: Path) -> set[str]:
    """The node ids of a test file's module-level test functions, read with ast (pytest's collection took 47-90 s)."""
    tree = ast.parse((PROJECT_ROOT / path).read_text(encoding="utf-8"))
    names = (node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef))
    return {f"{path}::{name}" for name in names if name.startswith("test_")}


def test_every_test_the_troubleshooting_section_names_exists() -> None:
    named = set(re.findall(r"`(tests/[\w/]+\.py::\w+)`", troubleshooting()))
    assert len(named) >= 8, "each entry of the troubleshooting section names the test that covers it"
    found = set().union(
        *(defined_tests(Path(node.split("::")[0])) for node in named if Path(node.split("::")[0]).exists())
    )
    assert named - found == set(), "the troubleshooting section names tests that do not exist"


def test_a_renamed_test_is_caught(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text("def test_kept():\n    pass\n\n\ndef helper():\n    pass\n")
    assert defined_tests(tmp_path / "test_x.py") == {f"{tmp_path / 'test_x.py'}::test_kept"}


def test_each_entry_says_what_you_see_why_and_the_fix() -> None:
    entries = troubleshooting().split("\n### ")[1:]
    assert len(entries) >= 8
    for entry in entries:
        heading = entry.splitlines()[0]
        for part in ("**You see**", "**Why**", "**Fix**", "Tested by `tests/"):
            assert part in entry, f"the entry {heading!r} lacks {part}"


def test_every_readme_entry_the_environment_check_points_at_exists() -> None:
    anchors = {github_anchor(line[4:]) for line in troubleshooting().splitlines() if line.startswith("### ")}
    for where in SEE.values():
        assert where.split("#", 1)[1] in anchors, f"README.md has no heading for {where}"


def test_the_quick_start_installs_uv_without_pip_into_a_system_python() -> None:
    quick_start = README.read_text(encoding="utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "astral.sh/uv/install.sh" in quick_start and "pipx install uv" in quick_start
    assert not re.search(r"^pip install uv$", quick_start, re.MULTILINE)  # refused by Debian's and Homebrew's Python


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="JupyterLab refuses root only to root")
def test_jupyterlab_as_root_without_allow_root_refuses_with_the_readmes_message(tmp_path: Path) -> None:
    jupyter_dirs = {
        name: str(tmp_path / name) for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR")
    }
    result = subprocess.run(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={free_port()}"],
        cwd=tmp_path, env={**os.environ, **jupyter_dirs}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    quoted = "Running as root is not recommended. Use --allow-root to bypass."
    assert quoted in result.stderr and quoted in troubleshooting()


def _externally_managed() -> bool:
    if not SYSTEM_PYTHON.exists():
        return False
    stdlib = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    return (Path(stdlib) / "EXTERNALLY-MANAGED").exists()


@pytest.mark.skipif(not _externally_managed(), reason="needs a system Python marked EXTERNALLY-MANAGED (PEP 668)")
def test_pip_install_uv_into_an_externally_managed_python_is_refused() -> None:
    # --dry-run installs nothing and --no-index reaches no registry: pip refuses before either would matter.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    result = subprocess.run(
        [str(SYSTEM_PYTHON), "-m", "pip", "install", "--dry-run", "--no-index", "uv"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if "No module named pip" in result.stderr:
        pytest.skip("this system Python has no pip")
    assert result.returncode != 0
    assert "error: externally-managed-environment" in result.stderr
    assert "error: externally-managed-environment" in troubleshooting()


def _code_cell(made_here: str) -> str:
    """The code cell of notebook 00 that contains `made_here`."""
    cells = json.loads((PROJECT_ROOT / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8"))["cells"]
    code = ("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    return next(source for source in code if made_here in source)


def _run(client, code: str) -> dict:
    """Run `code` in the kernel, as Shift + Enter does, and return the error it showed (empty if none)."""
    errors: list[dict] = []
    reply = client.execute_interactive(
        code, timeout=120, output_hook=lambda msg: errors.append(msg["content"]) if msg["msg_type"] == "error" else None
    )
    return errors[0] if errors else {"status": reply["content"]["status"]}


def test_after_a_kernel_restart_an_exercise_cell_names_the_cell_and_another_cell_raises_name_error(
    tmp_path: Path,
) -> None:
    kernel = KernelManager(connection_file=str(tmp_path / "kernel.json"))  # nothing in the user's runtime folder
    kernel.start_kernel(cwd=str(PROJECT_ROOT / "notebooks"))  # a restarted kernel: nothing defined yet
    try:
        client = kernel.client()
        client.start_channels()
        client.wait_for_ready(timeout=180)  # a loaded machine is slow to start one
        exercise = _run(client, _code_cell('needs("client")'))
        assert exercise["ename"] == "RunEarlierCell"
        assert exercise["evalue"] == (
            "`client` is not defined: after a restart the kernel remembers nothing. Use Run > Run All Above "
            "(the code cell under “The first request” makes `client`), then run this cell again."
        )
        assert exercise["traceback"] == [f"⏮️ {exercise['evalue']}"]  # one sentence, no traceback
        plain = _run(client, _code_cell("client = httpx.Client("))  # "The first request", run alone
        assert plain["ename"] == "NameError" and plain["evalue"] == "name 'server' is not defined"  # as the README says
        client.stop_channels()
    finally:
        kernel.shutdown_kernel(now=True)
