"""Fixtures of the platforms scenario: each host's release, interpreter, pins and metadata service."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, os.environ.get("MOLECULE_PROJECT_DIRECTORY", str(Path(__file__).resolve().parents[3])))

from tests.bench.logs import logs_client
from tests.bench.project import role_pip_pins

SCENARIO = Path(__file__).resolve().parents[1]
GROUP = "/aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log"
FILE = "/var/log/containers/backend.log"


@dataclass(frozen=True)
class Platform:
    name: str
    python: str
    imds_port: int
    instance_id: str

    @property
    def pins(self) -> list[str]:
        return role_pip_pins(self.python)


def _platform(name: str, python: str) -> Platform:
    host_vars = yaml.safe_load((SCENARIO / "host_vars" / f"{name}.yml").read_text())
    port = int(host_vars["awslogs_imds_endpoint"].rsplit(":", 1)[1])
    return Platform(name, python, port, host_vars["bench_imds_instance_id"])


# The python3 of each release (tests/bench/image.py RELEASES).
PLATFORMS = {
    p.name: p
    for p in (
        _platform("platforms-debian11", "3.9"),
        _platform("platforms-debian12", "3.11"),
        _platform("platforms-debian13", "3.13"),
    )
}


@pytest.fixture(scope="session")
def logs():
    return logs_client(int(os.environ.get("AWSLOGS_BENCH_PORT", "5150")))


@pytest.fixture
def platform(host) -> Platform:
    return PLATFORMS[host.backend.get_hostname()]
