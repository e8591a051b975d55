"""Docker's own awslogs logging driver, measured with the same writer and counter.

It runs on a second Docker engine of the bench's own (its own socket, data
root and exec root, no bridge, no iptables), so that an engine restart does
not touch the shared engine's containers, and so that the driver's
credentials live in that engine's environment only: nothing is written to
root's ~/.aws.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

from tests.bench.endpoint import REGION, url
from tests.bench.engine import DOCKERD_ARGS
from tests.bench.faults_host import PROXY_PORT
from tests.bench.image import image_name
from tests.bench.process import BenchError, pid_alive, run, state_path, succeeds, wait_for
from tests.bench.sequence import WRITER, WriterSpec

SOCKET = "unix:///run/faults-docker.sock"
DATA_ROOT = "/var/lib/faults-docker"
EXEC_ROOT = "/run/faults-docker"
CONTAINER = "faults-driver"
GROUP = "/faults/docker-awslogs-driver"
STREAM = CONTAINER


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run("docker", "-H", SOCKET, *args, check=check)


def _answers() -> bool:
    return succeeds("docker", "-H", SOCKET, "info")


def _pidfile():
    return state_path("faults-dockerd.pid")


# The dockerd this process started: waited for on stop (a stopped child stays a zombie until then).
_started: list[subprocess.Popen] = []


def start_engine() -> str:
    if _answers():
        return f"driver engine: {SOCKET} answers"
    log = state_path("faults-dockerd.log").open("ab")
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    process = subprocess.Popen(
        [
            "dockerd", *DOCKERD_ARGS, "--host", SOCKET, "--data-root", DATA_ROOT, "--exec-root", EXEC_ROOT,
            "--pidfile", f"{EXEC_ROOT}.pid",
        ],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True,
    )  # fmt: skip
    _pidfile().write_text(str(process.pid))
    _started.append(process)
    wait_for("the driver's dockerd (log: .cache/bench/faults-dockerd.log)", _answers, timeout=60)
    if docker("image", "inspect", image_name(), check=False).returncode != 0:
        save = subprocess.Popen(["docker", "save", image_name()], stdout=subprocess.PIPE)
        loaded = subprocess.run(["docker", "-H", SOCKET, "load"], stdin=save.stdout, capture_output=True, check=False)
        save.wait()
        if loaded.returncode != 0:
            raise BenchError(f"could not load {image_name()} into the driver's engine: {loaded.stderr!r}")
    return f"driver engine: started dockerd on {SOCKET}"


def stop_engine() -> str:
    pidfile = _pidfile()
    if not pidfile.exists():
        return "driver engine: not started"
    pid = int(pidfile.read_text())
    ours = [process for process in _started if process.pid == pid]
    if ours:
        ours[0].terminate()
        ours[0].wait(timeout=60)
        _started.remove(ours[0])
    elif pid_alive(pid):
        os.kill(pid, signal.SIGTERM)
        wait_for("the driver's dockerd to stop", lambda: not pid_alive(pid), timeout=60)
    pidfile.unlink()
    return f"driver engine: stopped {SOCKET}"


def restart_engine() -> None:
    stop_engine()
    start_engine()


def ledger_dir() -> str:
    directory = state_path("faults-driver")
    directory.mkdir(exist_ok=True)
    return str(directory)


def start_writer(run_id: str, rate: float, duration_s: float, size: int = 100) -> None:
    """The writer is the container's main process; its stdout goes to the awslogs driver."""
    docker("rm", "--force", CONTAINER, check=False)
    spec = WriterSpec(None, run_id, rate, time.time() + duration_s, size, f"/ledger/{run_id}.next")
    docker(
        "run", "--detach", "--name", CONTAINER, "--network", "host", "--restart", "always",
        "--log-driver", "awslogs",
        "--log-opt", f"awslogs-endpoint={url(PROXY_PORT)}",
        "--log-opt", f"awslogs-region={REGION}",
        "--log-opt", f"awslogs-group={GROUP}",
        "--log-opt", f"awslogs-stream={STREAM}",
        "--log-opt", "awslogs-create-group=true",
        "--volume", f"{WRITER}:/bench/sequence_writer.py:ro",
        "--volume", f"{ledger_dir()}:/ledger",
        image_name(), "python3", "/bench/sequence_writer.py", *spec.args(), "--linger",
    )  # fmt: skip


def written(run_id: str) -> int:
    try:
        with open(f"{ledger_dir()}/{run_id}.next") as ledger:
            return int(ledger.read().strip() or 0)
    except FileNotFoundError:
        return 0


def restart_container() -> None:
    docker("restart", "--time", "10", CONTAINER)


def remove_container() -> None:
    docker("rm", "--force", CONTAINER, check=False)
