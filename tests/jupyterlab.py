"""JupyterLab started the way the README starts it, for tests: a free port, a known token, nothing fetched from the
internet, nothing written into the project or the home folder, and kernels on the tests' own PostgreSQL server.

The kernels inherit the server's environment, which is this pytest process's: `lesson_app.runtime.pytest_isolation`
has already pointed it at the tests' server (`.postgres/tests/`), so a lesson run here never reaches the learner's.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from lesson_app.config.settings import PROJECT_ROOT, TEST_RUN_VARIABLE
from lesson_app.runtime.ports import free_port

# Settings a learner may change in JupyterLab, set here in a user-settings folder of the test's own.
USER_SETTINGS = {
    # Running cells makes a notebook dirty; an autosave would rewrite the committed notebook with this run's outputs.
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    # No "get Jupyter news?" toast over the page, and no request for news or a newer version.
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    # Every cell in the page, drawn: the tests read each cell's prompt, outputs and diagrams, which JupyterLab's
    # default windowing leaves out of the page until the learner scrolls to them.
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}

OPTIONS = [
    # The server side of the same: no news feed, no version check, and an extension manager that never lists PyPI.
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
    # window.jupyterapp, so that a test can read a notebook's model: the page draws an error output exactly as it
    # draws text written to stderr, so only the model says which outputs are errors.
    "--LabApp.expose_app_in_browser=True",
]


def readme_arguments() -> list[str]:
    """The arguments the README gives `jupyter lab` in its quick start (`--notebook-dir=.` and notebook 00)."""
    readme = (PROJECT_ROOT / "README.md").read_text().splitlines()
    command = next(line for line in readme if "uv run jupyter lab" in line)
    return command.split("#")[0].split("jupyter lab", 1)[1].split()


@dataclass
class JupyterLab:
    """A running JupyterLab server that serves the project folder."""

    port: int
    token: str
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def lab_url(self, path: str) -> str:
        """The address that opens a file of the project in JupyterLab, logged in, in a workspace of its own."""
        # reset: without it the page reopens the tabs an earlier page left, and their notebooks start kernels.
        return f"{self.url}lab/tree/{path}?token={self.token}&reset"

    def api(self, method: str, path: str, timeout: float = 10) -> httpx.Response:
        """Send one request to the server's REST API (`api/...`, `lab/api/...`) with the token."""
        headers = {"Authorization": f"token {self.token}"}
        return httpx.request(method, f"{self.url}{path}", headers=headers, timeout=timeout)

    def kernel_processes(self) -> list[psutil.Process]:
        """The kernels this server started (its children running ipykernel)."""
        children = psutil.Process(self.process.pid).children(recursive=True)
        return [child for child in children if "ipykernel_launcher" in " ".join(child.cmdline())]

    def shut_down_kernels(self) -> None:
        """Shut every kernel down as the Kernel menu does, so none keeps a lesson's ports or databases busy."""
        for kernel in self.api("GET", "api/kernels").json():
            self.api("DELETE", f"api/kernels/{kernel['id']}", timeout=30)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def private_environment(folder: Path) -> dict[str, str]:
    """This process's environment with Jupyter's and IPython's own files kept in `folder`, settings written there."""
    # Without the plugin's redirect the kernels would use the learner's server and rows: refuse rather than risk it.
    assert os.environ.get(TEST_RUN_VARIABLE), "run this through pytest, which points it at the tests' own server"
    dirs = {
        "JUPYTER_CONFIG_DIR": "config",  # no machine-wide or personal config changes what is tested
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_SETTINGS_DIR": "user-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
        "IPYTHONDIR": "ipython",  # each kernel's history database
    }
    environment = {**os.environ, **{name: str(folder / sub) for name, sub in dirs.items()}}
    for plugin, values in USER_SETTINGS.items():
        path = folder / "user-settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    return environment


@contextmanager
def running_jupyterlab(folder: Path, startup_timeout: float = 180) -> Iterator[JupyterLab]:
    """Start JupyterLab at the project root as the README does; shut its kernels and itself down at the end.

    The timeout is generous: on a 2-core machine shared by several test runs, the start alone has taken 72 s.
    """
    port, token, log = free_port(), secrets.token_hex(16), folder / "jupyterlab.log"
    command = [sys.executable, "-m", "jupyterlab", *readme_arguments(), *OPTIONS, "--no-browser", f"--port={port}",
               "--port-retries=0", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}"]  # fmt: skip
    if os.geteuid() == 0:
        command.append("--allow-root")  # as the README says: JupyterLab refuses root otherwise
    # Opening a file makes a .ipynb_checkpoints/ beside it (a fresh clone has none): an absolute folder keeps them
    # in tmp, since jupyter_server joins this setting to the file's folder.
    command.append(f"--FileCheckpoints.checkpoint_dir={folder / 'checkpoints'}")
    environment = private_environment(folder)
    with log.open("w") as log_file:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment, stdout=log_file, stderr=log_file)
    lab = JupyterLab(port, token, process, log)
    try:
        _wait_until_ready(lab, startup_timeout)
        yield lab
    finally:
        shut_down(lab)


def _wait_until_ready(lab: JupyterLab, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if lab.api("GET", "api/status", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if lab.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"JupyterLab did not start; the end of its log:\n{lab.log_tail()}")
        time.sleep(0.3)


def shut_down(lab: JupyterLab) -> None:
    """Shut the kernels down through the API (as the Kernel menu does), then the server; kill what stays."""
    kernels = lab.kernel_processes() if lab.process.poll() is None else []
    try:
        lab.shut_down_kernels()
        lab.api("POST", "api/shutdown")
        lab.process.wait(timeout=30)
    except (httpx.HTTPError, subprocess.TimeoutExpired):
        lab.process.terminate()
        lab.process.wait(timeout=30)
    # Only processes this server started, by pid: a kernel that outlived its server would hold the lesson's ports.
    _, alive = psutil.wait_procs(kernels, timeout=10)
    for kernel in alive:
        kernel.kill()
