"""The real drift-fix runner against the tampered molecule hosts.

side_effect.yml tampered with drift-host1 (logs.conf edited and a section
removed, awslogsd stopped and disabled) and with the local endpoint (the
inline policy deleted, a retention changed). The tests run in file order:
the fix, a second run, a line shipped afterwards, a run with a host down.
"""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from typing import Any

import pytest
import testinfra
from drift_runner import ENDPOINT, INVENTORY_FILE, REGION, Run, client, drift_fix

ENV_NAME = "myapp-prd"
GROUPS = {
    "backend": f"/aws/elasticbeanstalk/{ENV_NAME}/var/log/containers/backend.log",
    "nginx-access": f"/aws/elasticbeanstalk/{ENV_NAME}/var/log/nginx/access.log",
}
INSTANCE_ID = "i-0d71f700000000001"
ROLE, POLICY = "aws-elasticbeanstalk-ec2-role", "CloudwatchPolicy"
SUMMARY_GROUP = "awslogs-drift"


@pytest.fixture(scope="module")
def host1() -> Any:
    return testinfra.get_host("ansible://drift-host1", ansible_inventory=str(INVENTORY_FILE))


@pytest.fixture(scope="module")
def fix_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    summary = ["--cloudwatch-group", SUMMARY_GROUP, "--cloudwatch-stream", "molecule"]
    summary += ["--endpoint-url", ENDPOINT, "--region", REGION]
    return drift_fix(tmp_path_factory.mktemp("fix") / "drift.json", *summary)


@pytest.fixture(scope="module")
def second_run(fix_run: Run, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return drift_fix(tmp_path_factory.mktemp("again") / "drift.json")


def _items(run: Run) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(i["host"], i["role"], i["action"]): i for i in run.report["drift"]}


def test_the_runner_reports_exactly_the_tampering(fix_run: Run) -> None:
    assert fix_run.rc == 2, fix_run.stdout + fix_run.stderr
    items = _items(fix_run)
    assert set(items) == {
        ("drift-host1", "awslogs", "ansible.builtin.copy"),
        ("drift-host1", "awslogs", "ansible.builtin.systemd_service"),
        ("localhost", "awslogs_iam", "amazon.aws.iam_policy"),
        ("localhost", "awslogs_iam", "awslogs_ops.awslogs.awslogs_log_group"),
    }
    logs_conf = items["drift-host1", "awslogs", "ansible.builtin.copy"]
    assert "-datetime_format = %d/%b/%Y:%H:%M:%S\n+datetime_format = %Y-%m-%d %H:%M:%S,%f\n" in logs_conf["diff"]
    assert "+[nginx-error]\n" in logs_conf["diff"]
    assert items["drift-host1", "awslogs", "ansible.builtin.systemd_service"]["detail"]["enabled"] is True
    assert f"+{POLICY}: {{" in items["localhost", "awslogs_iam", "amazon.aws.iam_policy"]["diff"]
    retention = items["localhost", "awslogs_iam", "awslogs_ops.awslogs.awslogs_log_group"]
    assert "-retention_in_days: 7\n+retention_in_days: 90\n" in retention["diff"]
    assert retention["detail"]["items"] == [GROUPS["nginx-access"]]
    assert fix_run.report["handlers"] == [{"host": "drift-host1", "task": "Restart awslogsd", "role": "awslogs"}]


def test_everything_is_fixed_and_verified(fix_run: Run) -> None:
    assert {i["outcome"] for i in fix_run.report["drift"]} == {"fixed"}
    assert fix_run.report["runs"]["verify"] == {"rc": 0, "changed_tasks": 0}
    assert fix_run.report["new_drift_after_fix"] == []
    assert fix_run.stdout.splitlines()[1:3] == [
        "hosts: 3 checked, 2 drifted, 0 unreachable, 0 failed",
        "drifted tasks: 4, fixed: 4",
    ]


def test_the_agent_is_put_right(fix_run: Run, host1: Any) -> None:
    assert fix_run.rc == 2
    service = host1.service("awslogsd")
    assert service.is_running
    assert service.is_enabled
    logs_conf = host1.file("/etc/awslogs/config/logs.conf").content_string
    assert "[nginx-error]\n" in logs_conf
    assert "datetime_format = %Y-%m-%d %H:%M:%S,%f\n" in logs_conf


def test_the_endpoint_is_put_right(fix_run: Run) -> None:
    assert fix_run.rc == 2
    assert client("iam").list_role_policies(RoleName=ROLE)["PolicyNames"] == [POLICY]
    groups = client("logs").describe_log_groups(logGroupNamePrefix=GROUPS["nginx-access"])["logGroups"]
    assert [g.get("retentionInDays") for g in groups] == [90]


def test_the_summary_is_one_event_in_its_own_group(fix_run: Run) -> None:
    assert "summary sent to CloudWatch Logs awslogs-drift/molecule" in fix_run.stdout
    events = client("logs").get_log_events(logGroupName=SUMMARY_GROUP, logStreamName="molecule")["events"]
    finished = fix_run.report["finished_at"]
    (summary,) = [json.loads(e["message"]) for e in events if json.loads(e["message"])["finished_at"] == finished]
    assert (summary["exit_code"], summary["hosts"]) == (2, ["drift-host1", "drift-host2", "localhost"])
    assert len(summary["drift"]) == 4
    assert "diff" not in summary["drift"][0]


def test_a_second_run_finds_no_drift(second_run: Run) -> None:
    assert second_run.rc == 0, second_run.stdout + second_run.stderr
    assert second_run.report["drift"] == []
    assert second_run.report["handlers"] == []
    assert list(second_run.report["runs"]) == ["check"]


def test_a_line_written_afterwards_arrives(second_run: Run, host1: Any) -> None:
    assert second_run.rc == 0
    line = f"{time.strftime('%Y-%m-%d %H:%M:%S')},000 INFO after the drift fix {uuid.uuid4()}"
    host1.run_expect([0], f"echo '{line}' >> /var/log/containers/backend.log")
    logs = client("logs")
    deadline = time.monotonic() + 90
    messages: list[str] = []
    while line not in messages:
        assert time.monotonic() < deadline, f"not shipped in 90 s; the stream has {messages[-3:]}"
        time.sleep(2)
        try:
            events = logs.get_log_events(logGroupName=GROUPS["backend"], logStreamName=INSTANCE_ID)["events"]
        except logs.exceptions.ResourceNotFoundException:
            continue
        messages = [e["message"] for e in events]


def test_a_host_down_is_reported_and_the_run_exits_4(
    second_run: Run, host1: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert second_run.rc == 0
    host1.run_expect([0], "systemctl stop awslogsd")
    subprocess.run(["docker", "stop", "drift-host2"], check=True, capture_output=True)
    try:
        down = drift_fix(tmp_path_factory.mktemp("down") / "drift.json")
    finally:
        subprocess.run(["docker", "start", "drift-host2"], check=True, capture_output=True)
    assert down.rc == 4, down.stdout + down.stderr
    assert down.report["unreachable"] == ["drift-host2"]
    assert "hosts: 3 checked, 1 drifted, 1 unreachable, 0 failed" in down.stdout
    assert "  [unreachable] drift-host2: " in down.stdout
    # The host that is up is still fixed.
    assert [(i["host"], i["task"], i["outcome"]) for i in down.report["drift"]] == [
        ("drift-host1", "Enable and start awslogsd", "fixed")
    ]
    assert host1.service("awslogsd").is_running
