"""awslogs_aws_state read in the controller (its action plugin) answers exactly as its module does.

Both run against a real moto server: the plain task takes the action plugin's path (a local
connection), the same task with a task environment runs the module, as it would on another host.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.bench import endpoint

ROOT = Path(__file__).resolve().parents[2]
PORT = 5137
ROLE = "bench-ec2-role"
GROUP = "/aws/elasticbeanstalk/unit/var/log/nginx/access.log"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]}


@pytest.fixture(scope="module")
def account():
    endpoint.start(PORT, fresh=True)
    try:
        iam = endpoint.client("iam", PORT)
        iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(TRUST))
        iam.put_role_policy(RoleName=ROLE, PolicyName="CloudwatchPolicy", PolicyDocument=json.dumps(POLICY))
        logs = endpoint.client("logs", PORT)
        logs.create_log_group(logGroupName=GROUP, tags={"team": "web"})
        logs.put_retention_policy(logGroupName=GROUP, retentionInDays=30)
        yield endpoint.url(PORT)
    finally:
        endpoint.stop(PORT)


def _read_both(tmp_path: Path, endpoint_url: str) -> tuple[dict, dict]:
    """The task's result through the action plugin, and through the module."""
    task = {
        "awslogs_ops.awslogs.awslogs_aws_state": {
            "role_name": ROLE,
            "policy_name": "CloudwatchPolicy",
            "log_groups": [
                {"name": GROUP, "retention_in_days": 90, "tags": {"team": "web"}},
                {"name": "/aws/elasticbeanstalk/unit/missing", "retention_in_days": 7},
            ],
            "region": endpoint.REGION,
            "endpoint_url": endpoint_url,
            "access_key": "testing",
            "secret_key": "testing",
        },
        "ignore_errors": True,
    }
    play = {
        "name": "Read twice",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "tasks": [
            {**task, "name": "In the controller", "register": "in_controller"},
            {**task, "name": "As a module", "register": "as_module", "environment": {"AWSLOGS_OPS_UNIT": "module"}},
            {
                "name": "Keep both",
                "ansible.builtin.copy": {
                    "content": "{{ {'in_controller': in_controller, 'as_module': as_module} | to_json }}",
                    "dest": str(tmp_path / "results.json"),
                    "mode": "0600",
                },
            },
        ],
    }
    (tmp_path / "read.yml").write_text(yaml.safe_dump([play]))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "AWS_"))}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        AWS_MAX_ATTEMPTS="1",
    )
    done = subprocess.run(
        ["ansible-playbook", "-vvv", "-i", "localhost,", str(tmp_path / "read.yml")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    # -vvv shows every command a connection runs: the module's Python is one, the controller's read none.
    sections = dict(re.findall(r"TASK \[(In the controller|As a module)\] \*+\n(.*?)(?=\nTASK \[)", done.stdout, re.S))
    assert "EXEC" not in sections["In the controller"], sections["In the controller"]
    assert "EXEC" in sections["As a module"], sections["As a module"]
    results = json.loads((tmp_path / "results.json").read_text())
    return results["in_controller"], results["as_module"]


def _answer(result: dict) -> dict:
    return {key: value for key, value in result.items() if key not in {"invocation", "warnings", "deprecations"}}


def test_the_controller_read_equals_the_module_read(tmp_path: Path, account: str) -> None:
    in_controller, as_module = _read_both(tmp_path, account)
    assert _answer(in_controller) == _answer(as_module)
    assert in_controller["role"]["exists"] is True
    assert in_controller["policy"]["document"] == POLICY
    assert in_controller["log_groups_drifted"] == [GROUP, "/aws/elasticbeanstalk/unit/missing"]


def test_an_unreachable_endpoint_fails_with_the_module_message(tmp_path: Path, account: str) -> None:
    in_controller, as_module = _read_both(tmp_path, "http://127.0.0.1:9")
    for result in (in_controller, as_module):
        assert result["failed"] is True
        assert result["msg"].startswith("cannot ask STS who the caller is; nothing was changed: Could not connect")
    assert in_controller["msg"] == as_module["msg"]
