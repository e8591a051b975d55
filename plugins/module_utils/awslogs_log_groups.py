# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""Log groups as {name, exists, retention_in_days, kms_key_id, tags}: read, and the wanted state of one.

Shared by the awslogs_log_group module (one group, read and written) and the
awslogs_aws_state module (every group of the stream list, read in one
paginated DescribeLogGroups).
"""

from __future__ import annotations

import os


def absent(name):
    return {"name": name, "exists": False, "retention_in_days": None, "kms_key_id": None, "tags": {}}


def _group(client, group, with_tags):
    name = group["logGroupName"]
    tags = client.list_tags_log_group(aws_retry=True, logGroupName=name).get("tags", {}) if with_tags else {}
    return {
        "name": name,
        "exists": True,
        "retention_in_days": group.get("retentionInDays"),
        "kms_key_id": group.get("kmsKeyId"),
        "tags": tags,
    }


def describe(client, names, tagged=None):
    """{name: group} for every name, from one paginated DescribeLogGroups over the names' common prefix.

    Tags are read (one call a group) for the groups in ``tagged``; None reads them for every group.
    """
    wanted = set(names)
    prefix = os.path.commonprefix(sorted(wanted))  # noqa: RUF071 - a string prefix, as logGroupNamePrefix is
    found = {}
    paginator = client.get_paginator("describe_log_groups")
    for page in paginator.paginate(**({"logGroupNamePrefix": prefix} if prefix else {})):
        for group in page.get("logGroups", []):
            name = group["logGroupName"]
            if name in wanted:
                found[name] = _group(client, group, tagged is None or name in tagged)
    return {name: found.get(name, absent(name)) for name in names}


def after(before, state, *, retention_in_days=None, kms_key_id=None, tags=None, purge_tags=False):
    """The group once it is as asked: absent, or present with the retention, key and tags given (None: as it is)."""
    if state == "absent":
        return absent(before["name"])
    result = dict(before, exists=True, tags=dict(before["tags"]))
    if retention_in_days is not None:
        result["retention_in_days"] = retention_in_days
    if kms_key_id:
        result["kms_key_id"] = kms_key_id
    if tags is not None:
        desired = {str(k): str(v) for k, v in tags.items()}
        result["tags"] = desired if purge_tags else {**result["tags"], **desired}
    return result
