"""Fixtures of the django scenario: the endpoint, the stream list, HTTP through nginx."""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, os.environ.get("MOLECULE_PROJECT_DIRECTORY", str(Path(__file__).resolve().parents[3])))

from tests.bench import project
from tests.bench.logs import events, logs_client

PROJECT_DIR = Path(sys.path[0])

INSTANCE_ID = "i-0d1a0000000000108"
NGINX = "http://127.0.0.1:18108"
GUNICORN = "tcp://127.0.0.1:18118"
DEADLINE_S = 60
# The bench's stream list (Asia/Seoul, $time_iso8601, a Korean format), shared with the demo.
STREAMS = {stream["name"]: stream for stream in project.bench_streams()}
GROUPS = {
    name: stream["log_group_name"].replace("{{ awslogs_env_name }}", "myapp-prd") for name, stream in STREAMS.items()
}


@pytest.fixture(scope="session")
def logs():
    return logs_client(int(os.environ.get("AWSLOGS_BENCH_PORT", "5108")))


def get(path: str) -> int:
    """One real HTTP request through nginx; its status code."""
    try:
        with urllib.request.urlopen(NGINX + path, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_for_events(logs, stream: str, ready: Callable[[list[dict]], bool]) -> list[dict]:
    """Poll one group until ``ready(events)``; fail with what arrived at the deadline."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        found = events(logs, GROUPS[stream], INSTANCE_ID)
        if ready(found):
            return found
        assert time.monotonic() < deadline, f"after {DEADLINE_S} s, {stream} holds {[e['message'] for e in found]!r}"
        time.sleep(1)


def containing(found: list[dict], text: str) -> list[str]:
    return [event["message"] for event in found if text in event["message"]]


def restart_backend(host) -> None:
    """Restart gunicorn with its unit's current environment; return once it listens again."""
    host.run_expect([0], "systemctl daemon-reload && systemctl restart backend")
    deadline = time.monotonic() + 30
    while not host.socket(GUNICORN).is_listening:
        assert time.monotonic() < deadline, "gunicorn did not listen again within 30 s"
        time.sleep(0.5)
