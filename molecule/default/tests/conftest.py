"""Fixtures of the default scenario: the endpoint and the host's settings."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, os.environ.get("MOLECULE_PROJECT_DIRECTORY", str(Path(__file__).resolve().parents[3])))

from tests.bench.logs import logs_client

ENV_NAME = "myapp-prd"
INSTANCE_ID = "i-0be0c000000000001"
GROUPS = {
    "backend": f"/aws/elasticbeanstalk/{ENV_NAME}/var/log/containers/backend.log",
    "nginx-access": f"/aws/elasticbeanstalk/{ENV_NAME}/var/log/nginx/access.log",
    "nginx-error": f"/aws/elasticbeanstalk/{ENV_NAME}/var/log/nginx/error.log",
}
FILES = {
    "backend": "/var/log/containers/backend.log",
    "nginx-access": "/var/log/nginx/access.log",
    "nginx-error": "/var/log/nginx/error.log",
}


@pytest.fixture(scope="session")
def logs():
    return logs_client(int(os.environ.get("AWSLOGS_BENCH_PORT", "5101")))


@pytest.fixture(scope="session")
def inventory() -> str:
    return os.environ["MOLECULE_INVENTORY_FILE"]
