"""Send the summary, as one event, to a CloudWatch Logs group of its own."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError


class CloudWatchError(Exception):
    """The summary could not be sent."""


def send_summary(
    report: dict[str, Any],
    *,
    group: str,
    stream: str = "",
    region: str | None = None,
    endpoint_url: str | None = None,
) -> str:
    """Put the summary (the report without the diffs) as one JSON event.

    The group and stream are created when missing. The endpoint defaults to
    AWS_ENDPOINT_URL (boto3 reads it) so a local endpoint works as well.
    """
    stream = stream or socket.gethostname()
    summary = {key: value for key, value in report.items() if key not in ("drift", "new_drift_after_fix")}
    summary["drift"] = [
        {key: item[key] for key in ("host", "task", "role", "outcome")} for item in report.get("drift", [])
    ]
    try:
        logs = boto3.client("logs", region_name=region, endpoint_url=endpoint_url or None)
        _ensure(logs.create_log_group, "ResourceAlreadyExistsException", logGroupName=group)
        _ensure(logs.create_log_stream, "ResourceAlreadyExistsException", logGroupName=group, logStreamName=stream)
        logs.put_log_events(
            logGroupName=group,
            logStreamName=stream,
            logEvents=[{"timestamp": int(time.time() * 1000), "message": json.dumps(summary, sort_keys=True)}],
        )
    except (BotoCoreError, ClientError) as exc:
        raise CloudWatchError(f"cannot send the summary to CloudWatch Logs group {group}: {exc}") from exc
    return f"{group}/{stream}"


def _ensure(call: Any, exists: str, **kwargs: str) -> None:
    try:
        call(**kwargs)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != exists:
            raise
