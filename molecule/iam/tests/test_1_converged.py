"""After converge: the policy, the role and the groups, read back with boto3."""

from __future__ import annotations

import pytest
from conftest import POLICY, ROLE
from expected import POLICY_DOCUMENT, RETENTION, TAGS


def test_policy_document_is_exactly_the_expected_one(iam):
    document = iam.get_role_policy(RoleName=ROLE, PolicyName=POLICY)["PolicyDocument"]
    assert document == POLICY_DOCUMENT


def test_the_role_holds_only_this_inline_policy(iam):
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == [POLICY]


def test_the_role_is_trusted_by_ec2_and_has_its_instance_profile(iam):
    role = iam.get_role(RoleName=ROLE)["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    profiles = iam.list_instance_profiles_for_role(RoleName=ROLE)["InstanceProfiles"]
    assert [profile["InstanceProfileName"] for profile in profiles] == [ROLE]


@pytest.mark.parametrize("group", sorted(RETENTION))
def test_every_group_exists_with_its_retention_and_tags(logs, group):
    found = [g for g in logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"] if g["logGroupName"] == group]
    assert len(found) == 1
    assert found[0]["retentionInDays"] == RETENTION[group]
    assert logs.list_tags_log_group(logGroupName=group)["tags"] == TAGS.get(group, {})
