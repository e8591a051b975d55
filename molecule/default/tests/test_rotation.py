"""Rotation by the role's logrotate policies: real logrotate, counted lines."""

from __future__ import annotations

import time

from conftest import GROUPS, INSTANCE_ID

from tests.bench.sequence import start_writer, wait_for_tally

HOST = "default-debian12"
RATE, SECONDS = 200, 16


def test_every_stream_has_a_policy_logrotate_accepts(host):
    for name in GROUPS:
        assert host.file(f"/etc/logrotate.d/awslogs-{name}").is_file
    backend = host.file("/etc/logrotate.d/awslogs-backend").content_string
    assert "/var/log/containers/backend*.log {" in backend
    assert "    create\n" in backend
    assert "copytruncate" not in backend
    debug = host.run("logrotate --debug /etc/logrotate.conf")
    assert debug.rc == 0, debug.stderr
    assert [line for line in debug.stderr.splitlines() if line.startswith("error")] == []


def test_a_rename_rotation_under_load_loses_and_repeats_nothing(host, logs):
    writer = start_writer(HOST, "/var/log/containers/backend.log", rate=RATE, duration_s=SECONDS)
    time.sleep(SECONDS / 2)
    host.run_expect([0], "logrotate --force /etc/logrotate.d/awslogs-backend")
    summary = writer.wait(timeout=SECONDS + 30)
    assert summary["next"] >= RATE * SECONDS * 0.95, summary
    assert host.file("/var/log/containers/backend.log.1").is_file
    tally = wait_for_tally(logs, GROUPS["backend"], INSTANCE_ID, writer.run_id, summary["next"])
    assert (tally.lost, tally.duplicated, tally.stray) == (0, 0, 0), tally
