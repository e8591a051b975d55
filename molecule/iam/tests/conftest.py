"""Fixtures of the iam scenario: boto3 clients of the endpoint and a runner of playbooks/aws.yml."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(PROJECT))

from tests.bench.endpoint import client  # noqa: E402

SCENARIO = Path(__file__).resolve().parents[1]
PORT = int(os.environ.get("AWSLOGS_BENCH_PORT", "5102"))
ENDPOINT = f"http://127.0.0.1:{PORT}"
REGION = "ap-northeast-2"
ROLE = "aws-elasticbeanstalk-ec2-role"
POLICY = "CloudwatchPolicy"
ADMIN_FILE = PROJECT / ".cache" / "molecule-iam" / "admin.json"


@dataclass
class Run:
    rc: int
    output: str


def _client(service: str, key: dict):
    return client(service, PORT, key["access_key_id"], key["secret_access_key"], REGION)


@pytest.fixture(scope="session")
def admin_key() -> dict:
    return json.loads(ADMIN_FILE.read_text())


@pytest.fixture(scope="session")
def iam(admin_key):
    return _client("iam", admin_key)


@pytest.fixture(scope="session")
def logs(admin_key):
    return _client("logs", admin_key)


def run_aws_play(*extra: str, check: bool = False, key: dict | None = None) -> Run:
    """ansible-playbook playbooks/aws.yml with the scenario's vars, as a user runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(MOLECULE_PROJECT_DIRECTORY=str(PROJECT), ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1")
    command = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        "playbooks/aws.yml",
        "--diff",
        "-e",
        f"@{SCENARIO / 'vars' / 'bench.yml'}",
    ]
    if key:
        command += ["-e", json.dumps({"awslogs_iam_credentials_file": "", **_key_vars(key)})]
    if check:
        command.append("--check")
    for item in extra:
        command += ["-e", item]
    done = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600, check=False)
    return Run(done.returncode, done.stdout + done.stderr)


def _key_vars(key: dict) -> dict:
    return {
        "awslogs_iam_aws_access_key_id": key["access_key_id"],
        "awslogs_iam_aws_secret_access_key": key["secret_access_key"],
    }


@pytest.fixture(scope="session")
def run_play():
    return run_aws_play


@pytest.fixture
def snapshot(iam, logs):
    """Everything the role could change at the endpoint, as plain data."""

    def take() -> dict:
        roles = {}
        for role in iam.list_roles()["Roles"]:
            name = role["RoleName"]
            roles[name] = {
                policy: iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
                for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]
            }
        groups = {
            group["logGroupName"]: (
                group.get("retentionInDays"),
                logs.list_tags_log_group(logGroupName=group["logGroupName"])["tags"],
            )
            for group in logs.describe_log_groups()["logGroups"]
        }
        return {"roles": roles, "groups": groups}

    return take
