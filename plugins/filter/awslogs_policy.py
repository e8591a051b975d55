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
# CloudWatch Logs' own limits on a group name: no wildcard (*, ?) and no ':' can reach a Resource.
LOG_GROUP_NAME_RE = re.compile(r"[.\-_/#A-Za-z0-9]{1,512}")


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
    groups: list[str] = []
    for stream in streams:
        if stream.get("state", "present") == "absent":
            continue
        name = stream["log_group_name"]
        if name not in groups:
            groups.append(name)
    return groups


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
        if stream.get("state", "present") != "absent" and not (
            isinstance(group, str) and LOG_GROUP_NAME_RE.fullmatch(group)
        ):
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


GROUP_SETTINGS = ("retention_in_days", "kms_key_id", "tags", "state")


def _group_streams(streams: Iterable[Mapping]) -> dict[str, list[Mapping]]:
    by_group: dict[str, list[Mapping]] = {}
    for stream in streams:
        by_group.setdefault(stream["log_group_name"], []).append(stream)
    return by_group


def awslogs_iam_log_group_errors(streams: Iterable[Mapping]) -> list[str]:
    """Streams that share a log group must agree on its settings; one message per disagreement."""
    errors = []
    for group, members in _group_streams(streams).items():
        # A stream without state ships to the group: deleting it for another stream's absent would lose its events.
        states = {stream.get("name"): stream.get("state", "present") for stream in members}
        absent = [name for name, state in states.items() if state == "absent"]
        present = [name for name, state in states.items() if state != "absent"]
        if absent and present:
            errors.append(
                f"awslogs_streams[{absent[0]}].state: absent would delete the log group {group!r}, which "
                f"stream(s) {', '.join(map(str, present))} still ship to; give that stream its own group, or "
                "set state: absent on every stream of the group"
            )
        for key in GROUP_SETTINGS:
            if key == "state" and absent and present:
                continue
            values = {repr(stream.get(key)) for stream in members if key in stream}
            if len(values) > 1:
                names = ", ".join(str(stream.get("name")) for stream in members)
                errors.append(
                    f"awslogs_streams[{members[0].get('name')}].{key}: streams {names} share the log group "
                    f"{group!r} but set {key} differently ({', '.join(sorted(values))})"
                )
    return errors


def awslogs_iam_log_group_specs(streams: Iterable[Mapping], default_retention_in_days: int = 90) -> list[dict]:
    """One entry per log group: name, state, retention_in_days, kms_key_id, tags and the streams it serves."""
    specs = []
    for group, members in _group_streams(streams).items():
        merged: dict[str, Any] = {}
        for stream in members:
            merged.update({key: stream[key] for key in GROUP_SETTINGS if key in stream})
        specs.append(
            {
                "name": group,
                "state": merged.get("state", "present"),
                "retention_in_days": int(merged.get("retention_in_days", default_retention_in_days)),
                "kms_key_id": merged.get("kms_key_id") or None,
                "tags": merged.get("tags"),
                "streams": [stream.get("name") for stream in members],
            }
        )
    return specs


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
