"""Every event carries the time written in its line: to the millisecond where the format has it.

The scenario's streams need the agent extension: the backend writes Asia/Seoul times on a UTC host
(time_zone: Asia/Seoul), nginx writes $time_iso8601 (+00:00), a Korean application writes
2026년 12월 02일 09:00:00 (a non-ASCII format and multi-line pattern)."""

from __future__ import annotations

import shlex
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import GROUPS, INSTANCE_ID, STREAMS, wait_for_events

from tests.bench import project
from tests.bench.logs import events


def line_time_ms(stream: str, message: str) -> int:
    """The time in the event's first line, in ms; naive times are in the stream's time_zone."""
    found = project.line_time_ms(STREAMS[stream]["datetime_format"], message, STREAMS[stream].get("time_zone", "UTC"))
    assert found is not None, f"{stream}: no time in {message!r}"
    return found


def test_korean_lines_arrive_with_their_own_time_and_their_continuation(host, logs):
    """Seoul's present second (the agent skips events over 14 days old), in a Korean format, then a continuation."""
    now = datetime.now(ZoneInfo("Asia/Seoul")).replace(microsecond=0) - timedelta(seconds=5)
    fmt = STREAMS["korean"]["datetime_format"]
    second = now + timedelta(seconds=1)
    lines = [f"{now.strftime(fmt)} 주문 접수 번호=1", "  상세: 결제 대기", f"{second.strftime(fmt)} 결제 완료"]
    quoted = " ".join(shlex.quote(line) for line in lines)
    host.check_output(f"printf '%s\\n' {quoted} >> /var/log/containers/korean.log")
    found = wait_for_events(logs, "korean", lambda events: len(events) >= 2)
    assert [event["message"] for event in found] == [lines[0] + "\n" + lines[1], lines[2]]
    expected = int(now.timestamp() * 1000)
    assert [event["timestamp"] for event in found] == [expected, expected + 1000]


def test_the_backends_seoul_times_and_nginxs_iso_times_are_read_from_the_line(logs):
    backend = events(logs, GROUPS["backend"], INSTANCE_ID)
    assert backend and all(line_time_ms("backend", event["message"]) == event["timestamp"] for event in backend)
    access = events(logs, GROUPS["nginx-access"], INSTANCE_ID)
    assert access and all("+00:00]" in event["message"] for event in access)


@pytest.mark.parametrize("stream", sorted(GROUPS))
def test_every_event_is_stamped_with_the_time_of_its_line(logs, stream):
    found = events(logs, GROUPS[stream], INSTANCE_ID)
    assert found
    wrong = [(e["timestamp"], e["message"]) for e in found if e["timestamp"] != line_time_ms(stream, e["message"])]
    assert not wrong


def test_backend_events_keep_the_milliseconds(logs):
    found = events(logs, GROUPS["backend"], INSTANCE_ID)
    assert len({event["timestamp"] % 1000 for event in found}) > 1
