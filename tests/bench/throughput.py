"""python -m tests.bench throughput: the highest rate per stream that the agent ships whole and in time.

For each named set of settings, the host is converged with them, then the
backend stream is written at increasing rates; a rate passes when nothing is
lost or duplicated and the p95 latency stays under buffer_duration + 2 s.
"""

from __future__ import annotations

import json
import time
from typing import Any

from tests.bench import faults, faults_host, project
from tests.bench.process import state_path

AGENT_BUFFER_DURATION_MS = 5000  # the agent's default and floor
SLACK_MS = 2000

# Stream keys (batch_count, batch_size, buffer_duration) and role variables (queue_size).
SETTINGS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "batch-2000": {"batch_count": 2000, "batch_size": 262144},
    "batch-1000": {"batch_count": 1000, "batch_size": 131072},
    "queue-50": {"queue_size": 50},
    "buffer-10000": {"buffer_duration": 10000},
}


def extra_vars(settings: dict[str, Any]) -> dict[str, Any]:
    """The role's variables for a set of settings: stream keys go on the backend stream."""
    extra: dict[str, Any] = {}
    if "queue_size" in settings:
        extra["awslogs_queue_size"] = settings["queue_size"]
    stream_keys = {key: value for key, value in settings.items() if key != "queue_size"}
    if stream_keys:
        streams = project.default_streams()
        streams[0] = {**streams[0], **stream_keys}
        extra["awslogs_streams"] = streams
    return extra


def passes(row: dict[str, Any], buffer_duration_ms: int) -> bool:
    p95 = row["p95_ms"]
    return row["lost"] == 0 and row["duplicated"] == 0 and p95 is not None and p95 <= buffer_duration_ms + SLACK_MS


def measure(rates: list[int], names: list[str] | None, seconds: float) -> list[str]:
    chosen = names or list(SETTINGS)
    results: list[dict[str, Any]] = []
    with faults.locked(), faults.bench_up(1.0) as bench:
        for name in chosen:
            settings = SETTINGS[name]
            print(f"settings {name}: {settings or 'the defaults'}", flush=True)
            faults_host.converge(extra_vars(settings) or None)
            time.sleep(6)  # the handler restarted the agent: let it settle before measuring
            budget = int(settings.get("buffer_duration", AGENT_BUFFER_DURATION_MS))
            best = None
            for rate in rates:
                what = f"{name}, {rate} lines/s"
                case = faults.Case(f"{name}@{rate}", faults.AGENT, rate, seconds, what=what, settle_s=30)
                row = faults.run_case(case, bench).as_dict()
                row |= {"settings": name, "passes": passes(row, budget)}
                results.append(row)
                print("  " + json.dumps(row), flush=True)
                if row["passes"]:
                    best = rate
                if row["lost"]:
                    break  # a higher rate loses more
            print(f"settings {name}: highest passing rate {best} lines/s", flush=True)
        faults_host.converge(None)  # back to the defaults
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    state_path("throughput-results.json").write_text(json.dumps({"date": stamp, "rows": results}, indent=1))
    lines = [f"throughput: {stamp}", "| settings | lines/s | written | lost | duplicated | p50 ms | p95 ms | passes |"]
    lines.append("|" + "---|" * 8)
    for r in results:
        lines.append(
            f"| {r['settings']} | {r['rate']:,} | {r['written']:,} | {r['lost']:,} | {r['duplicated']:,} "
            f"| {r['p50_ms']} | {r['p95_ms']} | {'yes' if r['passes'] else 'no'} |"
        )
    return lines
