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
    return [command for line in lines for command in _pipeline(line)]


def _pipeline(line: str) -> list[list[str]]:
    """The commands of one shell line: `a | b` is two; a comment line is none."""
    commands: list[list[str]] = []
    words: list[str] = []
    for word in shlex.split(line, comments=True) + ["|"]:
        if word == "|":
            commands += [words] if words else []
            words = []
        else:
            words.append(word)
    return commands


def yaml_header_commands() -> list[list[str]]:
    """The helm commands config.yaml's header tells the instructor to run."""
    lines = [line.removeprefix("#").strip() for line in CONFIG.read_text(encoding="utf-8").splitlines()]
    return [shlex.split(line) for line in lines if line.startswith(("helm ", "kubectl "))]


def learners_env_keys() -> set[str]:
    """The keys of the README's example learners.env (the file the Secret is made from)."""
    section = README.read_text(encoding="utf-8").split("\n## Teaching a class\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```text\n\s*(# learners\.env.*?)```", section, flags=re.DOTALL).group(1)  # type: ignore[union-attr]
    lines = [line.strip() for line in block.splitlines()]
    return {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}


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
    assert _option(words, "--namespace") == namespace  # the hub's, where its pods look for the Secret
    if words[3] == "apply":
        assert words[4:] == ["-f", "-"]
        return
    assert words[3:6] == ["create", "secret", "generic"]
    env = values()["singleuser"]["extraEnv"].values()
    refs = [spec["valueFrom"]["secretKeyRef"] for spec in env if isinstance(spec, dict) and "valueFrom" in spec]
    assert words[6] == refs[0]["name"]
    assert "--from-env-file=learners.env" in words and not any(w.startswith("--from-literal") for w in words)
    assert "--dry-run=client" in words and _option(words, "-o") == "yaml"  # so that `apply` also updates it
    keys = learners_env_keys()
    learner = next(iter(keys)).split(".", 1)[0]
    assert keys == {ref["key"].format(unescaped_username=learner) for ref in refs}  # every variable, none misspelt


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


def test_every_helm_and_kubectl_command_names_the_hubs_namespace() -> None:
    commands = [w for w in section_commands() + yaml_header_commands() if w[0] in {"helm", "kubectl"}]
    assert any(w[0] == "helm" for w in yaml_header_commands()), "config.yaml's header lost its helm command"
    for words in commands:
        if words[1:3] in (["repo", "add"], ["create", "namespace"]):
            continue
        assert _option(words, "--namespace") == "request-journey", words
    for words in yaml_header_commands():
        CHECKS[words[0]](words)


@pytest.mark.parametrize("words", section_commands(), ids=lambda words: " ".join(words[:4]))
def test_each_command_names_what_exists(words: list[str]) -> None:
    assert words[0] in CHECKS, f"{words[0]}: the README names a command this test does not check; add a check"
    CHECKS[words[0]](words)


def test_a_wrong_command_is_caught() -> None:
    with pytest.raises(SystemExit):
        check_lesson_app(["uv", "run", "python", "-m", "lesson_app", "db", "rest", "--yes"])
    with pytest.raises(AssertionError):
        check_helm(["helm", "upgrade", "--install", "x", "jupyterhub/jupyterhub", "--version", "4.3.0"])
    with pytest.raises(AssertionError):
        check_kubectl(["kubectl", "--namespace", "request-journey", "create", "secret", "generic",
                       "request-journey-learners", "--from-literal=ada.DATABASE_URL=x"])  # fmt: skip
    with pytest.raises((AssertionError, ValueError)):  # no --namespace: the hub would not see the Secret
        check_helm(["helm", "upgrade", "--install", "x", "jupyterhub/jupyterhub", "--version", "4.4.0",
                    "--values", "deploy/z2jh/config.yaml"])  # fmt: skip
