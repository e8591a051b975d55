"""Fixtures of the least_privilege scenario: the administrator's and the agent's clients."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

PROJECT = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", Path(__file__).resolve().parents[3]))
sys.path.insert(0, str(PROJECT))

from tests.bench.endpoint import client  # noqa: E402

STATE = PROJECT / ".cache" / "molecule-least_privilege"
PORT = int(os.environ.get("AWSLOGS_BENCH_PORT", "5103"))
REGION = "ap-northeast-2"
INSTANCE_ID = "i-01ea5700000000001"
GROUP = "/aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log"
OUTSIDE = "/aws/elasticbeanstalk/other-env/var/log/containers/backend.log"


def _client(service: str, who: str):
    key = json.loads((STATE / f"{who}.json").read_text())
    return client(service, PORT, key["access_key_id"], key["secret_access_key"], REGION)


@pytest.fixture(scope="session")
def admin_logs():
    return _client("logs", "admin")


@pytest.fixture(scope="session")
def admin_iam():
    return _client("iam", "admin")


@pytest.fixture(scope="session")
def agent_logs():
    return _client("logs", "agent")
