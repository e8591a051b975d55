"""Drift-check cost: a check run of site.yml on N converged hosts against the
floor (a one-task ping play, facts off) on the same hosts, in the same run.

    python -m tests.bench cost --hosts 1,4,8,16
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from functools import partial
from pathlib import Path

import yaml

from tests.bench import endpoint
from tests.bench.demo import CONTAINER_ARGS, booted
from tests.bench.image import image_name
from tests.bench.process import PROJECT_DIR, BenchError, run, wait_for

PORT = 5106
PING_PLAY = [
    {"name": "Floor", "hosts": "awslogs_hosts", "gather_facts": False, "tasks": [{"ansible.builtin.ping": None}]}
]


def _inventory(names: list[str]) -> dict:
    host_vars = {
        "ansible_connection": "community.docker.docker",
        "ansible_become": False,
        "awslogs_instance_id": "i-0c0s7000000000001",
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
    return {
        "all": {
            "hosts": {"localhost": localhost},
            "children": {"awslogs_hosts": {"hosts": {name: dict(host_vars) for name in names}}},
        }
    }


def _timed(*args: str) -> float:
    started = time.monotonic()
    completed = subprocess.run(args, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        raise BenchError(f"{' '.join(args)} failed:\n{completed.stdout[-3000:]}")
    recap = completed.stdout.split("PLAY RECAP")[-1]
    if "--check" in args and any(int(count) for count in re.findall(r"changed=(\d+)", recap)):
        raise BenchError(f"a check run on converged hosts reported changes:\n{recap}")
    return elapsed


def _start(names: list[str]) -> None:
    for name in names:
        run("docker", "rm", "--force", name, check=False)
        run("docker", "run", "--detach", "--name", name, *CONTAINER_ARGS, image_name(), "/lib/systemd/systemd")
    for name in names:
        wait_for(
            f"systemd in {name}",
            partial(booted, name),
            timeout=120,
        )


def measure(counts: list[int]) -> list[str]:
    names = [f"cost-host-{index:02d}" for index in range(max(counts))]
    endpoint.start(PORT)
    _start(names)
    lines = ["hosts  check site.yml  check --tags agent  ping floor  ratio(agent/floor)"]
    try:
        with tempfile.TemporaryDirectory() as workdir:
            work = Path(workdir)
            (work / "group_vars").symlink_to(PROJECT_DIR / "inventory" / "group_vars")
            (work / "ping.yml").write_text(yaml.safe_dump(PING_PLAY))
            inventory = work / "hosts.yml"
            inventory.write_text(yaml.safe_dump(_inventory(names)))
            _timed("ansible-playbook", "-i", str(inventory), "site.yml")
            for count in counts:
                limit = ",".join(["localhost", *names[:count]])
                site = _timed("ansible-playbook", "-i", str(inventory), "site.yml", "--check", "--diff", "-l", limit)
                agent = _timed(
                    "ansible-playbook", "-i", str(inventory), "site.yml", "--check", "--diff", "--tags", "agent",
                    "-l", limit,
                )  # fmt: skip
                floor = _timed("ansible-playbook", "-i", str(inventory), str(work / "ping.yml"), "-l", limit)
                lines.append(f"{count:5d}  {site:13.1f}s  {agent:17.1f}s  {floor:9.1f}s  {agent / floor:8.1f}")
    finally:
        for name in names:
            run("docker", "rm", "--force", name, check=False)
        endpoint.stop(PORT)
    return lines
