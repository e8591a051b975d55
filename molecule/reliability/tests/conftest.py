"""Fixtures of the reliability scenario: the host, the endpoint, and a run of
the sequence writer under one disturbance, counted at the endpoint."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest

sys.path.insert(0, os.environ.get("MOLECULE_PROJECT_DIRECTORY", str(Path(__file__).resolve().parents[3])))

from tests.bench.demo import booted
from tests.bench.logs import events, logs_client
from tests.bench.process import wait_for
from tests.bench.sequence import SEQ_RE, Tally, start_writer, wait_for_tally

CONTAINER = "reliability-debian12"
INSTANCE_ID = "i-0be0c00000000a109"
GROUP = "/aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log"
FILE = "/var/log/containers/backend.log"
RATE = 200
# Each case writes for at least 20 s: the disturbance comes after 8 s, the writer stops 12 s later.
AT_S = 8
AFTER_S = 12
# The agent's buffer_duration at the defaults: a batch holds at most this much of the writer's lines.
BATCH_S = 5


@dataclass(frozen=True)
class Run:
    tally: Tally
    duplicated_seqs: list[int]


@pytest.fixture(scope="session")
def logs():
    return logs_client(int(os.environ.get("AWSLOGS_BENCH_PORT", "5109")))


@pytest.fixture(scope="session")
def inventory() -> str:
    return os.environ["MOLECULE_INVENTORY_FILE"]


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True).stdout


def agent_pid() -> int:
    return int(docker("exec", CONTAINER, "systemctl", "show", "--property", "MainPID", "--value", "awslogsd"))


def duplicated_seqs(found: list[dict], run_id: str) -> list[int]:
    seen = Counter(
        int(match["seq"]) for event in found for match in SEQ_RE.finditer(event["message"]) if match["run"] == run_id
    )
    return sorted(seq for seq, count in seen.items() if count > 1)


def stop_writer(run_id: str) -> None:
    """SIGTERM to this run's writer only (its command line holds the run id); it stops after the current line."""
    docker("exec", CONTAINER, "pkill", "--signal", "TERM", "--full", "--", f"--run {run_id} ")


def boot_wait() -> None:
    wait_for(f"systemd in {CONTAINER}", partial(booted, CONTAINER), timeout=60)


@pytest.fixture
def under_load(logs):
    """Write RATE lines/s to FILE; ``disturb(run_id)`` after ``at_s``, go on for ``after_s``; count what arrived."""

    def run(disturb: Callable[[str], None], at_s: float, after_s: float, *, writer_survives: bool = True) -> Run:
        started = time.monotonic()
        writer = start_writer(CONTAINER, FILE, rate=RATE, duration_s=600)
        time.sleep(at_s)
        disturb(writer.run_id)
        if not writer_survives:
            # The writer stopped with its host: a new one continues the numbering from the ledger.
            writer.wait(timeout=60)
            writer = start_writer(CONTAINER, FILE, rate=RATE, duration_s=600, run_id=writer.run_id)
        time.sleep(after_s)
        stop_writer(writer.run_id)
        summary = writer.wait(timeout=60)
        tally = wait_for_tally(logs, GROUP, INSTANCE_ID, writer.run_id, summary["next"], timeout_s=120)
        print(f"\n{disturb.__doc__}, {time.monotonic() - started:.0f} s: {tally.as_row()}", flush=True)
        return Run(tally, duplicated_seqs(events(logs, GROUP, INSTANCE_ID), writer.run_id))

    return run
