"""deploy/z2jh/Dockerfile, checked without Docker: its instructions, what it copies, and that it agrees with
config.yaml, the lock and the chart it is built for. A real `docker build` is not run here (no Docker, no registry)."""

from __future__ import annotations

import re
import shlex
import subprocess
import tomllib

import yaml

from lesson_app.config.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy" / "z2jh"
INSTRUCTIONS = {
    "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG",
    "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
}  # fmt: skip


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (instruction, arguments), continuation lines joined and comments dropped."""
    lines = [line for line in (DEPLOY / "Dockerfile").read_text().splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    return [tuple(line.strip().split(None, 1)) for line in joined.splitlines() if line.strip()]  # type: ignore[misc]


def arguments(name: str) -> list[str]:
    return [rest for instruction, rest in instructions() if instruction == name]


def test_every_instruction_is_one_docker_knows() -> None:
    assert {instruction for instruction, _ in instructions()} <= INSTRUCTIONS
    assert instructions()[0][0] == "FROM"


def test_what_it_copies_from_the_project_exists() -> None:
    for rest in arguments("COPY"):
        words = shlex.split(rest)
        if words[0].startswith("--from="):
            continue  # from another image (uv's)
        sources = [word for word in words[:-1] if not word.startswith("--")]
        assert all((PROJECT_ROOT / source).exists() for source in sources), sources


def ignore_patterns(path) -> set[str]:
    return {line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")}


def test_both_ignore_files_keep_the_machines_secrets_out() -> None:
    # BuildKit reads deploy/z2jh/Dockerfile.dockerignore; the legacy builder only the root .dockerignore.
    buildkit, legacy = (
        ignore_patterns(DEPLOY / "Dockerfile.dockerignore"),
        ignore_patterns(PROJECT_ROOT / ".dockerignore"),
    )
    assert buildkit == legacy
    assert {".venv", ".postgres", ".env", "node_modules"} <= legacy


def test_it_installs_the_lock_and_groups_that_exist() -> None:
    sync = next(rest for rest in arguments("RUN") if rest.startswith("uv sync"))
    assert "--frozen" in sync  # the lock as it is, never re-resolved
    groups = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["dependency-groups"]
    assert set(re.findall(r"--no-group (\S+)", sync)) <= set(groups)


def test_it_runs_the_charts_jupyterhub_and_the_binder_python() -> None:
    chart = yaml.safe_load((DEPLOY / "chart-4.4.0" / "Chart.yaml").read_text())
    assert f"JUPYTERHUB_VERSION={chart['appVersion']}" in arguments("ARG")
    python = re.match(r"python:(\d+\.\d+)-", arguments("FROM")[0]).group(1)  # type: ignore[union-attr]
    assert (PROJECT_ROOT / "binder" / "runtime.txt").read_text().strip() == f"python-{python}"
    assert any(f"/opt/venv/lib/python{python}/site-packages/" in rest for rest in arguments("RUN"))


def test_it_agrees_with_config_yaml_on_where_the_project_goes() -> None:
    singleuser = yaml.safe_load((DEPLOY / "config.yaml").read_text())["singleuser"]
    copy_command = singleuser["lifecycleHooks"]["postStart"]["exec"]["command"][-1]
    home_copy = re.match(r"test -e (\S+) \|\| ", copy_command).group(1)  # type: ignore[union-attr]
    clean_copy, partial = re.search(r"cp -a (\S+) (\S+) && mv (\S+) (\S+); }$", copy_command).groups()[:2]  # type: ignore[union-attr]
    assert copy_command.endswith(f"mv {partial} {home_copy}; }}") and f"rm -rf {partial} " in copy_command
    assert arguments("WORKDIR")[0] == clean_copy  # where the image keeps the project
    home_copy = home_copy.replace("~", "/home/jovyan")
    assert any(rest.startswith(f"echo {home_copy} > ") for rest in arguments("RUN"))  # lesson_app imported from it
    opened = singleuser["defaultUrl"].removeprefix("/lab/tree/")
    assert opened.startswith(home_copy.removeprefix("/home/jovyan/") + "/")
    assert (PROJECT_ROOT / opened.split("/", 1)[1]).exists(), opened


def run_post_start(home, clean) -> None:
    """config.yaml's postStart command, run by sh as the pod runs it, with `clean` standing for the image's copy."""
    singleuser = yaml.safe_load((DEPLOY / "config.yaml").read_text())["singleuser"]
    shell, flag, script = singleuser["lifecycleHooks"]["postStart"]["exec"]["command"]
    script = script.replace(arguments("WORKDIR")[0], str(clean))
    subprocess.run([shell, flag, script], env={"HOME": str(home), "PATH": "/usr/bin:/bin"}, check=True, timeout=60)


def test_the_first_copy_is_whole_even_after_an_interrupted_one(tmp_path) -> None:
    clean, home = tmp_path / "srv", tmp_path / "home"
    (clean / "notebooks").mkdir(parents=True)
    (clean / "notebooks" / "00_start_here.ipynb").write_text("{}")
    home.mkdir()
    (home / ".request-journey.partial").mkdir()  # a copy cut short by a stopped pod, without its notebooks
    run_post_start(home, clean)
    assert (home / "request-journey" / "notebooks" / "00_start_here.ipynb").read_text() == "{}"
    assert not (home / ".request-journey.partial").exists()
    (home / "request-journey" / "mine.txt").write_text("the learner's work")
    (clean / "notebooks" / "00_start_here.ipynb").write_text('{"new": 1}')  # a new image
    run_post_start(home, clean)
    assert (home / "request-journey" / "mine.txt").exists()  # an existing copy is never overwritten
    assert (home / "request-journey" / "notebooks" / "00_start_here.ipynb").read_text() == "{}"
