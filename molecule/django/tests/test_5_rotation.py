"""After logrotate with the package's policy (create: a rename), the backend's next lines still arrive:
WatchedFileHandler reopens the file."""

from __future__ import annotations

import uuid

from conftest import containing, get, wait_for_events

TAG = uuid.uuid4().hex[:10]
LOG = "/var/log/containers/backend.log"
POLICY = "/etc/logrotate.d/awslogs-backend"


def test_lines_written_after_logrotate_arrive(host, logs):
    before = host.check_output(f"stat -c %i {LOG}")
    host.run_expect([0], f"logrotate --force {POLICY}")
    assert host.check_output(f"stat -c %i {LOG}") != before
    for attempt in range(3):
        assert get(f"/levels?tag={TAG}-{attempt}") == 200
    assert host.file(LOG).exists
    assert TAG in host.file(LOG).content_string
    found = wait_for_events(
        logs, "backend", lambda f: all(containing(f, f"levels warning tag={TAG}-{n}") for n in range(3))
    )
    assert all(len(containing(found, f"levels warning tag={TAG}-{n}")) == 1 for n in range(3))
