"""The bench's endpoint refuses, at once and by name, a port another program holds."""

from __future__ import annotations

import socket
import time

import pytest

from tests.bench import endpoint
from tests.bench.process import BenchError, listening


def test_a_port_held_by_a_program_that_is_not_moto_fails_fast_and_says_how_to_find_it() -> None:
    with socket.socket() as holder:
        holder.bind((endpoint.HOST, 0))
        holder.listen()
        port = holder.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(BenchError, match=rf"port {port} on 127\.0\.0\.1 is taken .*ss -ltnp 'sport = :{port}'"):
            endpoint.start(port, fresh=True)
        assert time.monotonic() - started < 10


def test_a_free_port_is_not_listening() -> None:
    with socket.socket() as probe:
        probe.bind((endpoint.HOST, 0))
        port = probe.getsockname()[1]
    assert not listening(endpoint.HOST, port)
