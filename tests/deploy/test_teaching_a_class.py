"""The README's "Teaching a class" commands: each one is checked against what it names, so none can go stale.

`python -m lesson_app ...` must parse with the command line's own parser (tests/runtime/test_embedded_privacy.py
runs `db reset --yes` and `db status` for real); docker, kubectl and helm cannot run here, so their arguments are
checked against the files they name: the Dockerfile, config.yaml's image and Secret, the vendored chart version.
"""

from __future__ import annotations

import re
import shlex

import pytest
import yaml

from lesson_app.config.settings import PROJECT_ROOT
from lesson_app.runtime.cli import build_parser

README = PROJECT_ROOT / "README.md"
CONFIG = PROJECT_ROOT / "deploy" / "z2jh" / "config.yaml"


def section_commands() -> list[list[str]]:
    """Every command in the section's bash blocks, continuation lines joined, split as the shell splits it."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Teaching a class\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL)
    lines = re.sub(r"\\\n\s*", " ", "\n".join(block for block in blocks)).splitlines()
    return [shlex.split(line, comments=True) for line in lines if line.strip()]


def values() -> dict:
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


def _image() -> str:
    image = values()["singleuser"]["image"]
    return f"{image['name']}:{image['tag']}"


def _option(words: list[str], name: str) -> str:
    return words[words.index(name) + 1]


def check_lesson_app(words: list[str]) -> None:
    start = words.index("lesson_app") + 1
    build_parser().parse_args(words[start:])  # argparse exits (SystemExit) on anything it does not know


def check_docker(words: list[str]) -> None:
    if words[1] == "build":
        assert (PROJECT_ROOT / _option(words, "-f")).is_file() and words[-1] == "."
        assert _option(words, "-t") == _image()
    else:
        assert words[1:] == ["push", _image()]


def check_kubectl(words: list[str]) -> None:
    namespace = "request-journey"
    if words[1:3] == ["create", "namespace"]:
        assert words[3] == namespace
        return
    assert _option(words, "--namespace") == namespace and words[3:6] == ["create", "secret", "generic"]
    env = values()["singleuser"]["extraEnv"].values()
    refs = [spec["valueFrom"]["secretKeyRef"] for spec in env if isinstance(spec, dict) and "valueFrom" in spec]
    assert words[6] == refs[0]["name"]
    keys = {word.split("=", 2)[1] for word in words if word.startswith("--from-literal=")}
    learner = next(iter(keys)).split(".", 1)[0]
    assert keys == {ref["key"].format(username=learner) for ref in refs}  # one key for each variable, none misspelt


def check_helm(words: list[str]) -> None:
    if words[1:3] == ["repo", "add"]:
        assert words[3:] == ["jupyterhub", "https://hub.jupyter.org/helm-chart/"]
        return
    assert words[1:3] == ["upgrade", "--install"] and words[4] == "jupyterhub/jupyterhub"
    chart = PROJECT_ROOT / "deploy" / "z2jh" / f"chart-{_option(words, '--version')}"
    assert (chart / "values.schema.yaml").is_file(), f"no vendored schema for chart {_option(words, '--version')}"
    assert PROJECT_ROOT / _option(words, "--values") == CONFIG and _option(words, "--namespace") == "request-journey"


CHECKS = {"uv": check_lesson_app, "python": check_lesson_app, "docker": check_docker}
CHECKS |= {"kubectl": check_kubectl, "helm": check_helm}


def test_the_section_has_its_commands() -> None:
    programs = [words[0] for words in section_commands()]
    assert {"uv", "docker", "kubectl", "helm"} <= set(programs), programs


@pytest.mark.parametrize("words", section_commands(), ids=lambda words: " ".join(words[:4]))
def test_each_command_names_what_exists(words: list[str]) -> None:
    assert words[0] in CHECKS, f"{words[0]}: the README names a command this test does not check; add a check"
    CHECKS[words[0]](words)


def test_a_wrong_command_is_caught() -> None:
    with pytest.raises(SystemExit):
        check_lesson_app(["uv", "run", "python", "-m", "lesson_app", "db", "rest", "--yes"])
    with pytest.raises(AssertionError):
        check_helm(["helm", "upgrade", "--install", "x", "jupyterhub/jupyterhub", "--version", "4.3.0"])
    wrong_key = "--from-literal=ada.DATABASE_ULR=x"
    with pytest.raises(AssertionError):
        check_kubectl(["kubectl", "--namespace", "request-journey", "create", "secret", "generic",
                       "request-journey-learners", wrong_key])  # fmt: skip
