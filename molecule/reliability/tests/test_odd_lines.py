"""What the (patched) agent does with odd lines, measured at the endpoint:
an oversized line keeps its first bytes, a line without a timestamp joins the
event above it, events older than 14 days or more than 2 hours ahead are
skipped with a warning, bytes that are not UTF-8 arrive replaced."""

import subprocess
import time
import uuid

import pytest
from conftest import CONTAINER, FILE, GROUP, INSTANCE_ID, docker

from tests.bench.logs import messages, wait_for_messages

# The agent's limit: 256 KiB per event, 26 bytes of which are CloudWatch's per-event overhead.
EVENT_LIMIT = 262_144 - 26
NOTICE = " [TRUNCATED MESSAGE] {} bytes are truncated."


def _stamp(offset_s: float = 0) -> str:
    """A timestamp in the backend stream's datetime_format (Django's asctime)."""
    return time.strftime("%Y-%m-%d %H:%M:%S,000", time.gmtime(time.time() + offset_s))


@pytest.fixture(scope="module")
def arrived(logs):
    """Write the odd lines, then a last line; every message of the stream once that last line arrived."""
    tag = uuid.uuid4().hex[:8]
    lines = {
        "oversized": f"{_stamp()} ERROR oversized {tag} ".encode() + b"x" * 300_000,
        "above": f"{_stamp()} INFO the line above {tag}".encode(),
        "no_timestamp": f"no timestamp here {tag}".encode(),
        "old": f"{_stamp(-15 * 86400)} INFO fifteen days old {tag}".encode(),
        "future": f"{_stamp(3 * 3600)} INFO three hours ahead {tag}".encode(),
        "latin_1": f"{_stamp()} INFO caf".encode() + b"\xe9" + f" latin-1 {tag}".encode(),
        "last": f"{_stamp()} INFO last line {tag}".encode(),
    }
    subprocess.run(
        ["docker", "exec", "--interactive", CONTAINER, "sh", "-c", f"mkdir -p $(dirname {FILE}) && cat >> {FILE}"],
        input=b"\n".join(lines.values()) + b"\n",
        check=True,
    )
    last = lines["last"].decode()
    wait_for_messages(logs, GROUP, INSTANCE_ID, lambda got: last in got, timeout=60)
    time.sleep(6)  # anything after the last line would come with the next batch
    found = [message for message in messages(logs, GROUP, INSTANCE_ID) if tag in message]
    return {"tag": tag, "lines": lines, "found": found}


def test_an_oversized_line_keeps_its_first_bytes(arrived):
    line = arrived["lines"]["oversized"].decode()
    [event] = [message for message in arrived["found"] if "oversized" in message]
    kept = event.split(" [TRUNCATED MESSAGE]")[0]
    assert line.startswith(kept)
    assert event == kept + NOTICE.format(len(line) - len(kept))
    assert EVENT_LIMIT - 64 < len(event.encode()) <= EVENT_LIMIT


def test_a_line_without_a_timestamp_joins_the_event_above_it(arrived):
    above, no_timestamp = (arrived["lines"][key].decode() for key in ("above", "no_timestamp"))
    assert f"{above}\n{no_timestamp}" in arrived["found"]


@pytest.mark.parametrize("key", ["old", "future"])
def test_an_event_out_of_cloudwatchs_time_window_is_skipped_with_a_warning(arrived, key):
    line = arrived["lines"][key].decode()
    assert not [message for message in arrived["found"] if line in message]
    journal = docker("exec", CONTAINER, "journalctl", "--unit", "awslogsd", "--no-pager", "--since", "-10min")
    reason = "more than 14 days in past" if key == "old" else "more than 2 hours in future"
    assert f"reason: timestamp is {reason}" in journal


def test_bytes_that_are_not_utf_8_arrive_replaced(arrived):
    stamp = arrived["lines"]["latin_1"].split(b" INFO")[0].decode()
    assert f"{stamp} INFO caf\ufffd latin-1 {arrived['tag']}" in arrived["found"]
