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
    assert _changes(name) == before


RESTORE_TASK = "awslogs_ops.awslogs.awslogs : Say that a real run would reinstall the agent's cwlogs"
MISFIT_TASK = "awslogs_ops.awslogs.awslogs : Say that the extension does not fit this agent, which runs as AWS ships it"
# The last commit whose role wrote a patched copy over the agent's push.py (from git history, never in the tree).
OVERWRITING_COMMIT = "f94f84e"


def _task_result(result: dict, host: str, name: str) -> dict:
    (found,) = [
        task["hosts"][host] for play in result["plays"] for task in play["tasks"] if task["task"]["name"] == name
    ]
    return found


def _agent_push_py(host) -> str:
    return host.check_output("find /opt/awslogs -path '*/site-packages/cwlogs/push.py'")


def test_a_push_py_an_earlier_version_overwrote_is_put_back_by_a_real_run_only(inventory, host, tmp_path):
    """A host converged by the version that copied a patched push.py over the agent's: check mode says it
    would reinstall and changes nothing; a real run puts the package's own file back, then changes nothing."""
    role_vars = yaml.safe_load((PROJECT_DIR / "roles" / "awslogs" / "vars" / "main.yml").read_text())
    overwritten = tmp_path / "push.py"
    overwritten.write_bytes(
        subprocess.run(
            ["git", "-C", str(PROJECT_DIR), "show", f"{OVERWRITING_COMMIT}:roles/awslogs/files/cwlogs_push.py"],
            check=True, capture_output=True,
        ).stdout
    )  # fmt: skip
    assert hashlib.sha256(overwritten.read_bytes()).hexdigest() == role_vars["__awslogs_cwlogs_push_overwritten_sha256"]
    path = _agent_push_py(host)
    _docker("cp", str(overwritten), f"default-debian12:{path}")
    checked = run_site(inventory, "--check", "--diff")
    assert checked["rc"] == 0, checked["stderr"]
    assert RESTORE_TASK in changed_tasks(checked, "default-debian12")
    assert host.file(path).sha256sum == role_vars["__awslogs_cwlogs_push_overwritten_sha256"]
    applied = run_site(inventory)
    assert applied["rc"] == 0, (applied["stderr"], changed_tasks(applied, "default-debian12"))
    assert host.file(_agent_push_py(host)).sha256sum == role_vars["__awslogs_cwlogs_push_sha256"]
    again = run_site(inventory)
    assert again["stats"]["default-debian12"]["changed"] == 0, changed_tasks(again, "default-debian12")


def test_an_agent_the_extension_does_not_fit_is_left_alone_and_the_run_says_so(inventory, host, tmp_path):
    """Another cwlogs (here the real push.py with one function changed): nothing replaced, the output says so."""
    path = _agent_push_py(host)
    original = host.file(path).content_string
    changed = original.replace("debug('Saved state: %s', state)", "debug('State: %s', state)")
    assert changed != original
    (tmp_path / "push.py").write_text(changed)
    _docker("cp", str(tmp_path / "push.py"), f"default-debian12:{path}")
    try:
        result = run_site(inventory, "--check", "--diff")
        assert result["rc"] == 0, result["stderr"]
        message = _task_result(result, "default-debian12", MISFIT_TASK)["msg"]
        assert "replaces nothing on this host: cwlogs.push.Stream._record_state has changed" in message
        assert host.file(path).content_string == changed
    finally:
        (tmp_path / "push.py").write_text(original)
        _docker("cp", str(tmp_path / "push.py"), f"default-debian12:{path}")
