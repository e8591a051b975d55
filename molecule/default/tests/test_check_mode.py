"""Check mode is honest: nothing to report on a converged host, nothing
changed on a fresh one."""

import json
import subprocess
import uuid
from pathlib import Path

import pytest
import yaml

from tests.bench.playbook import changed_tasks, run_site
from tests.bench.process import PROJECT_DIR

# Paths Ansible itself or systemd touch on any connection.
NOT_OURS = ("/root/.ansible", "/sys", "/var/log/journal", "/var/log/wtmp", "/etc/mtab", "/var/lib/systemd")


def test_check_diff_on_the_converged_host_reports_nothing(inventory):
    result = run_site(inventory, "--check", "--diff")
    assert result["rc"] == 0, result["stderr"]
    for host, stats in result["stats"].items():
        assert stats["changed"] == 0, changed_tasks(result, host)
        assert stats["failures"] == 0


def _docker(*args: str) -> str:
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True).stdout


def _changes(container: str) -> set[str]:
    """What differs from the image, leaving out parents of changed paths and Ansible's own temp."""
    lines = _docker("diff", container).splitlines()
    paths = [line[2:] for line in lines]
    return {
        line
        for line in lines
        if not line[2:].startswith(NOT_OURS) and not any(other.startswith(line[2:] + "/") for other in paths)
    }


def _booted(container: str) -> None:
    subprocess.run(
        ["docker", "exec", container, "systemctl", "is-system-running", "--wait"], capture_output=True, check=False
    )


@pytest.fixture
def fresh_host(tmp_path: Path):
    """A new container from the same image, with the converged host's vars."""
    platform = json.loads(_docker("inspect", "default-debian12"))[0]
    name = f"default-fresh-{uuid.uuid4().hex[:8]}"
    hostvars = yaml.safe_load((Path(__file__).parents[1] / "host_vars" / "default-debian12.yml").read_text())
    hostvars.update(ansible_connection="community.docker.docker", ansible_host=name)
    (tmp_path / "hosts.yml").write_text(yaml.safe_dump({"awslogs_hosts": {"hosts": {name: hostvars}}}))
    (tmp_path / "group_vars").symlink_to(PROJECT_DIR / "inventory" / "group_vars")
    (tmp_path / "host_vars").mkdir()
    (tmp_path / "host_vars" / "localhost.yml").symlink_to(Path(__file__).parents[1] / "host_vars" / "localhost.yml")
    try:
        _docker(
            "run", "--detach", "--name", name, "--network", "host",
            "--cap-add", "SYS_ADMIN", "--cap-add", "DAC_READ_SEARCH",
            "--security-opt", "seccomp=unconfined", "--cgroupns", "host",
            "--tmpfs", "/run", "--tmpfs", "/run/lock", "--tmpfs", "/tmp",
            *[arg for mount in platform["HostConfig"]["Binds"] for arg in ("--volume", mount)],
            platform["Config"]["Image"], "/lib/systemd/systemd",
        )  # fmt: skip
        yield name, str(tmp_path / "hosts.yml")
    finally:
        subprocess.run(["docker", "rm", "--force", name], capture_output=True, check=False)


def test_check_diff_on_a_fresh_host_changes_nothing_and_says_what_it_would_do(fresh_host):
    name, inventory = fresh_host
    _booted(name)
    before = _changes(name)
    result = run_site(inventory, "--check", "--diff")
    assert result["rc"] == 0, (result["stderr"], result["plays"])
    assert result["stats"][name]["failures"] == 0
    would_change = changed_tasks(result, name)
    assert "awslogs_ops.awslogs.awslogs : Write the agent's configuration, unit and pins" in would_change
    assert "awslogs_ops.awslogs.awslogs : Create the agent's virtualenv" in would_change
    assert _changes(name) == before
