"""Bad input and faults: a clear message, no traceback, nothing changed at the endpoint."""

from __future__ import annotations

import json

import pytest
from conftest import ENDPOINT, _client

STREAMS_WITH_BAD_RETENTION = [
    {
        "name": "backend",
        "file": "/var/log/containers/backend*.log",
        "log_group_name": "/aws/elasticbeanstalk/iam-test/var/log/containers/backend.log",
        "retention_in_days": 42,
    }
]

ENV_NAME_RULE = (
    "must be the environment name: 1-100 of letters, digits and ._#-, starting and ending with a letter or digit"
    " (no slash: it is one part of every log group name)"
)
BAD_INPUT = {
    "bad retention": (
        {"awslogs_streams": STREAMS_WITH_BAD_RETENTION},
        "awslogs_streams[backend].retention_in_days 42 is not a value CloudWatch Logs accepts",
    ),
    "unknown scope": (
        {"awslogs_iam_scope": "organization"},
        "awslogs_iam_scope",
    ),
    "invalid role name": (
        {"awslogs_iam_role_name": "eb ec2 role!"},
        'awslogs_iam_role_name must be 1-64 of letters, digits and +=,.@_-, got "eb ec2 role!"',
    ),
    "missing role with creation off": (
        {"awslogs_iam_role_name": "no-such-role", "awslogs_iam_create_role": False},
        "The instance role no-such-role does not exist in account 123456789012",
    ),
    "empty environment name": (
        {"awslogs_env_name": ""},
        f'awslogs_iam_env_name {ENV_NAME_RULE}, got ""',
    ),
    "environment name with a slash": (
        {"awslogs_env_name": "myapp/prd"},
        f'awslogs_iam_env_name {ENV_NAME_RULE}, got "myapp/prd"',
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_stops_with_a_clear_message_and_changes_nothing(case, run_play, snapshot):
    overrides, message = BAD_INPUT[case]
    before = snapshot()
    # A policy name nobody uses: had the run gone on, it would have changed the role.
    result = run_play(json.dumps({"awslogs_iam_policy_name": "NotPutByThisTest", **overrides}))
    assert result.rc != 0, result.output
    assert message in " ".join(result.output.split()), result.output
    assert "Traceback (most recent call last)" not in result.output
    assert snapshot() == before
    if case == "unknown scope":
        assert "groups, account" in result.output


def test_unreachable_endpoint_names_the_address(run_play):
    result = run_play(json.dumps({"awslogs_iam_endpoint_url": "http://127.0.0.1:9"}))
    assert result.rc != 0
    assert "Could not connect to the endpoint URL" in result.output, result.output
    # Once: the task that failed says it; no second task repeats it.
    assert result.output.count("fatal: [localhost]") == 1, result.output
    assert "http://127.0.0.1:9" in result.output


@pytest.fixture
def limited_key(iam):
    """A control node that may read IAM and manage logs, but not put role policies."""
    user = "no-put-role-policy"
    iam.create_user(UserName=user)
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["iam:Get*", "iam:List*", "logs:*"], "Resource": "*"}],
    }
    iam.put_user_policy(UserName=user, PolicyName="limited", PolicyDocument=json.dumps(document))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    yield {"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}
    iam.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"])
    iam.delete_user_policy(UserName=user, PolicyName="limited")
    iam.delete_user(UserName=user)


def test_a_denied_permission_is_reported_with_its_action(limited_key, run_play, snapshot):
    # The endpoint enforces IAM: the key really is limited.
    assert _client("sts", limited_key).get_caller_identity()["Arn"].endswith(":user/no-put-role-policy")
    before = snapshot()
    result = run_play(json.dumps({"awslogs_iam_policy_name": "NotPutByThisTest"}), key=limited_key)
    assert result.rc != 0, result.output
    flat = " ".join(result.output.split())
    assert "AccessDenied" in flat, result.output
    assert "iam:PutRolePolicy" in flat, result.output
    assert "Traceback (most recent call last)" not in result.output
    assert snapshot() == before
    assert ENDPOINT.startswith("http://127.0.0.1:")
