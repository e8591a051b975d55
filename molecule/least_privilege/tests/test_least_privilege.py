"""The agent holds only the generated policy: its events arrive, calls outside the policy are denied."""

from __future__ import annotations

import time
import uuid

import pytest
from botocore.exceptions import ClientError
from conftest import GROUP, INSTANCE_ID, OUTSIDE

DEADLINE_S = 90


def _denied(call) -> str:
    with pytest.raises(ClientError) as denied:
        call()
    return str(denied.value)


def test_the_agent_principal_holds_only_the_generated_policy(admin_iam):
    assert admin_iam.list_user_policies(UserName="awslogs-agent")["PolicyNames"] == ["CloudwatchPolicy"]
    assert admin_iam.list_attached_user_policies(UserName="awslogs-agent")["AttachedPolicies"] == []
    assert admin_iam.list_groups_for_user(UserName="awslogs-agent")["Groups"] == []
    on_user = admin_iam.get_user_policy(UserName="awslogs-agent", PolicyName="CloudwatchPolicy")["PolicyDocument"]
    on_role = admin_iam.get_role_policy(RoleName="aws-elasticbeanstalk-ec2-role", PolicyName="CloudwatchPolicy")
    assert on_user == on_role["PolicyDocument"]


def test_a_backend_line_arrives_through_the_least_privileged_agent(host, admin_logs):
    line = f"2026-11-24 12:00:00,000 INFO least privilege {uuid.uuid4()}"
    host.run_test("mkdir -p /var/log/containers && echo %s >> /var/log/containers/backend.log", line)
    deadline = time.monotonic() + DEADLINE_S
    messages: list[str] = []
    while time.monotonic() < deadline:
        try:
            events = admin_logs.get_log_events(logGroupName=GROUP, logStreamName=INSTANCE_ID)["events"]
        except admin_logs.exceptions.ResourceNotFoundException:
            events = []
        messages = [event["message"] for event in events]
        if line in messages:
            break
        time.sleep(2)
    assert messages.count(line) == 1, f"{line!r} not in {messages}"


def test_the_agent_met_no_denial(host):
    journal = host.check_output("journalctl -u awslogsd --no-pager")
    assert "not authorized" not in journal
    assert "AccessDenied" not in journal


@pytest.mark.parametrize(
    ("action", "call"),
    [
        # The agent never calls it (docs/iam.md): not even its own group is granted.
        ("logs:DescribeLogStreams", lambda logs: logs.describe_log_streams(logGroupName=GROUP)),
        ("logs:DescribeLogStreams", lambda logs: logs.describe_log_streams(logGroupName=OUTSIDE)),
        ("logs:CreateLogStream", lambda logs: logs.create_log_stream(logGroupName=OUTSIDE, logStreamName="x")),
        ("logs:CreateLogGroup", lambda logs: logs.create_log_group(logGroupName="/not/in/the/policy")),
        ("logs:PutRetentionPolicy", lambda logs: logs.put_retention_policy(logGroupName=GROUP, retentionInDays=1)),
        ("logs:DeleteLogGroup", lambda logs: logs.delete_log_group(logGroupName=GROUP)),
        ("logs:DescribeLogGroups", lambda logs: logs.describe_log_groups()),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_calls_outside_the_policy_are_denied(agent_logs, action, call):
    message = _denied(lambda: call(agent_logs))
    assert f"is not authorized to perform: {action}" in message
