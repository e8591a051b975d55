"""DJANGO_LOG_LEVEL=DEBUG changes what arrives: debug and info lines, the payment's inputs and state."""

from __future__ import annotations

import uuid

import pytest
from conftest import containing, get, restart_backend, wait_for_events

TAG = uuid.uuid4().hex[:10]
DROP_IN = "/etc/systemd/system/backend.service.d/level.conf"


@pytest.fixture(scope="module")
def at_debug(host):
    host.run_expect([0], f"mkdir -p {DROP_IN.rsplit('/', 1)[0]}")
    host.run_expect([0], f"printf '[Service]\\nEnvironment=DJANGO_LOG_LEVEL=DEBUG\\n' > {DROP_IN}")
    restart_backend(host)
    yield
    host.run_expect([0], f"rm -f {DROP_IN}")
    restart_backend(host)


def test_debug_and_info_lines_arrive_at_debug(at_debug, logs):
    assert get(f"/levels?tag={TAG}") == 200
    found = wait_for_events(logs, "backend", lambda f: containing(f, f"levels critical tag={TAG}"))
    for level in ("debug", "info", "warning", "error", "critical"):
        [line] = containing(found, f"levels {level} tag={TAG}")
        assert line.startswith(f"{level.upper()} ")


def test_the_payment_shows_its_inputs_and_its_state(at_debug, logs):
    assert get(f"/pay?user=kim&amount=500&currency=KRW&reference={TAG}") == 200
    found = wait_for_events(
        logs, "backend", lambda f: containing(f, f"payment captured user=kim amount=500 currency=KRW reference={TAG}")
    )
    [received] = containing(found, f"payment received user=kim amount=500 currency=KRW reference={TAG}")
    [captured] = containing(found, f"payment captured user=kim amount=500 currency=KRW reference={TAG}")
    assert received.startswith("INFO ")
    assert captured.startswith("INFO ")
