"""The learners of the hub test: system users with homes in tmp, and a Python environment they may run.

JupyterHub's LocalProcessSpawner runs each learner's server as the system user of that name, so each learner
here is a real user (`useradd`), removed afterwards. That user must run this project's environment: root's Python
may sit in /root (pyenv's, uv's), which no one else may enter, and a checkout may sit in a mode-700 folder (`.ci/run`
clones into `mktemp -d`). So the learners get a small virtual environment in tmp, made by a Python of the same
version that they can run, which reads the project's own site-packages; a mode-700 folder above the project, if it
is in tmp, is opened for traversal (o+x, not read) while the test runs, and closed again.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import psutil
import pytest

from lesson_app.config.settings import PROJECT_ROOT


def skip_unless_possible() -> None:
    """Skip the test, saying exactly why, when this machine cannot make learners' system users."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("the hub test runs each learner's server as a system user of its own: run it as root")
    for tool in ("useradd", "userdel"):
        if shutil.which(tool) is None:
            pytest.skip(f"the hub test makes system users with {tool}, which is not installed (Debian: `passwd`)")


def learner_python() -> str:
    """A Python of this environment's version that any user may run, or skip saying how to get one."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for folder in ("/usr/bin", "/usr/local/bin"):
        candidate = Path(folder) / version
        if candidate.exists() and _everyone_reaches(candidate):
            return str(candidate)
    pytest.skip(f"no {version} outside /root that the learners' users may run: `apt-get install {version}`")


def _everyone_reaches(path: Path) -> bool:
    return all(folder.stat().st_mode & stat.S_IXOTH for folder in [*path.resolve().parents, path.resolve()])


def make_environment(folder: Path) -> Path:
    """Make a virtual environment in `folder` whose Python reads this project's packages; return its python."""
    subprocess.run([learner_python(), "-m", "venv", "--without-pip", str(folder)], check=True)
    packages = sysconfig.get_paths()["purelib"]  # the project's .venv, with lesson_app's editable .pth in it
    ask = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(subprocess.check_output([folder / "bin" / "python", "-c", ask], text=True).strip())
    # addsitedir, not a plain path: the project's own .pth files (the editable lesson_app) must be read too.
    (site / "request_journey_project.pth").write_text(f"import site; site.addsitedir({packages!r})\n")
    return folder / "bin" / "python"


@contextmanager
def project_reachable() -> Iterator[None]:
    """Let other users traverse the folders above the project while the test runs; skip if one is outside tmp."""
    closed = [folder for folder in PROJECT_ROOT.parents if not folder.stat().st_mode & stat.S_IXOTH]
    temporary = Path(tempfile.gettempdir()).resolve()
    outside = [folder for folder in closed if temporary not in folder.resolve().parents]
    if outside:
        pytest.skip(f"the learners' users cannot enter {outside[0]}, which holds the project: clone it elsewhere")
    modes = {folder: folder.stat().st_mode for folder in closed}
    for folder, mode in modes.items():
        folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
    try:
        yield
    finally:
        for folder, mode in modes.items():
            folder.chmod(stat.S_IMODE(mode))


@contextmanager
def system_users(names: list[str], homes: Path) -> Iterator[dict[str, Path]]:
    """Make a system user per name, with a home under `homes`; remove them all afterwards, whatever happened."""
    made: dict[str, Path] = {}
    try:
        for name in names:
            home = homes / name
            subprocess.run(
                ["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/sh", "--user-group", name],
                check=True,
                capture_output=True,
            )
            made[name] = home
        yield made
    finally:
        for name, home in made.items():
            _stop_processes_of(pwd.getpwnam(name).pw_uid)
            subprocess.run(["userdel", "--remove", name], capture_output=True)  # refused while it runs anything
            shutil.rmtree(home, ignore_errors=True)


def _stop_processes_of(uid: int) -> None:
    """Kill, by pid, what a learner made here still runs (a kernel the hub lost track of): userdel needs none."""
    theirs = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid]
    for process in theirs:
        with suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(theirs, timeout=5)


def give(home: Path, name: str, files: list[Path], into: str) -> None:
    """Copy `files` into `home`/`into`, owned by the learner, as if they had downloaded them."""
    target = home / into
    target.mkdir(exist_ok=True)
    for file in files:
        shutil.copy(file, target / file.name)
    user = pwd.getpwnam(name)
    for path in (target, *target.iterdir()):
        os.chown(path, user.pw_uid, user.pw_gid)
