"""Unit tests of the datetime_format check: the agent's own pattern building, and sample_line."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from awslogs_streams import agent_datetime_parse, awslogs_stream_errors

ROOT = Path(__file__).resolve().parents[2]
# The one stream list (the agent role has no default list).
DEFAULT_LISTS = ("inventory/group_vars/all/awslogs.yml",)


def backend(**overrides) -> dict:
    stream = {"name": "backend", "file": "/var/log/containers/backend*.log", "log_group_name": "/app/backend.log"}
    stream.update(overrides)
    return stream


@pytest.mark.parametrize(
    ("datetime_format", "line", "expected"),
    [
        (
            "%Y-%m-%d %H:%M:%S,%f",
            "INFO 2026-11-24 10:00:00,123 views 7 140245 payment accepted",
            datetime(2026, 11, 24, 10, 0, 0, 123000),
        ),
        (
            "%d/%b/%Y:%H:%M:%S %z",
            '127.0.0.1 - - [24/Nov/2026:10:00:00 +0900] "GET / HTTP/1.1" 200 612',
            datetime(2026, 11, 24, 10, 0, 0, tzinfo=timezone(timedelta(hours=9))),
        ),
        ("%Y/%m/%d %H:%M:%S", "2026/11/24 10:00:00 [error] 7#7: *1 open() failed", datetime(2026, 11, 24, 10, 0, 0)),
        ("%Y-%m-%d %H:%M:%S", "INFO 2026-11-24 10:00:00,123 views", datetime(2026, 11, 24, 10, 0, 0)),
        ("%Y-%m-%d %H:%M:%S,%f", "INFO 2026-11-24 10:00:00 views", None),
    ],
)
def test_the_agent_reads_the_time_anywhere_in_the_line(datetime_format, line, expected):
    assert agent_datetime_parse(datetime_format, line) == expected


@pytest.mark.parametrize(
    ("datetime_format", "expected"),
    [
        ("%Q %H", "awslogs_streams[backend].datetime_format '%Q %H' is not a pattern the agent can build (KeyError"),
        ("%Y %", "awslogs_streams[backend].datetime_format '%Y %' is not a pattern the agent can build (IndexError"),
        ("%Y%Y", "awslogs_streams[backend].datetime_format '%Y%Y' is not a pattern the agent can build (error"),
        ("ISO8601", "awslogs_streams[backend].datetime_format 'ISO8601' has no strftime directive"),
    ],
)
def test_a_format_the_agent_cannot_build_is_named(datetime_format, expected):
    errors = awslogs_stream_errors([backend(datetime_format=datetime_format)])
    assert [error for error in errors if error.startswith(expected)], errors


def test_a_format_that_matches_no_sample_line_is_named_with_the_samples():
    errors = awslogs_stream_errors(
        [backend(datetime_format="%Y-%m-%d %H:%M:%S,%f", sample_line="INFO 2026-11-24 10:00:00 views hello")]
    )
    assert errors == [
        "awslogs_streams[backend].datetime_format '%Y-%m-%d %H:%M:%S,%f' matches none of sample_line "
        "['INFO 2026-11-24 10:00:00 views hello']"
    ]


def test_one_matching_sample_of_a_list_is_enough():
    samples = ["Traceback (most recent call last):", "ERROR 2026-11-24 10:00:00,001 views 7 1 boom"]
    assert awslogs_stream_errors([backend(datetime_format="%Y-%m-%d %H:%M:%S,%f", sample_line=samples)]) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"sample_line": "INFO 2026-11-24 10:00:00,123"}, "sample_line needs a datetime_format to check"),
        (
            {"datetime_format": "%Y", "sample_line": [1]},
            "sample_line must be a line of the log file, or a list of them",
        ),
    ],
)
def test_sample_line_itself_is_checked(overrides, expected):
    assert awslogs_stream_errors([backend(**overrides)]) == [f"awslogs_streams[backend].{expected}"]


@pytest.mark.parametrize("path", DEFAULT_LISTS)
def test_every_default_stream_parses_its_sample_to_the_precision_of_its_format(path):
    streams = yaml.safe_load((ROOT / path).read_text())["awslogs_streams"]
    for stream in streams:
        parsed = agent_datetime_parse(stream["datetime_format"], stream["sample_line"])
        assert parsed is not None, stream["name"]
        assert parsed.microsecond == (123000 if "%f" in stream["datetime_format"] else 0)


def test_the_bench_writer_lines_parse_to_the_millisecond_with_the_default_backend_format():
    from tests.bench.sequence_writer import line  # noqa: PLC0415 - bench code, imported where it is checked

    streams = yaml.safe_load((ROOT / DEFAULT_LISTS[0]).read_text())["awslogs_streams"]
    backend_format = next(stream["datetime_format"] for stream in streams if stream["name"] == "backend")
    text = line("r1", 7, 1795514400.123456, 80).decode()
    assert agent_datetime_parse(backend_format, text) == datetime(2026, 11, 24, 10, 0, 0, 123000)
