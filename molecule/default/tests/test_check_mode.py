"""Check mode is honest: nothing to report on a converged host, nothing
changed on a fresh one."""

import hashlib
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
    assert "awslogs_ops.awslogs.awslogs : Say that a real run would patch the agent it installs" in would_change
    assert _changes(name) == before


PATCH_TASK = "awslogs_ops.awslogs.awslogs : Replace cwlogs/push.py with the patched one"


def _task_result(result: dict, host: str, name: str) -> dict:
    (found,) = [
        task["hosts"][host] for play in result["plays"] for task in play["tasks"] if task["task"]["name"] == name
    ]
    return found


def test_check_diff_on_an_unpatched_agent_shows_the_patch_and_changes_nothing(inventory, host):
    """The agent's original push.py (as a pip upgrade of the plugin would put back): reported, not replaced."""
    import cwlogs  # noqa: PLC0415 - the controller's awscli-cwlogs 1.4.6, the file the patch was written for

    original = Path(cwlogs.__file__).with_name("push.py")
    patched = PROJECT_DIR / "roles" / "awslogs" / "files" / "cwlogs_push.py"
    path = host.check_output("find /opt/awslogs -path '*/site-packages/cwlogs/push.py'")
    _docker("cp", str(original), f"default-debian12:{path}")
    try:
        result = run_site(inventory, "--check", "--diff")
        assert result["rc"] == 0, result["stderr"]
        assert PATCH_TASK in changed_tasks(result, "default-debian12")
        diff = json.dumps(_task_result(result, "default-debian12", PATCH_TASK).get("diff"))
        assert "awslogs-ops:" in diff
        assert host.file(path).sha256sum == hashlib.sha256(original.read_bytes()).hexdigest()
    finally:
        _docker("cp", str(patched), f"default-debian12:{path}")
    assert host.file(path).sha256sum == hashlib.sha256(patched.read_bytes()).hexdigest()
