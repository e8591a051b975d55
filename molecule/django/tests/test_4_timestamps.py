"""Every event carries the time written in its line: to the millisecond where the format has it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from awslogs_streams import agent_datetime_parse
from conftest import GROUPS, INSTANCE_ID, STREAMS

from tests.bench.logs import events

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def line_time_ms(stream: str, message: str) -> int:
    """The time in the event's first line, in ms; naive times are UTC (the host's zone and Django's)."""
    parsed = agent_datetime_parse(STREAMS[stream]["datetime_format"], message.splitlines()[0])
    assert parsed is not None, f"{stream}: no time in {message!r}"
    aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return (aware - EPOCH) // timedelta(milliseconds=1)


@pytest.mark.parametrize("stream", sorted(GROUPS))
def test_every_event_is_stamped_with_the_time_of_its_line(logs, stream):
    found = events(logs, GROUPS[stream], INSTANCE_ID)
    assert found
    wrong = [(e["timestamp"], e["message"]) for e in found if e["timestamp"] != line_time_ms(stream, e["message"])]
    assert not wrong


def test_backend_events_keep_the_milliseconds(logs):
    found = events(logs, GROUPS["backend"], INSTANCE_ID)
    assert len({event["timestamp"] % 1000 for event in found}) > 1
