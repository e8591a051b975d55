"""The bench's moto patch: the resource each CloudWatch Logs call is authorized against.

What is evaluated is moto's own IAM policy evaluator with the resource the
patch gives it, on the generated policy and on the forms AWS documents as
wrong for most actions (docs/iam.md).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from moto.iam.access_control import IAMPolicy, PermissionResult

from plugins.filter.awslogs_policy import awslogs_iam_policy

PATCH = Path(__file__).resolve().parents[1] / "bench" / "moto_logs_arns" / "sitecustomize.py"
REGION, ACCOUNT = "ap-northeast-2", "123456789012"
GROUP = "/aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log"
ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}"
# The agent's three calls, as it makes them (tests/unit/test_agent_calls.py reads them from its source).
AGENT_CALLS = {
    "CreateLogGroup": {"logGroupName": GROUP},
    "CreateLogStream": {"logGroupName": GROUP, "logStreamName": "i-0123"},
    "PutLogEvents": {"logGroupName": GROUP, "logStreamName": "i-0123", "logEvents": []},
}
# A group call the agent never makes, which older policies granted.
DESCRIBE = {"logGroupName": GROUP, "logStreamNamePrefix": "i-0123"}


@pytest.fixture(scope="module")
def patch() -> ModuleType:
    spec = importlib.util.spec_from_file_location("moto_logs_arns", PATCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _allowed(patch: ModuleType, policy: dict, action: str, params: dict) -> bool:
    resource = patch.resource_arn(action, REGION, ACCOUNT, params)
    evaluated = IAMPolicy(json.dumps(policy)).is_action_permitted(f"logs:{action}", resource)
    return evaluated == PermissionResult.PERMITTED


def _policy(*resources: str) -> dict:
    statement = {"Effect": "Allow", "Action": [f"logs:{action}" for action in AGENT_CALLS], "Resource": list(resources)}
    return {"Version": "2012-10-17", "Statement": [statement]}


def test_each_call_acts_on_the_resource_aws_documents(patch: ModuleType) -> None:
    assert {action: patch.resource_arn(action, REGION, ACCOUNT, params) for action, params in AGENT_CALLS.items()} == {
        "CreateLogGroup": f"{ARN}:*",
        "CreateLogStream": f"{ARN}:*",
        "PutLogEvents": f"{ARN}:log-stream:i-0123",
    }
    assert patch.resource_arn("DescribeLogStreams", REGION, ACCOUNT, DESCRIBE) == f"{ARN}:*"
    assert patch.resource_arn("DescribeLogGroups", REGION, ACCOUNT, {}) == "*"


@pytest.mark.parametrize("action", sorted(AGENT_CALLS))
def test_the_generated_policy_allows_each_agent_call(patch: ModuleType, action: str) -> None:
    streams = [{"name": "backend", "file": "/var/log/containers/backend*", "log_group_name": GROUP}]
    assert _allowed(patch, awslogs_iam_policy(streams, REGION, ACCOUNT), action, AGENT_CALLS[action])


def test_the_generated_policy_does_not_allow_describe_log_streams(patch: ModuleType) -> None:
    streams = [{"name": "backend", "file": "/var/log/containers/backend*", "log_group_name": GROUP}]
    assert not _allowed(patch, awslogs_iam_policy(streams, REGION, ACCOUNT), "DescribeLogStreams", DESCRIBE)


@pytest.mark.parametrize("action", ["CreateLogGroup", "CreateLogStream"])
def test_the_group_arn_without_the_trailing_wildcard_does_not_allow_group_calls(patch: ModuleType, action: str) -> None:
    # The previous policy: log-group:NAME plus log-group:NAME:log-stream:*.
    assert not _allowed(patch, _policy(ARN, f"{ARN}:log-stream:*"), action, AGENT_CALLS[action])


def test_another_group_is_not_allowed(patch: ModuleType) -> None:
    other = {"logGroupName": "/aws/elasticbeanstalk/myapp-prd/var/log/other.log", "logStreamName": "x"}
    for action in AGENT_CALLS:
        assert not _allowed(patch, _policy(f"{ARN}:*"), action, other)
