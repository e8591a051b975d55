"""Drift-check cost: a check run of site.yml on N converged hosts against the
floor (a one-task ping play, facts off) on the same hosts, in the same run.
Each figure is the median of --repeat runs, the three kinds taken in turn.

    python -m tests.bench cost --hosts 1,4,8,16,32
"""

from __future__ import annotations

import re
import statistics
import subprocess
import tempfile
import time
from functools import partial
from pathlib import Path

import yaml

from tests.bench import endpoint
from tests.bench.demo import CONTAINER_ARGS, booted
from tests.bench.engine import ensure_engine
from tests.bench.image import ensure_image, image_name
from tests.bench.process import PROJECT_DIR, BenchError, run, tool_env, wait_for

PORT = 5106
PING_PLAY = [
    {"name": "Floor", "hosts": "awslogs_hosts", "gather_facts": False, "tasks": [{"ansible.builtin.ping": None}]}
]


def instance_id(index: int) -> str:
    """Each bench host's own literal instance id (i- and 17 hex digits): the metadata address is never asked."""
    return f"i-0c057{index + 1:012x}"


def inventory(names: list[str]) -> dict:
    host_vars = {
        "ansible_connection": "community.docker.docker",
        "ansible_become": False,
        "awslogs_endpoint_url": endpoint.url(PORT),
        "awslogs_aws_access_key_id": "testing",
        "awslogs_aws_secret_access_key": "testing",
        "awslogs_pip_environment": {"PIP_CERT": "/usr/local/share/bench-ca.crt"},
    }
    localhost = {
        "ansible_connection": "local",
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "awslogs_iam_endpoint_url": endpoint.url(PORT),
        "awslogs_iam_aws_access_key_id": "testing",
        "awslogs_iam_aws_secret_access_key": "testing",
        "awslogs_iam_create_role": True,
    }
    hosts = {name: {**host_vars, "awslogs_instance_id": instance_id(i)} for i, name in enumerate(names)}
    return {"all": {"hosts": {"localhost": localhost}, "children": {"awslogs_hosts": {"hosts": hosts}}}}


def _timed(*args: str) -> float:
    started = time.monotonic()
    completed = subprocess.run(args, cwd=PROJECT_DIR, env=tool_env(), capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        raise BenchError(f"{' '.join(args)} failed:\n{completed.stdout[-3000:]}")
    recap = completed.stdout.split("PLAY RECAP")[-1]
    if "--check" in args and any(int(count) for count in re.findall(r"changed=(\d+)", recap)):
        raise BenchError(f"a check run on converged hosts reported changes:\n{recap}")
    return elapsed


INOTIFY_LIMIT = Path("/proc/sys/fs/inotify/max_user_instances")
# What one booted systemd container holds (systemd, journald, udev, logind): measured 4.5.
INOTIFY_PER_CONTAINER = 5


def inotify_in_use() -> int:
    """The inotify instances every process holds (the bench runs as root, whose limit it is)."""
    count = 0
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            count += sum(1 for fd in fd_dir.iterdir() if fd.readlink().name == "anon_inode:inotify")
        except OSError:
            continue  # a process that ended, or one we may not read
    return count


def inotify_shortfall(containers: int, limit: int, in_use: int) -> str | None:
    """Why the machine cannot boot this many more systemd containers, or None."""
    needed = containers * INOTIFY_PER_CONTAINER
    if limit - in_use >= needed:
        return None
    return (
        f"{containers} systemd containers need about {needed} inotify instances, and fs.inotify.max_user_instances "
        f"is {limit} with {in_use} in use: the containers past the limit exit at once (status 255, no output). "
        f"Raise it: sysctl -w fs.inotify.max_user_instances={max(1024, in_use + needed)}"
    )


def _start(names: list[str]) -> None:
    for name in names:
        run("docker", "rm", "--force", name, check=False)
    shortfall = inotify_shortfall(len(names), int(INOTIFY_LIMIT.read_text()), inotify_in_use())
    if shortfall:
        raise BenchError(shortfall)
    for name in names:
        run("docker", "run", "--detach", "--name", name, *CONTAINER_ARGS, image_name(), "/lib/systemd/systemd")
    for name in names:
        wait_for(
            f"systemd in {name}",
            partial(booted, name),
            timeout=120,
        )


def measure(counts: list[int], repeat: int = 3) -> list[str]:
    names = [f"cost-host-{index:02d}" for index in range(max(counts))]
    for line in (ensure_engine(), ensure_image(), endpoint.start(PORT)):
        print(line, flush=True)
    print(
        f"starting {len(names)} host containers ({names[0]}..{names[-1]}, {image_name()}) and converging them "
        "with site.yml (the first run installs the agent: a minute or two)",
        flush=True,
    )
    lines = ["hosts  check site.yml  check --tags agent  ping floor  site/floor  agent/floor"]
    try:
        _start(names)
        with tempfile.TemporaryDirectory() as workdir:
            work = Path(workdir)
            (work / "group_vars").symlink_to(PROJECT_DIR / "inventory" / "group_vars")
            (work / "ping.yml").write_text(yaml.safe_dump(PING_PLAY))
            hosts = work / "hosts.yml"
            hosts.write_text(yaml.safe_dump(inventory(names)))
            _timed("ansible-playbook", "-i", str(hosts), "site.yml")
            for count in counts:
                limit = ",".join(["localhost", *names[:count]])
                runs = {
                    "site": ("site.yml", "--check", "--diff"),
                    "agent": ("site.yml", "--check", "--diff", "--tags", "agent"),
                    "floor": (str(work / "ping.yml"),),
                }
                times: dict[str, list[float]] = {kind: [] for kind in runs}
                for _round in range(repeat):
                    for kind, playbook in runs.items():
                        times[kind].append(_timed("ansible-playbook", "-i", str(hosts), *playbook, "-l", limit))
                site, agent, floor = (statistics.median(times[kind]) for kind in runs)
                ratios = f"{site / floor:10.2f}  {agent / floor:11.2f}"
                lines.append(f"{count:5d}  {site:13.1f}s  {agent:17.1f}s  {floor:9.1f}s  {ratios}")
                print(lines[-1], flush=True)
    finally:
        for name in names:
            run("docker", "rm", "--force", name, check=False)
        endpoint.stop(PORT)
    return lines
