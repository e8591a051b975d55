"""Changes that fail half-way: a configuration the agent would misread never
replaces the running one, a restart that did not end healthy stays pending
(and is drift) until a run completes it, and a file the role did not write in
/etc/awslogs/config is drift, removed only on request."""

from __future__ import annotations

import json

import pytest
from conftest import FILES, GROUPS

from tests.bench.playbook import changed_tasks, run_site

MARKER = "/var/lib/awslogs/awslogs-ops.restart-pending"
FOREIGN = "/etc/awslogs/config/extra.conf"
ROLE = "awslogs_ops.awslogs.awslogs : "
MARK_PENDING = ROLE + "Mark the restart as pending until the agent runs healthy on the new configuration"
REPORT_FOREIGN = ROLE + "Report the files in /etc/awslogs/config this role did not write (the agent loads them too)"


def run_agent(inventory: str, *args: str, **extra_vars) -> dict:
    """The agent play only (the control-node play has its own tests), with extra vars."""
    return run_site(inventory, "--tags", "agent", "--extra-vars", json.dumps(extra_vars), *args)


def output(result: dict) -> str:
    return json.dumps(result["plays"]).replace("\\\\", "\\")


def started_at(host) -> str:
    return host.check_output("systemctl show --property ActiveEnterTimestamp awslogsd")


@pytest.fixture
def converged_again(host, inventory):
    """Whatever a test leaves, the host ends converged on the scenario's own settings."""
    yield
    host.run(f"rm -f {FOREIGN}; test -e /opt/awslogs/bin/aws.off && mv /opt/awslogs/bin/aws.off /opt/awslogs/bin/aws")
    result = run_agent(inventory)
    assert result["rc"] == 0, output(result)[-3000:]
    assert not host.file(MARKER).exists


def test_a_configuration_the_agent_would_misread_never_replaces_the_running_one(host, inventory):
    streams = [{"name": name, "file": path, "log_group_name": GROUPS[name]} for name, path in FILES.items()]
    streams[0]["datetime_format"] = "%Y-%m-%d %Q"  # no such directive: the agent would use the current time
    logs_conf, started = host.file("/etc/awslogs/config/logs.conf").content_string, started_at(host)
    result = run_agent(inventory, awslogs_streams=streams)
    assert result["rc"] != 0
    assert "[backend] datetime_format '%Y-%m-%d %Q' is not a format the agent can use" in output(result)
    assert host.file("/etc/awslogs/config/logs.conf").content_string == logs_conf
    assert started_at(host) == started
    assert not host.file(MARKER).exists


def test_a_failed_restart_stays_pending_is_drift_and_the_next_run_retries_it(host, inventory, converged_again):
    host.run_expect([0], "mv /opt/awslogs/bin/aws /opt/awslogs/bin/aws.off")
    failed = run_agent(inventory, awslogs_queue_size=11)
    assert failed["rc"] != 0
    assert "awslogsd is activating (auto-restart)" in output(failed) or "awslogsd is failed" in output(failed)
    assert "queue_size = 11" in host.file("/etc/awslogs/awslogs.conf").content_string
    assert host.file(MARKER).exists

    host.run_expect([0], "mv /opt/awslogs/bin/aws.off /opt/awslogs/bin/aws")
    check = run_agent(inventory, "--check", awslogs_queue_size=11)
    assert check["rc"] == 0, output(check)[-3000:]
    assert changed_tasks(check, host.backend.get_hostname()) == [MARK_PENDING]

    retried = run_agent(inventory, awslogs_queue_size=11)
    assert retried["rc"] == 0, output(retried)[-3000:]
    assert MARK_PENDING in changed_tasks(retried, host.backend.get_hostname())
    assert ROLE + "Restart awslogsd" in changed_tasks(retried, host.backend.get_hostname())
    assert not host.file(MARKER).exists
    assert host.service("awslogsd").is_running


def test_started_is_not_healthy_a_configuration_error_in_the_log_fails_the_run(host, inventory, converged_again):
    failed = run_agent(inventory, awslogs_log_file="/var/log/no-such-folder/awslogs.log")
    assert failed["rc"] != 0
    assert "awslogsd logged a configuration error: Detected wrong logging config" in output(failed)
    assert host.file(MARKER).exists


def test_a_file_the_role_did_not_write_is_drift_and_removed_only_on_request(host, inventory, converged_again):
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
