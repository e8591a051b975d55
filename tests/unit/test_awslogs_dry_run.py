"""Unit tests of the dry-run report, on stderr the agent (awscli-cwlogs 1.4.6) really wrote."""

from __future__ import annotations

from awslogs_dry_run import awslogs_dry_run_report

BATCH = (
    "2026-11-25 05:01:20,255 - cwlogs.push.publisher - INFO - 15944 - Thread-3 - Log group: g, log stream: s, "
    "queue size: 0, Publish batch: {'source_id': '708fc6d5', 'num_of_events': %d, 'skipped_events_count': 0, "
    "'fallback_events_count': %d, 'batch_size_in_bytes': 228, 'first_event': {'timestamp': 1795514400123, "
    "'start_position': 0, 'end_position': 45}, 'last_event': {'timestamp': 1795514400456, 'start_position': 45, "
    "'end_position': 178}}\n"
)
FORMAT = "%Y-%m-%d %H:%M:%S,%f"


def test_every_event_parsed_keeps_its_milliseconds():
    report = awslogs_dry_run_report(BATCH % (2, 0), "backend", FORMAT)
    assert report["ok"]
    assert report["summary"] == (
        "backend: 2 event(s), 0 without a parseable time; "
        "first event stamped 2026-11-24 10:00:00.123 UTC, last 2026-11-24 10:00:00.456 UTC"
    )


def test_batches_are_summed_and_events_without_time_fail_naming_stream_and_key():
    report = awslogs_dry_run_report(BATCH % (3, 1) + BATCH % (2, 2), "backend", FORMAT)
    assert not report["ok"]
    assert (report["events"], report["without_time"]) == (5, 3)
    assert report["problems"] == [
        "awslogs_streams[backend].datetime_format '%Y-%m-%d %H:%M:%S,%f': 3 of 5 event(s) had no time the agent "
        "could parse; they would carry the previous event's time or the time they were read"
    ]


def test_no_batch_and_a_refused_format_are_problems():
    stderr = "2026-11-25 05:01:14,233 - cwlogs.push - WARNING - The datetime format (%Q) is invalid, will use ...\n"
    report = awslogs_dry_run_report(stderr, "nginx-error", "%Q")
    assert not report["ok"]
    assert report["problems"][0].startswith("awslogs_streams[nginx-error].datetime_format '%Q': the agent refused it")
    assert "read no event" in report["problems"][1]
