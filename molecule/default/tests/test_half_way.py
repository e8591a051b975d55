"""Changes that fail half-way: a configuration the agent would misread never
replaces the running one, a restart that did not end healthy stays pending
(and is drift) until a run completes it, and a file the role did not write in
/etc/awslogs/config is drift, removed only on request."""

from __future__ import annotations

import json
import re

import pytest
from conftest import FILES, GROUPS

from tests.bench.playbook import changed_tasks, run_site

MARKER = "/var/lib/awslogs/awslogs-ops.restart-pending"
FOREIGN = "/etc/awslogs/config/extra.conf"
AGENT = "/opt/awslogs/bin/aws"
ROLE = "awslogs_ops.awslogs.awslogs : "
MARK_PENDING = ROLE + "Mark the restart as pending until the agent runs healthy on the new configuration"
RESTART = ROLE + "Restart awslogsd"
REPORT_FOREIGN = ROLE + "Report the files in /etc/awslogs/config this role did not write (the agent loads them too)"


def run_agent(inventory: str, *args: str, **extra_vars) -> dict:
    """The agent play only (the control-node play has its own tests), with extra vars."""
    return run_site(inventory, "--tags", "agent", "--extra-vars", json.dumps(extra_vars), *args)


def output(result: dict) -> str:
    return json.dumps(result["plays"]).replace("\\\\", "\\")


def started_at(host) -> str:
    return host.check_output("systemctl show --property ActiveEnterTimestamp awslogsd")


@pytest.fixture
def repaired(host):
    """What a test breaks on the host is put back even when the test fails half-way."""
    yield
    host.run(f"rm -f {FOREIGN}; chmod 0755 {AGENT}")


@pytest.fixture
def converged_again(host, inventory, repaired):
    """The host ends converged on the scenario's own settings."""
    yield
    result = run_agent(inventory)
    assert result["rc"] == 0, output(result)[-3000:]
    assert not host.file(MARKER).exists


def test_a_configuration_the_agent_would_misread_never_replaces_the_running_one(host, inventory):
    streams = [{"name": name, "file": path, "log_group_name": GROUPS[name]} for name, path in FILES.items()]
    # A codec Python knows, but not by the name the agent looks up (encodings.search_function):
    # the agent would decode the file as UTF-8 instead, with only a warning.
    streams[0]["encoding"] = "EUC-KR"
    logs_conf, started = host.file("/etc/awslogs/config/logs.conf").content_string, started_at(host)
    result = run_agent(inventory, awslogs_streams=streams)
    assert result["rc"] != 0
    assert "[backend] encoding 'EUC-KR' is unknown to the agent's Python" in output(result)
    assert host.file("/etc/awslogs/config/logs.conf").content_string == logs_conf
    assert started_at(host) == started
    assert not host.file(MARKER).exists


def test_a_failed_restart_stays_pending_is_drift_and_the_next_run_retries_it(host, inventory, repaired):
    # Someone edited the agent's file, and its program cannot be run: the fix is written, the restart fails.
    host.run_expect([0], f"echo '# edited' >> /etc/awslogs/awslogs.conf; chmod 0644 {AGENT}")
    failed = run_agent(inventory)
    assert failed["rc"] != 0
    # Which of the two the health check sees depends on where systemd's restart loop is at the 5 s mark.
    assert re.search(
        r"awslogsd (is (activating \(auto-restart\)|failed \(failed\)) 5 s after its restart"
        r"|exited and was started again by systemd within 5 s of its restart)",
        output(failed),
    )
    assert "# edited" not in host.file("/etc/awslogs/awslogs.conf").content_string
    assert host.file(MARKER).exists

    # Repaired by hand: the files are right, yet the agent never ran on them. That is drift...
    host.run_expect([0], f"chmod 0755 {AGENT}")
    check = run_agent(inventory, "--check")
    assert check["rc"] == 0, output(check)[-3000:]
    assert changed_tasks(check, host.backend.get_hostname()) == [MARK_PENDING, RESTART]

    # ...that the next run fixes.
    retried = run_agent(inventory)
    assert retried["rc"] == 0, output(retried)[-3000:]
    assert changed_tasks(retried, host.backend.get_hostname()) == [MARK_PENDING, RESTART]
    assert not host.file(MARKER).exists
    assert host.service("awslogsd").is_running


def test_started_is_not_healthy_a_configuration_error_in_the_log_fails_the_run(host, inventory, converged_again):
    failed = run_agent(inventory, awslogs_log_file="/var/log/no-such-folder/awslogs.log")
    assert failed["rc"] != 0
    assert "awslogsd logged a configuration error: " in output(failed)
    assert "Detected wrong logging config: [Errno 2] No such file or directory" in output(failed)
    assert host.file(MARKER).exists


def test_a_file_the_role_did_not_write_is_drift_and_removed_only_on_request(host, inventory, repaired):
    host.run_expect([0], f"printf '[extra]\\nfile = /var/log/dpkg.log\\nlog_group_name = /x\\n' > {FOREIGN}")
    check = run_agent(inventory, "--check")
    assert check["rc"] == 0, output(check)[-3000:]
    assert REPORT_FOREIGN in changed_tasks(check, host.backend.get_hostname())
    assert f"{FOREIGN}: not written by this role, loaded by the agent as streams" in output(check)

    kept = run_agent(inventory)
    assert REPORT_FOREIGN in changed_tasks(kept, host.backend.get_hostname())
    assert host.file(FOREIGN).exists

    started = started_at(host)
    purged = run_agent(inventory, awslogs_purge_config_dir=True)
    assert purged["rc"] == 0, output(purged)[-3000:]
    assert not host.file(FOREIGN).exists
    assert started_at(host) != started
