# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""What awslogs_aws_state reads: the caller, the instance role, the agent's policy and the log groups.

Shared by the module (run where a task's connection points) and its action plugin, which runs the
same read in the controller's worker when the connection is local: no module process, no AnsiballZ
payload, no second import of boto3 (plugins/action/awslogs_aws_state.py).
"""

from __future__ import annotations

import contextlib

from ansible_collections.awslogs_ops.awslogs.plugins.module_utils.awslogs_log_groups import after as wanted_group
from ansible_collections.awslogs_ops.awslogs.plugins.module_utils.awslogs_log_groups import describe

with contextlib.suppress(ImportError):  # the module's AnsibleAWSModule and the action plugin report a missing botocore
    import botocore

GROUP_OPTIONS = {
    "name": {"type": "str", "required": True},
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    "retention_in_days": {"type": "int"},
    "kms_key_id": {"type": "str"},
    "tags": {"type": "dict"},
}

ARGUMENT_SPEC = {
    "role_name": {"type": "str", "required": True},
    "policy_name": {"type": "str", "required": True},
    "policy_type": {"type": "str", "choices": ["inline", "managed"], "default": "inline"},
    "log_groups": {"type": "list", "elements": "dict", "default": [], "options": GROUP_OPTIONS},
    "purge_tags": {"type": "bool", "default": False},
}


class ReadError(Exception):
    """An AWS call failed; ``step`` says what was being read, ``__cause__`` is botocore's exception."""

    def __init__(self, step):
        super().__init__(step)
        self.step = step

    @property
    def message(self):
        return f"cannot {self.step}; nothing was changed"


def aws_errors():
    return (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)


def _missing(exc):
    return isinstance(exc, botocore.exceptions.ClientError) and exc.response["Error"]["Code"] == "NoSuchEntity"


def _role(iam, name):
    try:
        role = iam.get_role(aws_retry=True, RoleName=name)["Role"]
    except botocore.exceptions.ClientError as exc:
        if _missing(exc):
            return {"exists": False, "assume_role_policy_document": None}
        raise
    return {"exists": True, "assume_role_policy_document": role.get("AssumeRolePolicyDocument")}


def _inline_policy(iam, role, name):
    try:
        document = iam.get_role_policy(aws_retry=True, RoleName=role, PolicyName=name)["PolicyDocument"]
    except botocore.exceptions.ClientError as exc:
        if _missing(exc):
            return {"exists": False, "document": None, "attached": False}
        raise
    return {"exists": True, "document": document, "attached": True}


def _managed_policy(iam, role, arn):
    try:
        policy = iam.get_policy(aws_retry=True, PolicyArn=arn)["Policy"]
        version = iam.get_policy_version(aws_retry=True, PolicyArn=arn, VersionId=policy["DefaultVersionId"])
    except botocore.exceptions.ClientError as exc:
        if _missing(exc):
            return {"exists": False, "document": None, "attached": False}
        raise
    attached = False
    with contextlib.suppress(botocore.exceptions.ClientError):  # no role: nothing attached
        pages = iam.get_paginator("list_attached_role_policies").paginate(RoleName=role)
        attached = any(p["PolicyArn"] == arn for page in pages for p in page.get("AttachedPolicies", []))
    return {"exists": True, "document": version["PolicyVersion"]["Document"], "attached": attached}


def _log_groups(logs, specs, purge_tags):
    tagged = {spec["name"] for spec in specs if spec.get("tags") is not None}
    found = describe(logs, [spec["name"] for spec in specs], tagged)
    groups = []
    for spec in specs:
        before = found[spec["name"]]
        state = spec.get("state") or "present"
        retention = spec.get("retention_in_days") if state == "present" else None
        after = wanted_group(
            before, state, retention_in_days=retention, kms_key_id=spec.get("kms_key_id"), tags=spec.get("tags"),
            purge_tags=purge_tags,
        )  # fmt: skip
        if not before["exists"] and not after["exists"]:
            after = before
        groups.append({"name": spec["name"], "before": before, "after": after, "changed": before != after})
    return groups


def read(client, params):
    """The module's result; ``client(service)`` gives a boto3 client that retries. ReadError when a call fails."""
    step = "ask STS who the caller is"
    try:
        identity = client("sts").get_caller_identity(aws_retry=True)
        partition = identity["Arn"].split(":")[1]
        caller = {"account": identity["Account"], "arn": identity["Arn"], "partition": partition}
        iam = client("iam")
        step = f"read the instance role {params['role_name']}"
        role = _role(iam, params["role_name"])
        step = f"read the policy {params['policy_name']}"
        if params["policy_type"] == "managed":
            arn = f"arn:{partition}:iam::{identity['Account']}:policy/{params['policy_name']}"
            policy = _managed_policy(iam, params["role_name"], arn)
        elif role["exists"]:
            policy = _inline_policy(iam, params["role_name"], params["policy_name"])
        else:
            policy = {"exists": False, "document": None, "attached": False}
        step = "read the log groups"
        groups = _log_groups(client("logs"), params["log_groups"], params["purge_tags"])
    except aws_errors() as exc:
        raise ReadError(step) from exc
    return {
        "changed": False,
        "caller": caller,
        "role": role,
        "policy": policy,
        "log_groups": groups,
        "log_groups_drifted": [group["name"] for group in groups if group["changed"]],
    }
