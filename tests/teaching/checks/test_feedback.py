"""Checker feedback in a real kernel: shown once, whether or not the check is the cell's last line."""

from __future__ import annotations

from jupyter_client.manager import start_new_kernel

from lesson_app.teaching.checks import Feedback, correct, hint, waiting


def test_feedback_reads_as_a_sentence() -> None:
    assert repr(correct("yes")) == "✅ Correct: yes"
    assert repr(hint("look again")) == "❌ Not yet: look again"
    assert waiting("an answer").passed is None
    assert not hint("x") and bool(correct("y"))
    assert isinstance(waiting("x"), Feedback)


def test_feedback_shows_once_in_a_notebook_even_when_not_last() -> None:
    manager, kernel = start_new_kernel(kernel_name="python3")
    try:

        def run(code: str) -> list[str]:
            shown: list[str] = []

            def collect(message: dict) -> None:
                content = message["content"]
                if message["msg_type"] in ("stream", "execute_result"):
                    shown.append(content.get("text") or content["data"]["text/plain"])

            kernel.execute_interactive(code, output_hook=collect, timeout=60)
            return shown

        run("from lesson_app.teaching.checks import hint")
        assert run("hint('last line')") == ["❌ Not yet: last line"]
        assert "".join(run("feedback = hint('then a print'); print('after')")) == "after\n❌ Not yet: then a print\n"
        assert run("1 + 1") == ["2"]  # nothing left over from the cell before
    finally:
        kernel.stop_channels()
        manager.shutdown_kernel(now=True)
