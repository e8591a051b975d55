"""Drift at the endpoint: check mode shows it and changes nothing, one run puts everything back."""

from __future__ import annotations

import json

from conftest import POLICY, ROLE
from expected import GROUP, POLICY_DOCUMENT, RETENTION

BACKEND = f"{GROUP}containers/backend.log"
OTHER_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}],
}


def _retention(logs, group):
    return next(g for g in logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"])["retentionInDays"]


def test_one_run_restores_retention_and_policy(iam, logs, run_play, snapshot):
    logs.put_retention_policy(logGroupName=BACKEND, retentionInDays=1)
    iam.delete_role_policy(RoleName=ROLE, PolicyName=POLICY)
    drifted = snapshot()

    check = run_play(check=True)
    assert check.rc == 0, check.output
    assert "-    retention_in_days: 1\n+    retention_in_days: 30" in check.output
    assert "changed=2" in check.output
    assert snapshot() == drifted, "check mode changed the endpoint"

    fix = run_play()
    assert fix.rc == 0, fix.output
    assert "changed=2" in fix.output
    assert _retention(logs, BACKEND) == RETENTION[BACKEND]
    assert iam.get_role_policy(RoleName=ROLE, PolicyName=POLICY)["PolicyDocument"] == POLICY_DOCUMENT

    again = run_play()
    assert again.rc == 0, again.output
    assert "changed=0" in again.output


def test_policy_name_clash_is_updated_and_shown_not_duplicated(iam, run_play):
    iam.put_role_policy(RoleName=ROLE, PolicyName=POLICY, PolicyDocument=json.dumps(OTHER_DOCUMENT))

    fix = run_play()
    assert fix.rc == 0, fix.output
    assert '"Action": "logs:*"' in fix.output or "Action: logs:*" in fix.output, "the diff shows the old document"
    assert "logs:PutLogEvents" in fix.output, "the diff shows the new document"
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == [POLICY]
    assert iam.get_role_policy(RoleName=ROLE, PolicyName=POLICY)["PolicyDocument"] == POLICY_DOCUMENT
