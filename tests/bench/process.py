"""Small helpers shared by the bench commands: run, wait, state directory."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
STATE_DIR = Path(os.environ.get("AWSLOGS_BENCH_STATE", PROJECT_DIR / ".cache" / "bench"))


class BenchError(RuntimeError):
    """A bench step failed; the message says what to do."""


def state_path(name: str) -> Path:
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    return STATE_DIR / name


def tool_env() -> dict[str, str]:
    """The environment with this Python's bin first: the venv's ansible-playbook, also from a plain shell."""
    return {**os.environ, "PATH": os.pathsep.join((str(Path(sys.executable).parent), os.environ.get("PATH", "")))}


def run(*args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=check, text=True, capture_output=True, **kwargs)


def succeeds(*args: str) -> bool:
    if shutil.which(args[0]) is None:
        return False
    return subprocess.run(args, capture_output=True, check=False).returncode == 0


def listening(host: str, port: int) -> bool:
    """Something accepts connections on host:port."""
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


def wait_for(what: str, ready: Callable[[], bool], timeout: float, interval: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise BenchError(f"{what} was not ready after {timeout:.0f} s")
        time.sleep(interval)


def start_recorded(name: str, args: list[str], env: dict[str, str] | None = None) -> None:
    """Start a server in its own session, output to .cache/bench/NAME.log, its pid in NAME.pid."""
    log = state_path(f"{name}.log").open("ab")
    process = subprocess.Popen(
        args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True
    )
    state_path(f"{name}.pid").write_text(str(process.pid))


def stop_recorded(pidfile: Path) -> bool:
    """Stop the process group whose leader's pid the file holds (SIGTERM, then SIGKILL); False if none was."""
    if not pidfile.exists():
        return False
    pid = int(pidfile.read_text())
    if pid_alive(pid):
        os.killpg(pid, signal.SIGTERM)
        try:
            wait_for(f"process {pid} to stop", lambda: not pid_alive(pid), timeout=10)
        except BenchError:
            os.killpg(pid, signal.SIGKILL)
    pidfile.unlink()
    return True


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
