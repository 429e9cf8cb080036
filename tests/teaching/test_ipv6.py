"""Without an IPv6 loopback (many containers), the cells that use ::1 say so in one sentence and the lesson goes on.

Proved for real: each test runs in a network namespace of its own (`unshare -n`), whose loopback is up with
IPv6 switched off, so `::1` does not exist there. The namespace ends with the last process in it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import nbformat
import pytest

from lesson_app.config.settings import PROJECT_ROOT
from lesson_app.teaching.ipv6 import NO_IPV6_LOOPBACK
from tests.conftest import SERVER_URL_VARIABLES, copy_data_folder

WITHOUT_IPV6 = "ip link set lo up && sysctl -qw net.ipv6.conf.lo.disable_ipv6=1 && "


def _namespaces_work() -> str | None:
    """Return why a namespace without ::1 cannot be made here, or None when it can."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "needs the unshare and ip commands (util-linux, iproute2)"
    probe = subprocess.run(["unshare", "-n", "sh", "-c", WITHOUT_IPV6 + "true"], capture_output=True, text=True)
    return None if probe.returncode == 0 else f"cannot make a network namespace here: {probe.stderr.strip()}"


pytestmark = pytest.mark.skipif(_namespaces_work() is not None, reason=str(_namespaces_work()))


def _without_ipv6(command: str, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["unshare", "-n", "sh", "-c", WITHOUT_IPV6 + command],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PROJECT_ROOT,
        # Embedded only: a server by URL (TEST_DATABASE_URL, the service job's) is unreachable from the namespace.
        env={key: value for key, value in os.environ.items() if key not in SERVER_URL_VARIABLES},
    )


def test_a_server_on_ipv6_loopback_says_there_is_none() -> None:
    script = textwrap.dedent("""
        from fastapi import FastAPI
        from lesson_app import ipv6_loopback, start_server
        with ipv6_loopback():
            start_server(FastAPI(), host="::1", port=0)
            print("started")
        print("went on")
    """)
    result = _without_ipv6(f"{sys.executable} -c '{script}'", timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [NO_IPV6_LOOPBACK, "went on"]


def _errors_and_texts(notebook: Path) -> tuple[list[str], str]:
    cells = nbformat.read(notebook, as_version=4).cells
    outputs = [output for cell in cells for output in cell.get("outputs", [])]
    errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in outputs if o.output_type == "error"]
    return errors, "".join(o.get("text", "") for o in outputs if o.output_type == "stream")


def test_lessons_02_and_03_run_to_the_end_without_ipv6_loopback(pg_data_template: Path) -> None:
    # Not pytest's tmp_path: the PostgreSQL system user (when we are root) must be able to enter the folder.
    root = Path(tempfile.mkdtemp(prefix="rj-noipv6-"))
    root.chmod(0o755)
    # A PostgreSQL of its own (the tests' server is on another loopback), started inside the namespace by the first
    # notebook, from a copy of the run's initdb (initdb is not what this test is about).
    copy_data_folder(pg_data_template, root / "pg")
    env = f"PG_DIR={root / 'pg'}"
    notebooks = [PROJECT_ROOT / "notebooks" / name for name in ("02_dns_and_ip.ipynb", "03_ports.ipynb")]
    try:
        result = _without_ipv6(
            f"{env} {sys.executable} -m nbconvert --to notebook --execute --output-dir {root} "
            f"{' '.join(map(str, notebooks))}; status=$?; {env} {sys.executable} -m lesson_app db stop; exit $status",
            timeout=600,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        for notebook in notebooks:
            errors, text = _errors_and_texts(root / notebook.name)
            assert errors == [], notebook.name
            assert NO_IPV6_LOOPBACK in text, notebook.name
    finally:
        shutil.rmtree(root, ignore_errors=True)
