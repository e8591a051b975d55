"""The control-node policy of docs/iam.md is enough for the default path, at an endpoint that enforces IAM."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ENDPOINT, POLICY, PROJECT, REGION, ROLE, _client
from expected import ACCOUNT, GROUP, POLICY_DOCUMENT, RETENTION

from awslogs_drift.cloudwatch import CloudWatchError, send_summary

BACKEND = f"{GROUP}containers/backend.log"


def documented_policy() -> dict:
    text = (PROJECT / "docs" / "iam.md").read_text()
    block = re.search(r"## The control node's policy.*?```json\n(.*?)```", text, re.DOTALL)
    assert block, "docs/iam.md lost the control-node policy document"
    return json.loads(block.group(1).replace("ACCOUNT", ACCOUNT))


@pytest.fixture
def documented_key(iam):
    user = "documented-control-node"
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="control-node", PolicyDocument=json.dumps(documented_policy()))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    yield {"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}
    iam.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"])
    iam.delete_user_policy(UserName=user, PolicyName="control-node")
    iam.delete_user(UserName=user)


def test_the_documented_policy_restores_drift(documented_key, iam, logs, run_play):
    assert _client("sts", documented_key).get_caller_identity()["Arn"].endswith(":user/documented-control-node")
    # The endpoint enforces the document: an action it leaves out is denied.
    with pytest.raises(iam.exceptions.ClientError, match="not authorized to perform: iam:ListUsers"):
        _client("iam", documented_key).list_users()
    logs.put_retention_policy(logGroupName=BACKEND, retentionInDays=1)
    iam.delete_role_policy(RoleName=ROLE, PolicyName=POLICY)

    result = run_play(json.dumps({"awslogs_iam_create_role": False}), key=documented_key)
    assert result.rc == 0, result.output
    assert iam.get_role_policy(RoleName=ROLE, PolicyName=POLICY)["PolicyDocument"] == POLICY_DOCUMENT
    group = logs.describe_log_groups(logGroupNamePrefix=BACKEND)["logGroups"][0]
    assert group["retentionInDays"] == RETENTION[BACKEND]


def test_the_documented_policy_finds_the_instances_and_sends_the_drift_summary(documented_key, logs, monkeypatch):
    # What inventory/aws_ec2.yml asks for.
    assert "Reservations" in _client("ec2", documented_key).describe_instances()
    # What awslogs-drift --cloudwatch-group /ops/awslogs-drift does, with the boto3 credential chain.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", documented_key["access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", documented_key["secret_access_key"])
    report = {"status": "no drift", "exit_code": 0, "drift": []}
    where = send_summary(report, group="/ops/awslogs-drift", stream="ops1", region=REGION, endpoint_url=ENDPOINT)
    assert where == "/ops/awslogs-drift/ops1"
    (event,) = logs.get_log_events(logGroupName="/ops/awslogs-drift", logStreamName="ops1")["events"]
    assert json.loads(event["message"])["status"] == "no drift"
    # The statement names that group only.
    with pytest.raises(CloudWatchError, match="/ops/elsewhere"):
        send_summary(report, group="/ops/elsewhere", stream="ops1", region=REGION, endpoint_url=ENDPOINT)
    logs.delete_log_group(logGroupName="/ops/awslogs-drift")
