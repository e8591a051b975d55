"""Stop every process a run started, with a bounded wait.

ansible-runner kills only ansible-playbook's process group, with SIGKILL.
Each Ansible worker calls setsid (a process group of its own), so its workers
and what they run (the module, the local command, the ssh client that holds
the remote command) would live on, without the lock. Here every process group
under this process gets SIGTERM (ansible-playbook then stops its workers the
way it means to), and what is left after the grace period gets SIGKILL.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

# How long the children get to stop after SIGTERM before SIGKILL.
STOP_GRACE_S = 10.0
_PROC = Path("/proc")


def _stat(pid: int) -> tuple[int, int, str] | None:
    """(parent pid, process group, state) of pid, or None when it is gone."""
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name, in parentheses, may hold spaces: the fields follow the last ")".
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[2]), fields[0]


def descendants(root: int) -> dict[int, int]:
    """Every live process under root: pid -> process group."""
    parents: dict[int, list[int]] = {}
    groups: dict[int, int] = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        info = _stat(int(entry.name))
        if info is not None and info[2] != "Z":
            parents.setdefault(info[0], []).append(int(entry.name))
            groups[int(entry.name)] = info[1]
    found: dict[int, int] = {}
    todo = list(parents.get(root, []))
    while todo:
        pid = todo.pop()
        if pid not in found:
            found[pid] = groups[pid]
            todo.extend(parents.get(pid, []))
    return found


def _alive(pid: int) -> bool:
    info = _stat(pid)
    return info is not None and info[2] != "Z"


def _send(pids: dict[int, int], signum: int) -> None:
    """signum to each process group of pids (to the process itself when it shares ours)."""
    own = os.getpgrp()
    for group in {group for group in pids.values() if group != own}:
        with contextlib.suppress(OSError):
            os.killpg(group, signum)
    for pid in (pid for pid, group in pids.items() if group == own):
        with contextlib.suppress(OSError):
            os.kill(pid, signum)


def stop_children(grace_s: float = STOP_GRACE_S) -> list[int]:
    """SIGTERM to every process group under this process, SIGKILL to what is left after grace_s.

    Returns the pids that needed SIGKILL. A process that an orphaned group
    starts meanwhile is still in the group, so it goes with it.
    """
    seen = descendants(os.getpid())
    _send(seen, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while True:
        seen.update(descendants(os.getpid()))
        left = {pid: group for pid, group in seen.items() if _alive(pid)}
        if not left or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    _send(left, signal.SIGKILL)
    return sorted(left)
