#!/usr/bin/python
# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""Ansible module: what the awslogs_iam role compares, read in one call (changes nothing)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: awslogs_aws_state
short_description: Read the caller, the instance role, the agent's policy and the log groups in one call
description:
  - Reads, and changes nothing, what the awslogs_iam role compares with the wanted state, so that a drift
    check of a converged account costs one module run. The caller (STS), the instance role and its trust
    policy, the agent's policy (the role's inline policy, or the customer-managed policy's default version
    and whether it is attached), and every log group of O(log_groups) with one paginated
    DescribeLogGroups, each compared with its wanted state as M(awslogs_ops.awslogs.awslogs_log_group)
    would bring it there.
options:
  role_name:
    description: The instance role.
    required: true
    type: str
  policy_name:
    description: The name of the agent's policy (inline, or customer-managed).
    required: true
    type: str
  policy_type:
    description: V(inline) reads the role's inline policy; V(managed) the customer-managed policy and its attachment.
    choices: [inline, managed]
    default: inline
    type: str
  log_groups:
    description:
      - The log groups with their wanted state, as M(awslogs_ops.awslogs.awslogs_log_group) takes them.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The log group name.
        type: str
        required: true
      state:
        description: V(present) or V(absent).
        type: str
        choices: [present, absent]
        default: present
      retention_in_days:
        description: Days kept. Omitted, the retention is left as it is.
        type: int
      kms_key_id:
        description: ARN of the KMS key. Omitted, the key is left as it is.
        type: str
      tags:
        description: Tags the group must carry. Omitted, the tags are left as they are.
        type: dict
  purge_tags:
    description: Whether tags not in O(log_groups[].tags) count as drift (they would be removed).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
version_added: 0.1.0
author:
  - awslogs-ops maintainers (@awslogs-ops)
"""

EXAMPLES = r"""
- name: Read what the agent's IAM and log groups look like now
  awslogs_ops.awslogs.awslogs_aws_state:
    role_name: aws-elasticbeanstalk-ec2-role
    policy_name: CloudwatchPolicy
    log_groups:
      - name: /aws/elasticbeanstalk/myapp-prd/var/log/nginx/access.log
        retention_in_days: 90
"""

RETURN = r"""
caller:
  description: The caller's account, ARN and partition.
  returned: always
  type: dict
role:
  description: Whether the role exists, and its trust policy.
  returned: always
  type: dict
policy:
  description: Whether the agent's policy exists, its document, and (managed) whether the role has it attached.
  returned: always
  type: dict
log_groups:
  description: Each log group as it is (before) and as it would be brought (after).
  returned: always
  type: list
  elements: dict
log_groups_drifted:
  description: The names of the log groups whose before and after differ.
  returned: always
  type: list
  elements: str
"""

import contextlib

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.awslogs_ops.awslogs.plugins.module_utils.awslogs_log_groups import after as wanted_group
from ansible_collections.awslogs_ops.awslogs.plugins.module_utils.awslogs_log_groups import describe

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore


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


def main():
    group_options = {
        "name": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "retention_in_days": {"type": "int"},
        "kms_key_id": {"type": "str"},
        "tags": {"type": "dict"},
    }
    module = AnsibleAWSModule(
        argument_spec={
            "role_name": {"type": "str", "required": True},
            "policy_name": {"type": "str", "required": True},
            "policy_type": {"type": "str", "choices": ["inline", "managed"], "default": "inline"},
            "log_groups": {"type": "list", "elements": "dict", "default": [], "options": group_options},
            "purge_tags": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    params = module.params
    retry = AWSRetry.jittered_backoff()
    aws_errors = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)
    step = "ask STS who the caller is"
    try:
        identity = module.client("sts", retry_decorator=retry).get_caller_identity(aws_retry=True)
        partition = identity["Arn"].split(":")[1]
        caller = {"account": identity["Account"], "arn": identity["Arn"], "partition": partition}
        iam = module.client("iam", retry_decorator=retry)
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
        groups = _log_groups(module.client("logs", retry_decorator=retry), params["log_groups"], params["purge_tags"])
    except aws_errors as exc:
        module.fail_json_aws(exc, msg=f"cannot {step}; nothing was changed")
    module.exit_json(
        changed=False,
        caller=caller,
        role=role,
        policy=policy,
        log_groups=groups,
        log_groups_drifted=[group["name"] for group in groups if group["changed"]],
    )


if __name__ == "__main__":
    main()
