"""awslogs_agent: cloudwatch-agent on a Debian host (this machine, connection local): the task flow in check
mode, with the install and the translator check reported and skipped, and a real run that stops before anything
changes. No AL2023 image and no agent binary are on the bench (docs/agent.md, platform table)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.bench.eb_bundle import ansible_env
from tests.bench.process import PROJECT_DIR

CONFIG = Path("/opt/aws/amazon-cloudwatch-agent/etc/awslogs-ops.json")
PLAY = """\
- name: The awslogs role with the unified agent
  hosts: localhost
  connection: local
  gather_facts: false
  roles:
    - role: awslogs_ops.awslogs.awslogs
      awslogs_agent: cloudwatch-agent
"""


def run_role(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "play.yml").write_text(PLAY)
    argv = ["ansible-playbook", str(tmp_path / "play.yml"), "-e", "@inventory/group_vars/all/awslogs.yml", *args]
    return subprocess.run(
        argv, cwd=PROJECT_DIR, env=ansible_env(), capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module", autouse=True)
def no_agent_here():
    assert not Path("/opt/aws/amazon-cloudwatch-agent").exists(), "this test expects a host without the agent"
    yield
    assert not Path("/opt/aws/amazon-cloudwatch-agent").exists(), "the role wrote on the host"


def test_check_mode_reports_the_skipped_install_and_shows_the_configuration(tmp_path):
    done = run_role(tmp_path, "--check", "--diff")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    flat = " ".join(done.stdout.split())
    assert "install skipped: Debian 12 has no amazon-cloudwatch-agent package" in flat
    assert "translator check skipped" in flat
    assert f"+++ after: {CONFIG}" in done.stdout
    assert '+ "multi_line_start_pattern": "{timestamp_format}",' in flat
    # The backend stream's initial_position is named, not dropped.
    assert "awslogs_streams[backend].initial_position: not carried over to the unified agent" in flat
    assert "changed=1 " in flat
    # None of the awslogs agent's tasks ran.
    assert "Install the agent" not in done.stdout and "awslogsd" not in done.stdout


def test_a_real_run_without_the_agent_stops_before_anything_changes(tmp_path):
    done = run_role(tmp_path)
    assert done.returncode != 0
    flat = " ".join(done.stdout.split())
    assert "amazon-cloudwatch-agent is not installed on this Debian 12 host" in flat
    assert "changed=0 " in flat
