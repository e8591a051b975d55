"""Colours on a terminal only: the console handler under a pseudo-terminal, plain text shipped."""

from __future__ import annotations

import uuid

from conftest import GROUPS, INSTANCE_ID, containing, wait_for_events

from tests.bench.logs import events

TAG = uuid.uuid4().hex[:10]
LOGCHECK = "cd /opt/backend/app && /opt/backend/venv/bin/python manage.py logcheck"
ESC = "\x1b["


def test_the_console_is_coloured_under_a_terminal(host):
    shown = host.run_expect([0], f"runuser -u backend -- script -qec '{LOGCHECK} {TAG}-tty' /dev/null").stdout
    assert "\x1b[33mWARNING " in shown
    assert "\x1b[31mERROR " in shown


def test_the_console_is_plain_without_a_terminal(host):
    shown = host.run_expect([0], f"runuser -u backend -- sh -c '{LOGCHECK} {TAG}-pipe'").stderr
    assert "WARNING " in shown
    assert ESC not in shown


def test_no_delivered_event_holds_an_escape_code(logs):
    found = wait_for_events(logs, "backend", lambda f: containing(f, f"logcheck critical tag={TAG}-tty"))
    [line] = containing(found, f"logcheck warning tag={TAG}-tty")
    assert line.startswith("WARNING ")
    for stream in GROUPS:
        assert not [e["message"] for e in events(logs, GROUPS[stream], INSTANCE_ID) if ESC in e["message"]]
