#!/usr/bin/python
# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""Ansible module: one CloudWatch Logs log group, its retention, KMS key and tags."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: awslogs_log_group
short_description: One CloudWatch Logs log group with its retention, KMS key and tags
description:
  - Creates a log group, sets its retention, KMS key and tags, and puts them back when they drift.
  - Unlike amazon.aws.cloudwatchlogs_log_group (10.x), check mode changes nothing (that module puts a
    drifted retention even in check mode), every change is shown as a diff, every retention CloudWatch
    Logs accepts is accepted, and a log group is deleted only with O(state=absent) (that module deletes
    the group when it does not know a retention value).
options:
  name:
    description: The log group name.
    required: true
    type: str
    aliases: [log_group_name]
  state:
    description: V(absent) deletes the log group and every event in it.
    choices: [present, absent]
    default: present
    type: str
  retention_in_days:
    description:
      - Days CloudWatch Logs keeps the events. Omitted, the retention is left as it is.
    type: int
  kms_key_id:
    description: ARN of the KMS key that encrypts the group. Omitted, the key is left as it is.
    type: str
  tags:
    description: Tags the group must carry. Omitted, the tags are left as they are.
    type: dict
  purge_tags:
    description: Remove tags that are not in O(tags).
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
- name: The backend's log group, kept 90 days
  awslogs_ops.awslogs.awslogs_log_group:
    name: /aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log
    retention_in_days: 90
    tags:
      team: backend
"""

RETURN = r"""
log_group:
  description: The log group after the run (in check mode, what it would be).
  returned: always
  type: dict
  contains:
    name: {description: Log group name., type: str, returned: always}
    exists: {description: Whether the group exists., type: bool, returned: always}
    retention_in_days: {description: Retention in days (null is forever)., type: int, returned: always}
    kms_key_id: {description: KMS key ARN or null., type: str, returned: always}
    tags: {description: Tags., type: dict, returned: always}
"""

import contextlib

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.awslogs_ops.awslogs.plugins.module_utils.awslogs_log_groups import after as wanted_group
from ansible_collections.awslogs_ops.awslogs.plugins.module_utils.awslogs_log_groups import describe
from ansible_collections.awslogs_ops.awslogs.plugins.module_utils.awslogs_stream_model import RETENTION_DAYS

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore


def apply(client, before, after):
    name = after["name"]
    if not after["exists"]:
        client.delete_log_group(aws_retry=True, logGroupName=name)
        return
    if not before["exists"]:
        request = {"logGroupName": name}
        if after["kms_key_id"]:
            request["kmsKeyId"] = after["kms_key_id"]
        if after["tags"]:
            request["tags"] = after["tags"]
        client.create_log_group(aws_retry=True, **request)
    else:
        if after["kms_key_id"] != before["kms_key_id"]:
            client.associate_kms_key(aws_retry=True, logGroupName=name, kmsKeyId=after["kms_key_id"])
        removed = sorted(set(before["tags"]) - set(after["tags"]))
        added = {k: v for k, v in after["tags"].items() if before["tags"].get(k) != v}
        if removed:
            client.untag_log_group(aws_retry=True, logGroupName=name, tags=removed)
        if added:
            client.tag_log_group(aws_retry=True, logGroupName=name, tags=added)
    if after["retention_in_days"] != before["retention_in_days"] and after["retention_in_days"] is not None:
        client.put_retention_policy(aws_retry=True, logGroupName=name, retentionInDays=after["retention_in_days"])


def main():
    module = AnsibleAWSModule(
        argument_spec={
            "name": {"type": "str", "required": True, "aliases": ["log_group_name"]},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "retention_in_days": {"type": "int"},
            "kms_key_id": {"type": "str"},
            "tags": {"type": "dict"},
            "purge_tags": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    name = module.params["name"]
    retention = module.params["retention_in_days"]
    if retention is not None and retention not in RETENTION_DAYS:
        module.fail_json(
            msg=f"log group {name}: retention_in_days {retention} is not a value CloudWatch Logs accepts "
            f"({', '.join(map(str, RETENTION_DAYS))}); nothing was changed"
        )

    aws_errors = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)
    client = module.client("logs", retry_decorator=AWSRetry.jittered_backoff())
    try:
        before = describe(client, [name])[name]
    except aws_errors as exc:
        module.fail_json_aws(exc, msg=f"log group {name}: cannot read it")
    params = module.params
    after = wanted_group(
        before,
        params["state"],
        retention_in_days=params["retention_in_days"],
        kms_key_id=params["kms_key_id"],
        tags=params["tags"],
        purge_tags=params["purge_tags"],
    )
    if not before["exists"] and not after["exists"]:
        after = before
    changed = before != after
    if changed and not module.check_mode:
        try:
            apply(client, before, after)
        except aws_errors as exc:
            not_found = is_boto3_error_code("ResourceNotFoundException", exc)
            gone_already = not after["exists"] and isinstance(exc, not_found)
            if not gone_already:
                module.fail_json_aws(exc, msg=f"log group {name}: cannot bring it to the wanted state")
    module.exit_json(changed=changed, log_group=after, diff={"before": before, "after": after})


if __name__ == "__main__":
    main()
