"""The throughput benchmark's pass rule and the settings it converges with."""

from __future__ import annotations

from tests.bench.throughput import extra_vars, passes


def row(lost: int = 0, duplicated: int = 0, p95_ms: float | None = 6000) -> dict:
    return {"lost": lost, "duplicated": duplicated, "p95_ms": p95_ms}


def test_a_rate_passes_with_nothing_lost_and_p95_within_buffer_duration_plus_two_seconds():
    assert passes(row(p95_ms=7000), 5000)
    assert not passes(row(p95_ms=7001), 5000)
    assert not passes(row(lost=1), 5000)
    assert not passes(row(duplicated=1), 5000)
    assert not passes(row(p95_ms=None), 5000)


def test_settings_become_role_variables_and_backend_stream_keys():
    assert extra_vars({}) == {}
    assert extra_vars({"queue_size": 50}) == {"awslogs_queue_size": 50}
    tuned = extra_vars({"batch_count": 1000})
    backend = tuned["awslogs_streams"][0]
    assert (backend["name"], backend["batch_count"]) == ("backend", 1000)
    assert all("batch_count" not in stream for stream in tuned["awslogs_streams"][1:])
