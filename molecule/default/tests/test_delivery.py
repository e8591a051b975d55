"""End to end: lines written on the host arrive as events at the endpoint."""

import uuid

import pytest
from conftest import FILES, GROUPS, INSTANCE_ID

from tests.bench.logs import messages, wait_for_messages

PRE_START_LINE = "2026-11-24 00:00:00,000 INFO bench line written before the agent started"
DEADLINE_S = 60


def append(host, path: str, text: str) -> None:
    host.run_expect([0], f"mkdir -p $(dirname {path}) && printf '%s' {quote(text)} >> {path}")


def quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


@pytest.mark.parametrize("stream", sorted(GROUPS))
def test_a_line_arrives_in_its_group_and_stream(host, logs, stream):
    line = f"2026-11-24 10:00:00,000 INFO {stream} {uuid.uuid4()}"
    append(host, FILES[stream], line + "\n")
    found = wait_for_messages(logs, GROUPS[stream], INSTANCE_ID, lambda got: line in got, timeout=DEADLINE_S)
    assert found.count(line) == 1


def test_a_traceback_arrives_as_one_event(host, logs):
    marker = uuid.uuid4()
    event = (
        f"2026-11-24 10:00:01,000 ERROR request failed {marker}\n"
        "Traceback (most recent call last):\n"
        '  File "/app/views.py", line 42, in get\n'
        "    return compute()\n"
        "ZeroDivisionError: division by zero"
    )
    follower = f"2026-11-24 10:00:02,000 INFO next request {marker}"
    append(host, FILES["backend"], f"{event}\n{follower}\n")
    found = wait_for_messages(logs, GROUPS["backend"], INSTANCE_ID, lambda got: event in got, timeout=DEADLINE_S)
    assert found.count(event) == 1
    assert not [message for message in found if message.startswith("Traceback")]


def test_a_line_written_before_the_agent_started_arrives_once_even_after_a_restart(host, logs):
    wait_for_messages(logs, GROUPS["backend"], INSTANCE_ID, lambda got: PRE_START_LINE in got, timeout=DEADLINE_S)
    host.run_expect([0], "systemctl restart awslogsd")
    marker = f"2026-11-24 10:00:03,000 INFO after restart {uuid.uuid4()}"
    append(host, FILES["backend"], marker + "\n")
    wait_for_messages(logs, GROUPS["backend"], INSTANCE_ID, lambda got: marker in got, timeout=DEADLINE_S)
    assert messages(logs, GROUPS["backend"], INSTANCE_ID).count(PRE_START_LINE) == 1
