#!/usr/bin/python
# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""Ansible module: the document of a customer-managed IAM policy's default version (read only)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: awslogs_iam_policy_document
short_description: Read the document of a customer-managed IAM policy
description:
  - Returns the document of the default version of a customer-managed policy, or that the policy does
    not exist. amazon.aws 10.x has no module that returns it, and the awslogs_iam role shows it as the
    "before" of the policy change in check mode and diff mode. Changes nothing.
options:
  arn:
    description: ARN of the policy.
    required: true
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
version_added: 0.1.0
author:
  - awslogs-ops maintainers (@awslogs-ops)
"""

EXAMPLES = r"""
- name: Read the agent's managed policy
  awslogs_ops.awslogs.awslogs_iam_policy_document:
    arn: arn:aws:iam::123456789012:policy/CloudwatchPolicy
"""

RETURN = r"""
exists:
  description: Whether the policy exists.
  returned: always
  type: bool
document:
  description: The default version's document; empty when the policy does not exist.
  returned: always
  type: dict
"""

import contextlib

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

with contextlib.suppress(ImportError):  # AnsibleAWSModule reports a missing botocore
    import botocore


def main():
    module = AnsibleAWSModule(argument_spec={"arn": {"type": "str", "required": True}}, supports_check_mode=True)
    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    arn = module.params["arn"]
    try:
        policy = client.get_policy(aws_retry=True, PolicyArn=arn)["Policy"]
        version = client.get_policy_version(aws_retry=True, PolicyArn=arn, VersionId=policy["DefaultVersionId"])
    except botocore.exceptions.ClientError as exc:
        if exc.response["Error"]["Code"] == "NoSuchEntity":
            module.exit_json(changed=False, exists=False, document={})
        module.fail_json_aws(exc, msg=f"cannot read the managed policy {arn}")
    except botocore.exceptions.BotoCoreError as exc:
        module.fail_json_aws(exc, msg=f"cannot read the managed policy {arn}")
    module.exit_json(changed=False, exists=True, document=version["PolicyVersion"]["Document"])


if __name__ == "__main__":
    main()
