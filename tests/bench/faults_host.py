"""The host of the fault benchmark: one systemd container converged with site.yml.

The agent talks to the fault proxy (PROXY_PORT), which forwards to moto
(MOTO_PORT); the control-node play and the counter talk to moto directly.
The container stops with SIGRTMIN+3, so a `docker restart` is a clean reboot.
"""

from __future__ import annotations

import json
import subprocess
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from tests.bench import project
from tests.bench.demo import CONTAINER_ARGS, booted
from tests.bench.endpoint import url
from tests.bench.image import image_name
from tests.bench.process import PROJECT_DIR, BenchError, run, state_path, succeeds, tool_env, wait_for

MOTO_PORT, PROXY_PORT = 5110, 5111
NAME = "faults-host"
INSTANCE_ID = "i-0fa000000000000f1"
GROUP_PREFIX = "/aws/elasticbeanstalk/myapp-prd"
BACKEND = "/var/log/containers/backend.log"
NGINX_ACCESS = "/var/log/nginx/access.log"


def group(path: str) -> str:
    """The log group of a default stream's file (the group is named after the file)."""
    return GROUP_PREFIX + path


def _inventory_dir() -> Path:
    directory = state_path("faults")
    directory.mkdir(exist_ok=True)
    link = directory / "group_vars"
    if not link.exists():
        link.symlink_to(project.GROUP_VARS)
    inventory = {
        "all": {
            "hosts": {
                "localhost": {
                    "ansible_connection": "local",
                    "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                    "awslogs_iam_endpoint_url": url(MOTO_PORT),
                    "awslogs_iam_aws_access_key_id": "testing",
                    "awslogs_iam_aws_secret_access_key": "testing",
                    "awslogs_iam_create_role": True,
                }
            },
            "children": {
                "awslogs_hosts": {
                    "hosts": {
                        NAME: {
                            "ansible_connection": "community.docker.docker",
                            "ansible_become": False,
                            "awslogs_instance_id": INSTANCE_ID,
                            "awslogs_endpoint_url": url(PROXY_PORT),
                            "awslogs_aws_access_key_id": "testing",
                            "awslogs_aws_secret_access_key": "testing",
                            "awslogs_pip_environment": {"PIP_CERT": "/usr/local/share/bench-ca.crt"},
                        }
                    }
                }
            },
        }
    }
    (directory / "inventory.yml").write_text(yaml.safe_dump(inventory, sort_keys=False))
    return directory


def start() -> str:
    if not succeeds("docker", "container", "inspect", NAME):
        run(
            "docker", "run", "--detach", "--name", NAME, "--stop-signal", "SIGRTMIN+3",
            *CONTAINER_ARGS, image_name(), "/lib/systemd/systemd",
        )  # fmt: skip
    elif not booted(NAME):
        run("docker", "start", NAME)
    wait_for(f"systemd in {NAME}", partial(booted, NAME), timeout=90)
    return f"host: {NAME} is up"


def remove() -> str:
    run("docker", "rm", "--force", NAME, check=False)
    return f"host: removed {NAME}"


def converge(extra_vars: dict[str, Any] | None = None) -> None:
    """site.yml against the host (and the control node), with these extra variables."""
    directory = _inventory_dir()
    log = directory / "site.log"
    args = ["ansible-playbook", "-i", str(directory / "inventory.yml"), "site.yml"]
    if extra_vars:
        args += ["--extra-vars", json.dumps(extra_vars)]
    with log.open("w") as out:
        done = subprocess.run(args, cwd=PROJECT_DIR, stdout=out, stderr=subprocess.STDOUT, env=tool_env(), check=False)
    if done.returncode != 0:
        raise BenchError(f"site.yml on {NAME} failed; the output is in {log}")


def sh(command: str, *, check: bool = True) -> str:
    return run("docker", "exec", NAME, "sh", "-c", command, check=check).stdout


def write(path: str, content: str) -> None:
    run("docker", "exec", "--interactive", NAME, "sh", "-c", f"cat > {path}", input=content)


def reboot() -> None:
    """docker restart: the stop signal makes it a clean shutdown of the host's systemd."""
    run("docker", "restart", "--time", "30", NAME)
    wait_for(f"systemd in {NAME} after the restart", partial(booted, NAME), timeout=90)
