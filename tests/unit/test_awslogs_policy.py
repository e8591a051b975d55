"""The agent's IAM policy document, built from the stream list."""

from __future__ import annotations

import json

import pytest
from ansible.errors import AnsibleFilterError
from awslogs_policy import (
    AGENT_ACTIONS,
    FilterModule,
    PolicyInputError,
    awslogs_arn_partition,
    awslogs_iam_log_group_errors,
    awslogs_iam_log_group_specs,
    awslogs_iam_log_groups,
    awslogs_iam_policy,
    awslogs_iam_resources,
)

REGION = "ap-northeast-2"
ACCOUNT = "123456789012"
STREAMS = [
    {"name": "backend", "file": "/var/log/containers/backend*.log", "log_group_name": "/eb/app/backend.log"},
    {"name": "nginx-access", "file": "/var/log/nginx/access.log", "log_group_name": "/eb/app/access.log"},
    {"name": "nginx-error", "file": "/var/log/nginx/error.log", "log_group_name": "/eb/app/error.log"},
]
PREFIX = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:"


def test_groups_scope_names_exactly_each_group_and_its_streams():
    assert awslogs_iam_policy(STREAMS, REGION, ACCOUNT) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AwslogsAgent",
                "Effect": "Allow",
                "Action": [
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                ],
                "Resource": [
                    f"{PREFIX}/eb/app/backend.log:*",
                    f"{PREFIX}/eb/app/access.log:*",
                    f"{PREFIX}/eb/app/error.log:*",
                ],
            }
        ],
    }


def test_account_scope_is_the_original_broad_resource():
    policy = awslogs_iam_policy(STREAMS, REGION, ACCOUNT, scope="account")
    assert policy["Statement"][0]["Resource"] == [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*:*"]
    assert policy["Statement"][0]["Action"] == list(AGENT_ACTIONS)


def test_partition_is_used_in_every_arn():
    policy = awslogs_iam_policy(STREAMS[:1], "cn-north-1", ACCOUNT, partition="aws-cn")
    assert policy["Statement"][0]["Resource"] == [
        f"arn:aws-cn:logs:cn-north-1:{ACCOUNT}:log-group:/eb/app/backend.log:*",
    ]


def test_absent_streams_and_shared_groups_are_left_out_once():
    streams = [
        *STREAMS,
        {"name": "old", "file": "/var/log/old.log", "log_group_name": "/eb/app/old.log", "state": "absent"},
        {"name": "backend2", "file": "/var/log/b2.log", "log_group_name": "/eb/app/backend.log"},
    ]
    assert awslogs_iam_log_groups(streams) == ["/eb/app/backend.log", "/eb/app/access.log", "/eb/app/error.log"]
    resources = awslogs_iam_policy(streams, REGION, ACCOUNT)["Statement"][0]["Resource"]
    assert len(resources) == 3
    assert not any("old.log" in resource for resource in resources)


def test_same_input_same_json():
    first = json.dumps(awslogs_iam_policy(STREAMS, REGION, ACCOUNT), sort_keys=True)
    assert first == json.dumps(awslogs_iam_policy(list(STREAMS), REGION, ACCOUNT), sort_keys=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scope": "everything"}, "awslogs_iam_scope must be one of groups, account, got 'everything'"),
        ({"region": "Korea"}, "region must be a region name"),
        ({"account": "1234"}, "account must be a 12-digit AWS account id"),
        ({"partition": "gcp"}, "partition must be"),
        ({"region": "eu-west-1\n"}, "region must be a region name"),
        ({"account": "123456789012\n"}, "account must be a 12-digit AWS account id"),
        ({"partition": "aws\n"}, "partition must be"),
    ],
)
def test_bad_input_is_named(kwargs, message):
    args = {"streams": STREAMS, "region": REGION, "account": ACCOUNT, **kwargs}
    with pytest.raises(PolicyInputError, match=message):
        awslogs_iam_policy(**args)


def test_groups_scope_needs_a_present_stream():
    absent = [{**STREAMS[0], "state": "absent"}]
    with pytest.raises(PolicyInputError, match="at least one stream"):
        awslogs_iam_policy(absent, REGION, ACCOUNT)
    assert awslogs_iam_policy(absent, REGION, ACCOUNT, scope="account")["Statement"][0]["Resource"]


@pytest.mark.parametrize("group", ["*", "/eb/app/*", "/eb/app/backend.log:*", "/eb/?", "", "x" * 513, None])
def test_the_resources_refuse_a_wildcard_or_invalid_group_name_themselves(group):
    streams = [*STREAMS, {"name": "wide", "file": "/var/log/wide.log", "log_group_name": group}]
    with pytest.raises(PolicyInputError, match=r"awslogs_streams\[wide\]\.log_group_name must be 1-512 of"):
        awslogs_iam_resources(streams, REGION, ACCOUNT)
    # An absent stream puts nothing in the policy: its name is not a resource.
    absent = [*STREAMS, {"name": "wide", "log_group_name": group, "state": "absent"}]
    assert awslogs_iam_resources(absent, REGION, ACCOUNT) == [f"{PREFIX}{s['log_group_name']}:*" for s in STREAMS]


def test_partition_of_an_arn():
    assert awslogs_arn_partition("arn:aws-us-gov:iam::123456789012:user/admin") == "aws-us-gov"
    with pytest.raises(PolicyInputError, match="not an ARN"):
        awslogs_arn_partition("admin")


def test_filters_raise_ansible_errors():
    filters = FilterModule().filters()
    assert set(filters) == {
        "awslogs_iam_policy",
        "awslogs_iam_log_groups",
        "awslogs_iam_log_group_errors",
        "awslogs_iam_log_group_specs",
        "awslogs_arn_partition",
    }
    with pytest.raises(AnsibleFilterError, match="awslogs_iam_scope must be one of"):
        filters["awslogs_iam_policy"](STREAMS, REGION, ACCOUNT, scope="org")


def test_log_group_specs_default_and_override_retention():
    streams = [
        {**STREAMS[0], "retention_in_days": 30, "tags": {"team": "backend"}},
        STREAMS[1],
        {**STREAMS[2], "state": "absent", "kms_key_id": "arn:aws:kms:ap-northeast-2:123456789012:key/k"},
    ]
    assert awslogs_iam_log_group_specs(streams, 90) == [
        {
            "name": "/eb/app/backend.log",
            "state": "present",
            "retention_in_days": 30,
            "kms_key_id": None,
            "tags": {"team": "backend"},
            "streams": ["backend"],
        },
        {
            "name": "/eb/app/access.log",
            "state": "present",
            "retention_in_days": 90,
            "kms_key_id": None,
            "tags": None,
            "streams": ["nginx-access"],
        },
        {
            "name": "/eb/app/error.log",
            "state": "absent",
            "retention_in_days": 90,
            "kms_key_id": "arn:aws:kms:ap-northeast-2:123456789012:key/k",
            "tags": None,
            "streams": ["nginx-error"],
        },
    ]


def test_streams_sharing_a_group_must_agree():
    streams = [
        {**STREAMS[0], "retention_in_days": 30},
        {
            "name": "worker",
            "file": "/var/log/worker.log",
            "log_group_name": "/eb/app/backend.log",
            "retention_in_days": 7,
        },
    ]
    errors = awslogs_iam_log_group_errors(streams)
    assert len(errors) == 1
    assert errors[0].startswith("awslogs_streams[backend].retention_in_days: streams backend, worker share")
    assert awslogs_iam_log_group_errors([*STREAMS, {**STREAMS[0], "name": "again", "file": "/x"}]) == []


def test_an_absent_stream_on_a_group_another_stream_ships_to_is_refused_naming_both():
    old = {"name": "old", "file": "/var/log/old.log", "log_group_name": "/eb/app/backend.log", "state": "absent"}
    for present in (STREAMS[0], {**STREAMS[0], "state": "present"}):
        assert awslogs_iam_log_group_errors([present, old]) == [
            "awslogs_streams[old].state: absent would delete the log group '/eb/app/backend.log', which stream(s) "
            "backend still ship to; give that stream its own group, or set state: absent on every stream of the group"
        ]
    # Every stream of the group absent: the group goes, as asked.
    assert awslogs_iam_log_group_errors([{**STREAMS[0], "state": "absent"}, old]) == []
