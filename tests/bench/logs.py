"""Read what arrived at the local CloudWatch Logs endpoint."""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.bench.endpoint import client


def logs_client(port: int, key: str = "testing", secret: str = "testing"):
    return client("logs", port, key, secret)


def events(client, group: str, stream: str) -> list[dict]:
    """Every event of one stream, oldest first, every page ([] if it does not exist yet)."""
    found: list[dict] = []
    kwargs = {"logGroupName": group, "logStreamName": stream, "startFromHead": True}
    while True:
        try:
            page = client.get_log_events(**kwargs)
        except client.exceptions.ResourceNotFoundException:
            return found
        found.extend(page["events"])
        if not page["events"] or page.get("nextForwardToken") == kwargs.get("nextToken"):
            return found
        kwargs["nextToken"] = page["nextForwardToken"]


def messages(client, group: str, stream: str) -> list[str]:
    """Every event message of one stream, oldest first ([] if it does not exist yet)."""
    return [event["message"] for event in events(client, group, stream)]


def wait_for_messages(
    client,
    group: str,
    stream: str,
    ready: Callable[[list[str]], bool],
    *,
    timeout: float = 60,
    progress: Callable[[float], None] | None = None,
) -> list[str]:
    """Poll until ``ready(messages)``; raise AssertionError with what arrived at the deadline."""
    started = time.monotonic()
    while True:
        found = messages(client, group, stream)
        if ready(found):
            return found
        waited = time.monotonic() - started
        if waited > timeout:
            raise AssertionError(f"after {timeout:.0f} s, {group} / {stream} holds {found!r}")
        if progress:
            progress(waited)
        time.sleep(1)
