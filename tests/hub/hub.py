"""A real JupyterHub on loopback for the hub test: its configuration, its process, and the REST calls made to it.

The `jupyterhub` command runs with a `jupyterhub_config.py` written into tmp: the hub, its API and
configurable-http-proxy's API on free ports of 127.0.0.1, cookie secret, database and pid files in tmp,
DummyAuthenticator, and a service token whose role may create users, start their servers and reach them.
LocalProcessSpawner (JupyterHub's default) runs each learner's server as that learner's system user.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from lesson_app.runtime.ports import free_port

SERVICE = "hub-test"
SCOPES = ["admin:users", "admin:servers", "access:servers"]  # make users, start their servers, use them
CONFIG = """\
import json
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {proxy_pid!r}
c.JupyterHub.pid_file = {hub_pid!r}
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.db_url = {db!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.services = [{{"name": {service!r}, "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": {service!r}, "scopes": {scopes!r}, "services": [{service!r}]}}]
c.Spawner.cmd = [{python!r}, "-m", "jupyterhub.singleuser"]
c.Spawner.env_keep = ["LANG", "LC_ALL"]
c.Spawner.start_timeout = c.Spawner.http_timeout = 300  # a busy 2-core machine starts three servers at once
LEARNERS = json.loads({learners!r})


def learner_environment(spawner):
    spawner.environment.update(LEARNERS[spawner.user.name])


c.Spawner.pre_spawn_hook = learner_environment
"""


@dataclass
class Hub:
    url: str
    token: str
    config: Path

    def client(self) -> httpx.AsyncClient:
        # The hub answers a spawn request after up to slow_spawn_timeout (10 s), more on a busy machine.
        headers = {"Authorization": f"token {self.token}"}
        return httpx.AsyncClient(base_url=f"{self.url}/hub/api", headers=headers, timeout=120)


def write_config(folder: Path, proxy: Path, python: Path, learners: dict[str, dict[str, str]]) -> Hub:
    """Write `jupyterhub_config.py` into `folder` (root's alone: it holds passwords); return the hub to run."""
    port, token = free_port(), secrets.token_hex(32)
    text = CONFIG.format(
        port=port,
        hub_port=free_port(),
        proxy_api_port=free_port(),
        proxy=str(proxy),
        proxy_pid=str(folder / "proxy.pid"),
        hub_pid=str(folder / "hub.pid"),
        cookie=str(folder / "cookie_secret"),
        db=f"sqlite:///{folder / 'jupyterhub.sqlite'}",  # the hub's own state, as a default hub keeps it
        service=SERVICE,
        token=token,
        scopes=SCOPES,
        python=str(python),
        learners=json.dumps(learners),
    )
    config = folder / "jupyterhub_config.py"
    config.touch(mode=0o600)
    config.write_text(text)
    return Hub(f"http://127.0.0.1:{port}", token, config)


@contextmanager
def running_hub(hub: Hub, log: Path) -> Iterator[Hub]:
    """Run `jupyterhub -f config` until the block ends, then stop it, its proxy and the servers it spawned."""
    config = hub.config
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=config.parent,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        _wait_until_answering(hub.url, process, log)
        yield hub
    finally:
        _stop(process, config.parent / "proxy.pid")


def _wait_until_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"jupyterhub exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        with suppress(httpx.HTTPError):
            if httpx.get(f"{url}/hub/api/", timeout=5).status_code == 200:
                return
        time.sleep(0.5)
    raise AssertionError(f"jupyterhub did not answer at {url} within 180 s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen, proxy_pid: Path) -> None:
    """SIGTERM: the hub stops the learners' servers and its proxy itself (cleanup_servers); check, by pid."""
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if proxy_pid.exists():
        with suppress(psutil.Error, ValueError):
            proxy = psutil.Process(int(proxy_pid.read_text()))
            if "configurable-http-proxy" in " ".join(proxy.cmdline()):
                proxy.kill()


async def add_users(hub: Hub, names: list[str]) -> None:
    async with hub.client() as client:
        response = await client.post("/users", json={"usernames": names})
        assert response.status_code == 201, response.text


async def start_server(hub: Hub, name: str, timeout: float = 300) -> float:
    """Start `name`'s server through the REST API and wait until the hub says it is ready; return the seconds."""
    started = time.monotonic()
    async with hub.client() as client:
        response = await client.post(f"/users/{name}/server")
        assert response.status_code in (201, 202), f"{name}: {response.status_code} {response.text}"
        while time.monotonic() - started < timeout:
            user = (await client.get(f"/users/{name}")).json()
            if user["servers"].get("", {}).get("ready"):
                return time.monotonic() - started
            await asyncio.sleep(0.5)
    raise AssertionError(f"{name}'s server was not ready within {timeout} s")


async def stop_server(hub: Hub, name: str) -> None:
    async with hub.client() as client:
        response = await client.delete(f"/users/{name}/server")
        assert response.status_code in (202, 204), f"{name}: {response.status_code} {response.text}"
