"""`progress setup` refuses, before it makes anything, learner names that would make recording fail or databases clash.

A learner's rows must name the role that writes them, and on a hub that name is JUPYTERHUB_USER, which JupyterHub's
authenticators lower-case; with LEARNER_DATABASES=true, databases are named from the learner made safe, so two
names can meet in one.
"""

from __future__ import annotations

import subprocess
import sys

from lesson_app.teaching.progress_class import name_problems

NOWHERE = "postgresql://nobody:secret@127.0.0.1:9/class"  # nothing listens: reaching it would be a different error


def setup_command(*names: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "lesson_app", "progress", "setup", "--databases", "--url", NOWHERE, *names]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_plain_lower_case_names_have_no_problem() -> None:
    assert name_problems(["ada", "grace-h", "lin.l", "x_2"], databases=True) == []


def test_a_name_with_capitals_is_refused_with_its_lower_case_form() -> None:
    assert name_problems(["Ada"]) == [
        "'Ada' has capitals, which the hub lower-cases, so its rows would be refused: use 'ada'."
    ]


def test_names_whose_databases_would_meet_are_refused_only_with_databases() -> None:
    assert name_problems(["ada-l", "ada_l"]) == []  # progress only: two roles, no databases
    assert name_problems(["ada-l", "ada.l"], databases=True) == [
        "'ada-l' and 'ada.l' would share the databases ada_l_*: rename one."
    ]


def test_the_command_refuses_before_it_connects() -> None:
    result = setup_command("grace", "Ada")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: 'Ada' has capitals") and "did not answer" not in result.stderr
    assert "password" not in result.stdout
