"""Read what the agent's dry run (``aws logs push --dry-run``) says about a sample file.

The dry run prints each event's message on stdout and, per batch, a publisher
log line on stderr with the batch's event count, how many events had no
parseable time (``fallback_events_count``: they got the previous event's time
or the time of reading) and the first and last event's timestamps.
``awslogs_dry_run_report`` sums those batches and says whether the stream's
``datetime_format`` parsed every event.
"""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from typing import Any

BATCH_RE = re.compile(r"Publish batch: (\{.*\})\s*$", re.MULTILINE)
INVALID_FORMAT = "The datetime format"


def _stamp(millis: int) -> str:
    return datetime.fromtimestamp(millis / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC"


def awslogs_dry_run_report(stderr: str, stream: str, datetime_format: str) -> dict[str, Any]:
    """Return {ok, events, without_time, first, last, problems, summary} for one stream's dry run."""
    batches = [ast.literal_eval(match) for match in BATCH_RE.findall(stderr)]
    events = sum(batch["num_of_events"] for batch in batches)
    without_time = sum(batch["fallback_events_count"] for batch in batches)
    first = _stamp(batches[0]["first_event"]["timestamp"]) if batches else None
    last = _stamp(batches[-1]["last_event"]["timestamp"]) if batches else None
    label = f"awslogs_streams[{stream}].datetime_format {datetime_format!r}"
    problems = [
        f"{label}: the agent refused it ({line.strip()})" for line in stderr.splitlines() if INVALID_FORMAT in line
    ]
    if not events:
        problems.append(f"{label}: the agent's dry run read no event from the sample (is it empty?)")
    if without_time:
        problems.append(
            f"{label}: {without_time} of {events} event(s) had no time the agent could parse; they would carry "
            "the previous event's time or the time they were read"
        )
    summary = f"{stream}: {events} event(s), {without_time} without a parseable time"
    if first:
        summary += f"; first event stamped {first}, last {last}"
    return {
        "ok": not problems,
        "events": events,
        "without_time": without_time,
        "first": first,
        "last": last,
        "problems": problems,
        "summary": summary,
    }


class FilterModule:
    def filters(self) -> dict:
        return {"awslogs_dry_run_report": awslogs_dry_run_report}
