"""On every platform: a line arrives with the time written in it, and a restart under load re-sends nothing."""

import calendar
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from conftest import FILE, GROUP, PLATFORMS

from tests.bench.logs import events, wait_for_messages
from tests.bench.sequence import SEQ_RE, start_writer, wait_for_tally

RATE = 200
RESTART_AT_S = 6
AFTER_S = 10


def docker_exec(container: str, *argv: str) -> None:
    subprocess.run(["docker", "exec", container, *argv], check=True, capture_output=True)


def _ms(stamp: str) -> int:
    """'2026-11-24 10:00:00,123' (UTC) in epoch milliseconds."""
    seconds, millis = stamp.split(",")
    return calendar.timegm(time.strptime(seconds, "%Y-%m-%d %H:%M:%S")) * 1000 + int(millis)


def test_a_line_arrives_with_its_own_time(host, logs, platform):
    stamp = "2026-11-24 10:00:00,123"
    line = f"{stamp} INFO {platform.name} {uuid.uuid4()}"
    host.run_expect([0], f"mkdir -p /var/log/containers && echo '{line}' >> {FILE}")
    wait_for_messages(logs, GROUP, platform.instance_id, lambda got: line in got, timeout=60)
    (event,) = [e for e in events(logs, GROUP, platform.instance_id) if e["message"] == line]
    assert event["timestamp"] == _ms(stamp)


def _restart_under_load(logs, name: str) -> tuple:
    platform = PLATFORMS[name]
    writer = start_writer(name, FILE, rate=RATE, duration_s=600)
    time.sleep(RESTART_AT_S)
    docker_exec(name, "systemctl", "restart", "awslogsd")
    time.sleep(AFTER_S)
    docker_exec(name, "pkill", "--signal", "TERM", "--full", "--", f"--run {writer.run_id} ")
    summary = writer.wait(timeout=60)
    tally = wait_for_tally(logs, GROUP, platform.instance_id, writer.run_id, summary["next"], timeout_s=120)
    late = [
        e
        for e in events(logs, GROUP, platform.instance_id)
        for m in SEQ_RE.finditer(e["message"])
        if m["run"] == writer.run_id and e["timestamp"] != _ms(e["message"][:23])
    ]
    return tally, len(late)


def test_a_restart_under_load_resends_nothing_on_any_platform(logs):
    # The three hosts at once: the wait is the agent's buffer, not the CPU.
    with ThreadPoolExecutor(len(PLATFORMS)) as pool:
        results = dict(zip(PLATFORMS, pool.map(lambda name: _restart_under_load(logs, name), PLATFORMS), strict=True))
    for name, (tally, _seqs) in results.items():
        print(f"\n{name}: restart under load at {RATE} lines/s: {tally.as_row()}", flush=True)
    assert {name: (t.lost, t.duplicated, late) for name, (t, late) in results.items()} == {
        name: (0, 0, 0) for name in PLATFORMS
    }
    assert all(tally.written > RATE * RESTART_AT_S for tally, _seqs in results.values())
