"""The customer-managed policy type (four steps), and a stream whose log group is to be absent."""

from __future__ import annotations

import json
import re
import time
import uuid

from conftest import ROLE
from expected import GROUP, POLICY_DOCUMENT, RETENTION

MANAGED = "CloudwatchPolicyManaged"
ERROR_GROUP = f"{GROUP}nginx/error.log"


def changed(output: str) -> int:
    recap = re.search(r"localhost\s*: ok=\d+\s+changed=(\d+)\s+unreachable=0\s+failed=0", output)
    assert recap, output
    return int(recap.group(1))


def _managed(iam):
    return [p for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"] == MANAGED]


def test_managed_policy_four_steps(iam, run_play):
    settings = json.dumps({"awslogs_iam_policy_type": "managed", "awslogs_iam_policy_name": MANAGED})
    results, outputs = [], []
    for check in (True, False, True, False):
        outputs.append(run_play(settings, check=check).output)
        results.append(changed(outputs[-1]))
        if len(results) == 1:
            assert _managed(iam) == [], "check mode created the managed policy"
    # policy + attachment would change, did change, then nothing twice
    assert results == [2, 2, 0, 0]
    shown = outputs[0][outputs[0].index("Show the policy document change") :]
    assert "before: {}" in shown
    assert "logs:PutLogEvents" in shown
    (policy,) = _managed(iam)
    version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
    assert version["PolicyVersion"]["Document"] == POLICY_DOCUMENT
    attached = iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [policy["Arn"]]
    iam.detach_role_policy(RoleName=ROLE, PolicyArn=policy["Arn"])
    iam.delete_policy(PolicyArn=policy["Arn"])


def _groups(logs) -> dict:
    return {g["logGroupName"]: g.get("retentionInDays") for g in logs.describe_log_groups()["logGroups"]}


def test_a_group_is_deleted_only_when_its_stream_says_absent(logs, run_play):
    outside = "/aws/elasticbeanstalk/iam-test/not-in-the-streams.log"
    logs.create_log_group(logGroupName=outside)
    streams = [
        {
            "name": "backend",
            "file": "/var/log/containers/backend*.log",
            "log_group_name": f"{GROUP}containers/backend.log",
        },
        {"name": "nginx-access", "file": "/var/log/nginx/access.log", "log_group_name": f"{GROUP}nginx/access.log"},
        {"name": "nginx-error", "file": "/var/log/nginx/error.log", "log_group_name": ERROR_GROUP, "state": "absent"},
    ]
    streams[0]["retention_in_days"] = 30
    absent = json.dumps({"awslogs_streams": streams})

    check = run_play(absent, check=True)
    assert changed(check.output) == 2  # the policy drops the group, the group goes
    assert ERROR_GROUP in _groups(logs), "check mode deleted the group"

    apply = run_play(absent)
    assert changed(apply.output) == 2
    groups = _groups(logs)
    assert ERROR_GROUP not in groups
    assert outside in groups, "a group no stream names was deleted"

    restore = run_play()
    assert changed(restore.output) == 2
    assert _groups(logs)[ERROR_GROUP] == RETENTION[ERROR_GROUP]
    logs.delete_log_group(logGroupName=outside)


def test_a_group_another_stream_still_ships_to_is_never_deleted(logs, run_play, snapshot):
    """Issue 13: an absent stream on the group of a present one used to delete it under the present one."""
    group = f"{GROUP}containers/backend.log"
    logs.create_log_stream(logGroupName=group, logStreamName="kept")
    event = {"timestamp": int(time.time() * 1000), "message": f"must survive {uuid.uuid4()}"}
    logs.put_log_events(logGroupName=group, logStreamName="kept", logEvents=[event])
    streams = [
        {"name": "backend", "file": "/var/log/containers/backend*.log", "log_group_name": group},
        {"name": "old-backend", "file": "/var/log/old/backend.log", "log_group_name": group, "state": "absent"},
    ]
    before = snapshot()
    for check in (True, False):
        run = run_play(json.dumps({"awslogs_streams": streams}), check=check)
        assert run.rc != 0, run.output
        flat = " ".join(run.output.replace("\\n", " ").split())
        assert f"awslogs_streams[old-backend].state: absent would delete the log group '{group}'" in flat, flat
        assert "which stream(s) backend still ship to" in flat
        assert re.search(r"localhost\s*: ok=\d+\s+changed=0\s+unreachable=0\s+failed=1", run.output), run.output
    assert snapshot() == before
    found = logs.get_log_events(logGroupName=group, logStreamName="kept", startFromHead=True)["events"]
    assert [e["message"] for e in found] == [event["message"]]
    logs.delete_log_stream(logGroupName=group, logStreamName="kept")
