"""A run with nothing to do fails and says why, instead of succeeding."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*argv: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "AWS_", "MOLECULE_"))}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", ANSIBLE_NOCOLOR="1", **extra_env)
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False)


def test_an_inventory_that_cannot_be_read_fails_with_its_cause() -> None:
    done = _run(
        "ansible-inventory",
        "-i",
        "inventory/aws_ec2.yml",
        "--graph",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    assert done.returncode != 0, done.stdout
    assert "Unable to locate credentials" in done.stderr
    assert "Completely failed to parse inventory source" in done.stderr


def test_a_play_whose_group_is_empty_fails_naming_the_group_and_the_fix() -> None:
    done = _run("ansible-playbook", "playbooks/drift_schedule.yml")
    assert done.returncode != 0, done.stdout
    flat = " ".join((done.stdout + done.stderr).split())
    assert "No host of this run is in the group awslogs_drift_control" in flat
    assert "docs/scheduling.md" in flat
    assert "skipping: no hosts matched" not in flat


EMPTY_GROUP = """\
all:
  hosts:
    localhost:
      ansible_connection: local
  children:
    awslogs_hosts:
      hosts: {}
"""


def test_an_inventory_without_the_stream_list_fails_naming_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "fleet.yml").write_text(EMPTY_GROUP)
    done = _run("ansible-playbook", "-i", str(tmp_path / "fleet.yml"), "site.yml", "--tags", "agent")
    assert done.returncode != 0, done.stdout
    flat = " ".join((done.stdout + done.stderr).split())
    assert "awslogs_streams, awslogs_region, awslogs_env_name not set by the inventory" in flat
    assert "is undefined" not in flat


def test_site_yml_with_no_host_to_ship_from_fails_naming_the_group_and_the_fix(tmp_path: Path) -> None:
    (tmp_path / "fleet.yml").write_text(EMPTY_GROUP)
    (tmp_path / "group_vars").symlink_to(ROOT / "inventory" / "group_vars")
    done = _run("ansible-playbook", "-i", str(tmp_path / "fleet.yml"), "site.yml", "--tags", "agent")
    assert done.returncode != 0, done.stdout
    flat = " ".join((done.stdout + done.stderr).split())
    assert "No host of this run is in the group awslogs_hosts" in flat
    assert "-i inventory/aws_ec2.yml" in flat
    assert "skipping: no hosts matched" not in flat
