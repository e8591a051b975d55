"""Stopping a run's processes: every process group under the runner, SIGKILL after a bounded wait."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]

# A parent that starts what Ansible starts: a worker in a session of its own
# (setsid) whose child ignores SIGTERM, and a plain child; then stops them all.
TREE = """
import json, os, subprocess, sys, time
from awslogs_drift.children import descendants, stop_children

stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(300)"
starter = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {stubborn!r}]); time.sleep(300)"
worker = subprocess.Popen([sys.executable, "-c", starter], start_new_session=True)
plain = subprocess.Popen(["sleep", "300"])
deadline = time.monotonic() + 30
while len(descendants(os.getpid())) < 3:
    assert time.monotonic() < deadline
    time.sleep(0.05)
tree = sorted(descendants(os.getpid()))
time.sleep(0.5)  # the stubborn child has set its handler
started = time.monotonic()
killed = stop_children(grace_s=float(sys.argv[1]))
print(json.dumps({"tree": tree, "killed": killed, "seconds": time.monotonic() - started,
                  "worker": worker.pid, "plain": plain.pid}))
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_every_process_group_under_the_runner_is_stopped_sigkill_after_the_grace() -> None:
    done = subprocess.run(
        [sys.executable, "-c", TREE, "1"],
        env={**os.environ, "PYTHONPATH": str(PROJECT_DIR)},
        capture_output=True,
        text=True,
        check=True,
        timeout=20,
    )
    stopped = json.loads(done.stdout)
    assert len(stopped["tree"]) == 3, stopped  # the worker, its stubborn child, the plain child
    # The worker and the plain child go on SIGTERM; the child that ignores it needs SIGKILL, after the grace.
    (stubborn,) = set(stopped["tree"]) - {stopped["worker"], stopped["plain"]}
    assert stopped["killed"] == [stubborn]
    assert 1.0 <= stopped["seconds"] < 5
    time.sleep(0.5)
    assert [pid for pid in stopped["tree"] if _alive(pid)] == []
