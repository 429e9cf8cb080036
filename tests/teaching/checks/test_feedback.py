"""Checker feedback in a real kernel: shown once, whether or not the check is the cell's last line."""

from __future__ import annotations

import subprocess
import sys

from jupyter_client.manager import start_new_kernel

from lesson_app.config.settings import PROJECT_ROOT
from lesson_app.teaching.checks import Feedback, correct, hint, waiting


def test_feedback_reads_as_a_sentence() -> None:
    assert repr(correct("yes")) == "✅ Correct: yes"
    assert repr(hint("look again")) == "❌ Not yet: look again"
    assert waiting("an answer").passed is None
    assert not hint("x") and bool(correct("y"))
    assert isinstance(waiting("x"), Feedback)


def test_feedback_renders_as_markdown_with_code_kept_and_html_escaped() -> None:
    shown = hint("send `GET /videos/{id}` with id < 10, not __init__ or 2 * 3")._repr_markdown_()
    assert shown == "**❌ Not yet**: send `GET /videos/{id}` with id &lt; 10, not \\_\\_init\\_\\_ or 2 \\* 3"
    assert correct("a `<b>` tag")._repr_markdown_() == "**✅ Correct**: a `<b>` tag"  # code spans stay as written


def test_feedback_shows_once_in_a_notebook_even_when_not_last() -> None:
    manager, kernel = start_new_kernel(kernel_name="python3")
    try:

        def run(code: str) -> list[str]:
            shown: list[str] = []

            def collect(message: dict) -> None:
                content = message["content"]
                if message["msg_type"] == "stream":
                    shown.append(content["text"])
                elif message["msg_type"] in ("execute_result", "display_data"):
                    shown.append(
                        content["data"]["text/plain"] + ("\n" if message["msg_type"] == "display_data" else "")
                    )
                    markdown.append(content["data"].get("text/markdown"))

            kernel.execute_interactive(code, output_hook=collect, timeout=60)
            return shown

        markdown: list[str | None] = []
        run("from lesson_app.teaching.checks import hint")
        assert run("hint('last line')") == ["❌ Not yet: last line"]
        assert "".join(run("feedback = hint('then a print'); print('after')")) == "after\n❌ Not yet: then a print\n"
        assert run("1 + 1") == ["2"]  # nothing left over from the cell before
        # JupyterLab renders the Markdown: a feedback's `code` shows as code, both at the end and mid-cell.
        assert markdown[:2] == ["**❌ Not yet**: last line", "**❌ Not yet**: then a print"]
    finally:
        kernel.stop_channels()
        manager.shutdown_kernel(now=True)


# Every checks module, imported in a fresh IPython shell; then the first feedback, made before a print.
IMPORT_SESSION = """
import pkgutil
from IPython.core.interactiveshell import InteractiveShell
import lesson_app.teaching.checks as checks

shell = InteractiveShell.instance(colors="nocolor")
before = {event: list(callbacks) for event, callbacks in shell.events.callbacks.items()}
exceptions = shell.custom_exceptions
for module in pkgutil.iter_modules(checks.__path__):
    shell.run_cell(f"import lesson_app.teaching.checks.{module.name}")
after = {event: list(callbacks) for event, callbacks in shell.events.callbacks.items()}
print("registered:", {event: after[event] for event in after if after[event] != before[event]})
print("custom_exceptions unchanged:", shell.custom_exceptions == exceptions)
print("--- first feedback")
shell.run_cell("from lesson_app.teaching.checks import hint\\nfeedback = hint('first'); print('after')")
print("--- next cell")
shell.run_cell("1 + 1")
"""


def test_importing_checks_installs_nothing_and_the_first_feedback_still_shows() -> None:
    """Importing any checks module registers no IPython callback and keeps the exception handler; the first
    `Feedback` registers the callbacks in time to print itself at the end of its own cell, and only there."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_SESSION], capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT
    )
    imports, rest = result.stdout.split("--- first feedback")
    first, following = rest.split("--- next cell")
    assert "registered: {}" in imports, result.stdout + result.stderr
    assert "custom_exceptions unchanged: True" in imports
    assert first.strip() == "after\n❌ Not yet: first"
    assert "Not yet" not in following and "2" in following
