"""Drift in a file the role writes no_log is drift, and its secret shows nowhere.

awscli.conf holds the static keys and proxy.conf a proxy password
(host_vars/drift-host1.yml): both are written by one looped task whose items
are no_log, and ansible-runner censors such a result to {'censored': ...},
its 'changed' with it. drift.env of the scheduled runs is written no_log too.
Runs after test_drift.py and test_schedule.py, on the converged hosts they leave.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import testinfra
from drift_runner import ENDPOINT, INVENTORY_FILE, REGION, Run, client, drift_fix

SUMMARY_GROUP = "awslogs-drift-secrets"
KEY_EDIT, PROXY_EDIT, ENV_EDIT = "HandEdited-S3cret-Key", "Pr0xy-S3cret-Hand", "HandEdited-Env-S3cret"
# What the role writes (host_vars/drift-host1.yml): never in a message either.
PROXY_PASSWORD, ENV_SECRET = "Pr0xy-S3cret-5130", "p%40ss"
SECRETS = (KEY_EDIT, PROXY_EDIT, ENV_EDIT, PROXY_PASSWORD, ENV_SECRET)


@pytest.fixture(scope="module")
def host1() -> Any:
    return testinfra.get_host("ansible://drift-host1", ansible_inventory=str(INVENTORY_FILE))


def _summaries(stream: str) -> list[str]:
    events = client("logs").get_log_events(logGroupName=SUMMARY_GROUP, logStreamName=stream)["events"]
    return [event["message"] for event in events]


def _assert_no_secret(run: Run, stream: str) -> None:
    shown = {"output": run.stdout + run.stderr, "report": json.dumps(run.report)}
    shown["summary"] = "".join(_summaries(stream))
    for where, text in shown.items():
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} in the {where}"


def _summary_args(stream: str) -> list[str]:
    return ["--cloudwatch-group", SUMMARY_GROUP, "--cloudwatch-stream", stream, "--endpoint-url", ENDPOINT]


@pytest.fixture(scope="module")
def agent_fix(host1: Any, tmp_path_factory: pytest.TempPathFactory) -> Run:
    key = f"s/^aws_secret_access_key = .*/aws_secret_access_key = {KEY_EDIT}/"
    host1.run_expect([0], f"sed -i '{key}' /etc/awslogs/awscli.conf")
    host1.run_expect([0], f"sed -i 's/{PROXY_PASSWORD}/{PROXY_EDIT}/' /etc/awslogs/proxy.conf")
    report = tmp_path_factory.mktemp("secret") / "drift.json"
    return drift_fix(report, "--limit", "drift-host1", "--region", REGION, *_summary_args("agent"))


def test_a_hand_edit_of_the_secret_files_is_drift_fixed_and_verified(agent_fix: Run) -> None:
    assert agent_fix.rc == 2, agent_fix.stdout + agent_fix.stderr
    (item,) = agent_fix.report["drift"]
    assert (item["host"], item["task"], item["outcome"]) == (
        "drift-host1",
        "Write the agent's configuration, unit and pins",
        "fixed",
    )
    assert item["diff"] == ""
    assert item["detail"] == {"censored": "the task has no_log: its diff is not shown", "censored_items": 2}
    assert agent_fix.report["runs"]["verify"] == {"rc": 0, "changed_tasks": 0}
    assert "  [fixed] drift-host1: awslogs : Write the agent's configuration, unit and pins" in agent_fix.stdout


def test_the_secret_files_are_put_back_and_the_agent_restarted(agent_fix: Run, host1: Any) -> None:
    assert agent_fix.rc == 2
    assert "aws_secret_access_key = testing\n" in host1.file("/etc/awslogs/awscli.conf").content_string
    proxy = host1.file("/etc/awslogs/proxy.conf").content_string
    assert f"HTTPS_PROXY=http://drift:{PROXY_PASSWORD}@127.0.0.1:5130\n" in proxy
    assert agent_fix.report["handlers"] == [{"host": "drift-host1", "task": "Restart awslogsd", "role": "awslogs"}]
    assert host1.service("awslogsd").is_running


def test_no_secret_in_the_output_the_report_or_the_summary_of_the_agent_fix(agent_fix: Run) -> None:
    assert agent_fix.rc == 2
    _assert_no_secret(agent_fix, "agent")


@pytest.fixture(scope="module")
def schedule_fix(host1: Any, tmp_path_factory: pytest.TempPathFactory) -> Run:
    host1.run_expect([0], f"echo 'AWSLOGS_HAND_EDIT=\"{ENV_EDIT}\"' >> /etc/awslogs-drift/drift.env")
    report = tmp_path_factory.mktemp("secret-env") / "drift.json"
    return drift_fix(report, "--playbook", "playbooks/drift_schedule.yml", "--region", REGION, *_summary_args("env"))


def test_a_hand_edit_of_the_schedules_environment_is_drift_fixed_and_verified(schedule_fix: Run, host1: Any) -> None:
    assert schedule_fix.rc == 2, schedule_fix.stdout + schedule_fix.stderr
    items = [(i["host"], i["task"], i["outcome"]) for i in schedule_fix.report["drift"]]
    assert items == [("drift-host1", "Write the runs' environment file", "fixed")]
    assert schedule_fix.report["drift"][0]["detail"] == {"censored": "the task has no_log: its diff is not shown"}
    env_file = host1.file("/etc/awslogs-drift/drift.env")
    assert "AWSLOGS_HAND_EDIT" not in env_file.content_string
    assert (env_file.user, env_file.mode) == ("root", 0o600)


def test_no_secret_in_the_output_the_report_or_the_summary_of_the_schedule_fix(schedule_fix: Run) -> None:
    assert schedule_fix.rc == 2
    _assert_no_secret(schedule_fix, "env")
