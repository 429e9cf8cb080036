"""The GitHub Actions workflows an instructor forks: they pass actionlint, and tests.yml runs what the README says."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import make_url

from tests.tools import node_package

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
LINTER = ROOT / ".ci" / "actionlint.mjs"


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    """Run actionlint's WebAssembly build (through .ci/actionlint.mjs) on `files`."""
    node_package("actionlint")
    node = shutil.which("node")
    assert node is not None  # node_package skipped the test otherwise
    return subprocess.run([node, str(LINTER), *map(str, files)], capture_output=True, text=True, cwd=ROOT, timeout=120)


def readme_test_command() -> str:
    """The README's test command, as the quick start writes it (`uv run pytest`)."""
    line = next(line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("uv run pytest"))
    return line.split("#")[0].strip()


def jobs() -> dict[str, dict]:
    return yaml.safe_load((ROOT / ".github" / "workflows" / "tests.yml").read_text())["jobs"]


def commands(job: dict) -> list[str]:
    """Every command a job's steps run, one per line, in order."""
    return [line.strip() for step in job["steps"] for line in step.get("run", "").splitlines() if line.strip()]


def uses(job: dict, action: str) -> list[dict]:
    """The job's steps that use `action` (any version)."""
    return [step for step in job["steps"] if step.get("uses", "").split("@")[0] == action]


def test_every_workflow_passes_actionlint() -> None:
    assert WORKFLOWS, "no workflow in .github/workflows/"
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(WORKFLOWS)} file(s) checked, 0 problem(s)" in result.stdout


def test_actionlint_fails_on_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = (ROOT / ".github" / "workflows" / "tests.yml").read_text()
    broken.write_text(text.replace("${{ github.ref }}", "${{ github.no_such_property }}", 1))
    result = actionlint(broken)
    assert result.returncode == 1
    assert 'property "no_such_property" is not defined' in result.stdout
    assert f"{broken}:" in result.stdout  # the file and line, so a reader can find it


def test_three_jobs_each_run_the_readme_test_command_once() -> None:
    command = readme_test_command()
    assert command == "uv run pytest"
    # On another server the README runs the tests alone: the notebooks' saved outputs are the embedded server's.
    expected = {"embedded": command, "lowest": command, "service": f"{command} tests"}
    assert set(jobs()) == set(expected)
    for name, job in jobs().items():
        ran = [line for line in commands(job) if line.startswith(command)]
        assert ran == [expected[name]], f"{name} should run `{expected[name]}` once, not {ran}"
        assert job["runs-on"] == "ubuntu-latest"
    readme = (ROOT / "README.md").read_text()
    assert f"`{expected['service']}`" in readme, "the README should say how the tests run on another server"


def test_every_job_caches_uv_on_python_311_and_keeps_the_artefacts() -> None:
    for name, job in jobs().items():
        (setup,) = uses(job, "astral-sh/setup-uv")
        assert setup["with"]["enable-cache"] is True and setup["with"]["python-version"] == "3.11", name
        (upload,) = uses(job, "actions/upload-artifact")
        assert upload["if"] == "always()" and upload["with"]["path"].rstrip("/") == "test-artifacts", name
        assert "npm ci --no-audit --no-fund" in commands(job), name


def test_the_browser_and_node_tools_never_download_a_browser() -> None:
    env = yaml.safe_load((ROOT / ".github" / "workflows" / "tests.yml").read_text())["env"]
    assert env["PUPPETEER_SKIP_DOWNLOAD"] == "1"
    assert env["CHROMIUM"]  # the runner's Chrome, which tests.tools.chromium() finds through it


def test_the_embedded_job_lints_as_ci_run_does() -> None:
    checks = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.startswith("uv run ")]
    assert checks[:3] == ["uv run ruff check .", "uv run ruff format --check .", "uv run mypy"]
    ran = commands(jobs()["embedded"])
    for check in checks[:3]:
        assert check in ran
        assert ran.index(check) < ran.index(readme_test_command()), f"`{check}` should run before the tests"


def test_the_service_is_postgres_with_a_health_check_and_the_run_points_at_it() -> None:
    job = jobs()["service"]
    service = job["services"]["postgres"]
    assert service["image"].split(":")[0] == "postgres"
    assert "--health-cmd" in service["options"] and "pg_isready" in service["options"]
    assert "5432:5432" in service["ports"]
    # The tests ignore DATABASE_URL itself (a learner's own server); TEST_DATABASE_URL becomes their DATABASE_URL.
    url = make_url(job["env"]["TEST_DATABASE_URL"])
    assert (url.host, url.port) in {("localhost", 5432), ("127.0.0.1", 5432)}
    assert (url.username, url.password) == (service["env"]["POSTGRES_USER"], service["env"]["POSTGRES_PASSWORD"])


def test_the_lowest_job_resolves_the_lowest_direct_versions_before_the_tests() -> None:
    job = jobs()["lowest"]
    # UV_RESOLUTION makes `uv run` keep that resolution instead of locking afresh at the highest versions.
    assert job["env"]["UV_RESOLUTION"] == "lowest-direct"
    ran = commands(job)
    assert ran.index("uv lock --resolution lowest-direct") < ran.index(readme_test_command())


@pytest.mark.parametrize("name", ["embedded", "lowest"])
def test_the_other_jobs_run_on_the_embedded_server(name: str) -> None:
    assert "services" not in jobs()[name]
    assert not {"DATABASE_URL", "TEST_DATABASE_URL"} & set(jobs()[name].get("env", {}))
