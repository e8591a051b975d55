"""Make sure a Docker engine answers: install and start one when none does.

The engine the bench starts has no bridge and leaves iptables alone; the
containers use host networking, so the only traffic is on 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.bench.process import BenchError, run, state_path, succeeds, wait_for

DOCKERD_ARGS = ("--bridge=none", "--iptables=false", "--ip6tables=false")


def engine_answers() -> bool:
    return succeeds("docker", "info")


def _debian_like() -> bool:
    try:
        release = Path("/etc/os-release").read_text()
    except OSError:
        return False
    return any(word in release for word in ("ID=debian", "ID=ubuntu", "ID_LIKE=debian"))


def _install_engine() -> None:
    if os.geteuid() != 0 or not _debian_like():
        raise BenchError(
            "No Docker engine answers. Install and start one (https://docs.docker.com/engine/install/), "
            "or run the bench as root on Debian/Ubuntu, where it installs docker.io itself."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print("bench: installing docker.io with apt-get", flush=True)
    run("apt-get", "update", "-q", env=env)
    run("apt-get", "install", "-y", "-q", "docker.io", env=env)


def ensure_engine() -> str:
    if engine_answers():
        return "engine: a Docker engine answers"
    if shutil.which("dockerd") is None:
        _install_engine()
    if os.geteuid() != 0:
        raise BenchError("No Docker engine answers and starting dockerd needs root: start it, then try again.")
    log = state_path("dockerd.log").open("ab")
    subprocess.Popen(
        ["dockerd", *DOCKERD_ARGS],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_for("dockerd (log: .cache/bench/dockerd.log)", engine_answers, timeout=60)
    return "engine: started dockerd " + " ".join(DOCKERD_ARGS)
