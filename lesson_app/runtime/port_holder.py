"""Which program listens on a port, in words a learner can act on: a Jupyter kernel, `uvicorn ...`, a pid.

Only asked after a port turned out to be taken, because listing every socket of the machine costs ~50 ms.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import psutil


@dataclass(frozen=True)
class Holder:
    """The program that listens on a port: what a learner would call it, and its process id."""

    what: str
    pid: int
    kernel: bool = False

    def __str__(self) -> str:
        return f"{self.what} (pid {self.pid})"

    @property
    def how_to_stop(self) -> str:
        """Where that program is stopped: its kernel's menu, its terminal, or by its pid."""
        if self.kernel:
            return f"shut that kernel down (Kernel > Shut Down Kernel in its notebook) or run `kill {self.pid}`"
        return f"press Ctrl+C in the terminal that runs it, or run `kill {self.pid}`"


def _listening_pids(port: int) -> set[int]:
    """The processes with a listening TCP socket on `port` (on any address) that we may see."""
    try:
        connections = psutil.net_connections(kind="tcp")
    except psutil.AccessDenied:  # macOS lists other processes' sockets to the administrator only
        return set()
    pids = set()
    for connection in connections:
        address = connection.laddr  # an empty tuple for a socket with no address yet
        if connection.status == psutil.CONN_LISTEN and connection.pid and getattr(address, "port", None) == port:
            pids.add(connection.pid)
    return pids


def _describe(process: psutil.Process) -> Holder:
    """Name a process as a learner met it: the kernel of a notebook, the command typed in a terminal."""
    try:
        words = process.cmdline() or [process.name()]
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return Holder("a program", process.pid)
    if any("ipykernel" in word for word in words):
        return Holder("a Jupyter kernel", process.pid, kernel=True)
    typed = next((i for i, word in enumerate(words) if word.endswith(("/uvicorn", "uvicorn"))), None)
    if typed is not None:  # `uv run uvicorn ...` runs .venv/bin/uvicorn: show what was typed, not the path
        words = ["uvicorn", *words[typed + 1 :]]
    shown = " ".join(words)
    return Holder(f"`{shown if len(shown) <= 80 else shown[:77] + '...'}`", process.pid)


def port_holder(port: int) -> Holder | None:
    """Return the program listening on `port`, or None when the system does not say.

    `uvicorn --reload` serves from a child process it restarts at each change; the reloader, its parent, is
    the one to name and stop: Ctrl+C in its terminal stops both.
    """
    pids = _listening_pids(port)
    for pid in sorted(pids):
        try:
            process = psutil.Process(pid)
            if process.ppid() in pids:
                continue
            return _describe(_reloader_of(process) or process)
        except psutil.NoSuchProcess:
            continue
    return None


def _reloader_of(process: psutil.Process) -> psutil.Process | None:
    """The `uvicorn --reload` that started this server process, if it is one (it listens through its child)."""
    try:
        if "multiprocessing.spawn" not in " ".join(process.cmdline()):
            return None
        parent = process.parent()
        return parent if parent is not None and "--reload" in parent.cmdline() else None
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def in_use_message(host: str, port: int, ours: str | None = None) -> str:
    """Say in one sentence who holds host:port (`ours`: this notebook's server of that name) and what to do."""
    holder = None if ours is not None else port_holder(port)
    if ours is not None:
        who, stop = f"this notebook's server {ours!r}", "stop that one first"
    elif holder is not None and holder.pid == os.getpid():
        who, stop = "a socket this process opened itself", "close that socket first"
    elif holder is not None:
        who, stop = str(holder), holder.how_to_stop
    else:
        who, stop = "another program", "stop that program first"
    return (
        f"{host}:{port} is already in use by {who}, so a second server cannot listen there: "
        f"{stop}, or pick another port, e.g. start_server(app, port={port + 1})."
    )
