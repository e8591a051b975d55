"""Every event carries the time written in its line: to the millisecond where the format has it."""

from __future__ import annotations

import pytest
from conftest import GROUPS, INSTANCE_ID, STREAMS

from tests.bench import project
from tests.bench.logs import events


def line_time_ms(stream: str, message: str) -> int:
    """The time in the event's first line, in ms; naive times are UTC (the host's zone and Django's)."""
    found = project.line_time_ms(STREAMS[stream]["datetime_format"], message)
    assert found is not None, f"{stream}: no time in {message!r}"
    return found


@pytest.mark.parametrize("stream", sorted(GROUPS))
def test_every_event_is_stamped_with_the_time_of_its_line(logs, stream):
    found = events(logs, GROUPS[stream], INSTANCE_ID)
    assert found
    wrong = [(e["timestamp"], e["message"]) for e in found if e["timestamp"] != line_time_ms(stream, e["message"])]
    assert not wrong


def test_backend_events_keep_the_milliseconds(logs):
    found = events(logs, GROUPS["backend"], INSTANCE_ID)
    assert len({event["timestamp"] % 1000 for event in found}) > 1
