"""Fixtures of the least_privilege scenario: the administrator's and the agent's clients."""

from __future__ import annotations

import json
import os
from pathlib import Path

import boto3
import pytest

PROJECT = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", Path(__file__).resolve().parents[3]))
STATE = PROJECT / ".cache" / "molecule-least_privilege"
ENDPOINT = f"http://127.0.0.1:{os.environ.get('AWSLOGS_LP_BENCH_PORT', '5103')}"
REGION = "ap-northeast-2"
INSTANCE_ID = "i-01ea5700000000001"
GROUP = "/aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log"
OUTSIDE = "/aws/elasticbeanstalk/other-env/var/log/containers/backend.log"


def _client(service: str, who: str):
    key = json.loads((STATE / f"{who}.json").read_text())
    return boto3.client(
        service,
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id=key["access_key_id"],
        aws_secret_access_key=key["secret_access_key"],
    )


@pytest.fixture(scope="session")
def admin_logs():
    return _client("logs", "admin")


@pytest.fixture(scope="session")
def admin_iam():
    return _client("iam", "admin")


@pytest.fixture(scope="session")
def agent_logs():
    return _client("logs", "agent")
