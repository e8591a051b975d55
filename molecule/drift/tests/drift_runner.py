"""Run the real awslogs-drift command against this scenario, and reach its endpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
sys.path.insert(0, str(PROJECT_DIR))

from tests.bench import endpoint  # noqa: E402

INVENTORY_FILE = Path(os.environ["MOLECULE_INVENTORY_FILE"])
PORT = int(os.environ.get("AWSLOGS_BENCH_PORT", "5104"))
ENDPOINT = endpoint.url(PORT)
REGION = endpoint.REGION
# A directory to keep every run's events in (how tests/unit/fixtures are recorded).
RECORD_DIR = os.environ.get("AWSLOGS_DRIFT_RECORD_DIR", "")


@dataclass
class Run:
    rc: int
    stdout: str
    stderr: str
    report: dict[str, Any]
    seconds: float


def drift_fix(report: Path, *args: str) -> Run:
    """The runner, as a user runs it: the project's ansible.cfg, the molecule inventory."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(PYTHONPATH=str(PROJECT_DIR), AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    command = [sys.executable, "-m", "awslogs_drift", "--project-dir", str(PROJECT_DIR)]
    command += ["-i", str(INVENTORY_FILE.parent), "--report", str(report), "--lock-file", str(report) + ".lock"]
    if RECORD_DIR:
        command += ["--artifacts", RECORD_DIR]
    started = time.monotonic()
    done = subprocess.run(
        [*command, *args], env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False, timeout=600
    )
    print(done.stdout, done.stderr)
    assert "Traceback" not in done.stdout + done.stderr
    return Run(done.returncode, done.stdout, done.stderr, json.loads(report.read_text()), time.monotonic() - started)


def client(service: str) -> Any:
    return endpoint.client(service, PORT)
