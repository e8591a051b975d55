"""The IAM policy the CloudWatch Logs agent needs, built from the stream list.

``awslogs_iam_policy`` is a pure function: the same streams, region, account,
partition and scope always give the same document, so the document a run puts
on the instance role can be compared byte for byte with the expected one.

Scopes:

``groups`` (the default)
    exactly the configured log groups and their streams, one resource per
    group: ``arn:<partition>:logs:<region>:<account>:log-group:<name>:*``.
    AWS's API reference (the LogGroup type's ``arn``) names this form, with
    the trailing ``:*``, for IAM policies of most actions; it also matches
    every stream of the group (``...:log-group:<name>:log-stream:<stream>``,
    PutLogEvents' resource). docs/iam.md says what is read and what is proven.
``account``
    every log group of the account in the region, the broad
    ``arn:<partition>:logs:<region>:<account>:log-group:*:*`` of the original
    Elastic Beanstalk instructions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

try:
    from ansible_collections.awslogs_ops.awslogs.plugins.module_utils.awslogs_stream_model import (
        group_errors,
        group_specs,
        is_absent,
        present_groups,
        valid_log_group_name,
    )
except ImportError:  # the unit tests import the plugins from their folders
    from awslogs_stream_model import (
        group_errors,
        group_specs,
        is_absent,
        present_groups,
        valid_log_group_name,
    )

POLICY_VERSION = "2012-10-17"
STATEMENT_SID = "AwslogsAgent"
# Exactly the calls of the agent's `aws logs push` (awscli-cwlogs 1.4.6, cwlogs/push.py):
# CreateLogGroup and CreateLogStream before its first batch, then PutLogEvents.
# It never calls DescribeLogStreams (only `aws logs pull` does): docs/iam.md.
AGENT_ACTIONS = (
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
)
SCOPES = ("groups", "account")
REGION_RE = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
ACCOUNT_RE = re.compile(r"\d{12}")
PARTITION_RE = re.compile(r"aws(-[a-z]+)*")


class PolicyInputError(ValueError):
    """The inputs cannot make a policy; the message says which one and why."""


def _check(region: str, account: str, partition: str, scope: str) -> None:
    if scope not in SCOPES:
        raise PolicyInputError(f"awslogs_iam_scope must be one of {', '.join(SCOPES)}, got {scope!r}")
    if not isinstance(region, str) or not REGION_RE.fullmatch(region):
        raise PolicyInputError(f"region must be a region name like eu-west-1, got {region!r}")
    if not isinstance(account, str) or not ACCOUNT_RE.fullmatch(account):
        raise PolicyInputError(f"account must be a 12-digit AWS account id, got {account!r}")
    if not isinstance(partition, str) or not PARTITION_RE.fullmatch(partition):
        raise PolicyInputError(f"partition must be aws, aws-cn, aws-us-gov..., got {partition!r}")


def awslogs_iam_log_groups(streams: Iterable[Mapping]) -> list[str]:
    """The log groups the agent ships to: present streams only, first occurrence order, no duplicates."""
    return present_groups(streams)


def awslogs_iam_resources(
    streams: Iterable[Mapping], region: str, account: str, partition: str = "aws", scope: str = "groups"
) -> list[str]:
    """The Resource list of the agent's statement."""
    _check(region, account, partition, scope)
    prefix = f"arn:{partition}:logs:{region}:{account}:log-group:"
    if scope == "account":
        return [f"{prefix}*:*"]
    streams = list(streams)
    for stream in streams:
        group = stream.get("log_group_name")
        # CloudWatch Logs' own limits on a group name: no wildcard (*, ?) and no ':' can reach a Resource.
        if not is_absent(stream) and not valid_log_group_name(group):
            raise PolicyInputError(
                f"awslogs_streams[{stream.get('name')}].log_group_name must be 1-512 of [.-_/#A-Za-z0-9] "
                f"(no wildcard), got {group!r}: it would widen the policy's resources"
            )
    groups = awslogs_iam_log_groups(streams)
    if not groups:
        raise PolicyInputError("scope groups needs at least one stream that is not state: absent")
    return [f"{prefix}{group}:*" for group in groups]


def awslogs_iam_policy(
    streams: Iterable[Mapping], region: str, account: str, partition: str = "aws", scope: str = "groups"
) -> dict[str, Any]:
    """The policy document (a dict; ``to_json`` it for the IAM API)."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": STATEMENT_SID,
                "Effect": "Allow",
                "Action": list(AGENT_ACTIONS),
                "Resource": awslogs_iam_resources(streams, region, account, partition, scope),
            }
        ],
    }


def awslogs_iam_log_group_errors(streams: Iterable[Mapping]) -> list[str]:
    """Streams that share a log group must agree on its settings; one message per disagreement."""
    return group_errors(streams)


def awslogs_iam_log_group_specs(streams: Iterable[Mapping], default_retention_in_days: int = 90) -> list[dict]:
    """One entry per log group: name, state, retention_in_days, kms_key_id, tags and the streams it serves."""
    return group_specs(streams, default_retention_in_days)


def awslogs_arn_partition(arn: str) -> str:
    """The partition of an ARN (``aws`` in ``arn:aws:iam::123456789012:user/x``)."""
    parts = str(arn).split(":")
    if len(parts) < 6 or parts[0] != "arn" or not parts[1]:
        raise PolicyInputError(f"not an ARN: {arn!r}")
    return parts[1]


def _filter(function):
    def wrapped(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except PolicyInputError as exc:
            from ansible.errors import AnsibleFilterError  # noqa: PLC0415 (unit tests run without Ansible)

            raise AnsibleFilterError(str(exc)) from exc

    wrapped.__name__ = function.__name__
    wrapped.__doc__ = function.__doc__
    return wrapped


class FilterModule:
    def filters(self) -> dict:
        return {
            "awslogs_iam_policy": _filter(awslogs_iam_policy),
            "awslogs_iam_log_groups": _filter(awslogs_iam_log_groups),
            "awslogs_iam_log_group_errors": _filter(awslogs_iam_log_group_errors),
            "awslogs_iam_log_group_specs": _filter(awslogs_iam_log_group_specs),
            "awslogs_arn_partition": _filter(awslogs_arn_partition),
        }
