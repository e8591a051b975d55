"""The local AWS endpoint: moto in server mode on 127.0.0.1.

It speaks the real CloudWatch Logs, IAM, STS and EC2 APIs over HTTP; boto3,
the amazon.aws modules and the agent all talk to it. With ``enforce_iam`` it
checks the caller's IAM policies (moto's INITIAL_NO_AUTH_ACTION_COUNT) after
the first few calls, and then, through moto_logs_arns/, checks CloudWatch
Logs calls against the ARN of the group or stream they act on, as AWS does.
"""

from __future__ import annotations

import os
import sys
import urllib.request
from pathlib import Path

from tests.bench.process import BenchError, listening, start_recorded, state_path, stop_recorded, wait_for

HOST = "127.0.0.1"
REGION = "ap-northeast-2"
LOGS_ARNS_DIR = Path(__file__).resolve().parent / "moto_logs_arns"


def url(port: int) -> str:
    return f"http://{HOST}:{port}"


def client(service: str, port: int, key: str = "testing", secret: str = "testing", region: str = REGION):
    """A boto3 client of the local endpoint."""
    import boto3  # noqa: PLC0415 - the bench commands that start and stop moto do not need it

    return boto3.client(
        service, endpoint_url=url(port), region_name=region, aws_access_key_id=key, aws_secret_access_key=secret
    )


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"{url(port)}/moto-api/data.json", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start(port: int, enforce_iam_after: int | None = None, *, fresh: bool = False) -> str:
    """Start moto on the port; an endpoint that answers is kept, unless fresh (empty state) is asked."""
    if fresh:
        stop(port)
    if answers(port):
        return f"endpoint: {url(port)} answers"
    if listening(HOST, port):
        raise BenchError(
            f"port {port} on {HOST} is taken by a program that does not answer as moto (one this checkout did not"
            f" start, perhaps a stopped bench of another clone): find it with `ss -ltnp 'sport = :{port}'` and stop it"
        )
    env = dict(os.environ)
    if enforce_iam_after is not None:
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(enforce_iam_after)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(LOGS_ARNS_DIR), env.get("PYTHONPATH")]))
    start_recorded(f"moto-{port}", [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)], env)
    wait_for(f"moto server on {url(port)} (log: .cache/bench/moto-{port}.log)", lambda: answers(port), timeout=60)
    return f"endpoint: started {url(port)}"


def stop(port: int) -> str:
    if not stop_recorded(state_path(f"moto-{port}.pid")):
        return f"endpoint: nothing started on {url(port)}"
    return f"endpoint: stopped {url(port)}"
