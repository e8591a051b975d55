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
  - With a local connection (the role's control-node play) the action plugin of the same name runs this
    read in the controller's worker, without a module process; elsewhere, or when the controller's Python
    has no boto3, it runs this module.
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

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.awslogs_ops.awslogs.plugins.module_utils.awslogs_aws_read import ARGUMENT_SPEC, ReadError, read


def main():
    module = AnsibleAWSModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    retry = AWSRetry.jittered_backoff()
    try:
        result = read(lambda service: module.client(service, retry_decorator=retry), module.params)
    except ReadError as exc:
        module.fail_json_aws(exc.__cause__, msg=exc.message)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
