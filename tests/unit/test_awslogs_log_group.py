"""The log group modules' plan: what a run wants from what it found (no AWS call)."""

from __future__ import annotations

import sys
from pathlib import Path

import awslogs_streams
from ansible_collections.awslogs_ops.awslogs.plugins.module_utils.awslogs_log_groups import after

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "plugins" / "modules"))
from awslogs_log_group import RETENTION_DAYS

MISSING = {"name": "/g", "exists": False, "retention_in_days": None, "kms_key_id": None, "tags": {}}
FOUND = {"name": "/g", "exists": True, "retention_in_days": 7, "kms_key_id": None, "tags": {"keep": "me"}}


def wanted(params: dict, before: dict) -> dict:
    return after(before, **{"state": "present", **params})


def test_a_missing_group_is_created_with_its_retention():
    assert wanted({"retention_in_days": 90}, MISSING) == {**MISSING, "exists": True, "retention_in_days": 90}


def test_a_drifted_retention_is_put_back_and_other_tags_are_kept():
    drifted = wanted({"retention_in_days": 30, "tags": {"team": "web"}}, FOUND)
    assert drifted == {**FOUND, "retention_in_days": 30, "tags": {"keep": "me", "team": "web"}}


def test_purge_tags_removes_unlisted_tags():
    assert wanted({"tags": {"team": "web"}, "purge_tags": True}, FOUND)["tags"] == {"team": "web"}


def test_unset_options_leave_the_group_as_it_is():
    assert wanted({}, FOUND) == FOUND


def test_only_state_absent_removes_the_group():
    assert wanted({"state": "absent"}, FOUND)["exists"] is False
    assert wanted({"retention_in_days": 1}, FOUND)["exists"] is True


def test_the_module_knows_the_retentions_the_stream_check_accepts():
    # amazon.aws.cloudwatchlogs_log_group 10.x lacks 1096, 2192, 2557, 2922 and 3288, and deletes the group.
    assert RETENTION_DAYS == awslogs_streams.RETENTION_DAYS
    assert {1096, 2192, 2557, 2922, 3288} <= set(RETENTION_DAYS)
