"""Count, don't eyeball: a sequence-numbered writer inside a host and a counter at the endpoint.

``start_writer`` runs tests/bench/sequence_writer.py inside a bench host (or
any container with python3) at a fixed rate; ``tally`` reads what arrived at
the endpoint (get_log_events, every page) and counts written, delivered,
lost, duplicated and the delivery latency (written on the host to ingested at
the endpoint, both clocks are the machine's) from the sequence numbers.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tests.bench.logs import events
from tests.bench.process import run

WRITER = Path(__file__).resolve().parent / "sequence_writer.py"
# "SEQ run seq written" in a file's line, "/SEQ/run/seq/written" in a web server's access log.
SEQ_RE = re.compile(r"SEQ[ /](?P<run>[^\s/]+)[ /](?P<seq>\d+)[ /](?P<written_us>\d+)")


@dataclass(frozen=True)
class Tally:
    """What the counter found for one run."""

    written: int
    delivered: int
    lost: int
    duplicated: int
    p50_ms: float | None
    p95_ms: float | None
    stray: int = 0  # sequence numbers the writer never wrote (must stay 0)

    def as_row(self) -> dict[str, object]:
        return {
            "written": self.written,
            "delivered": self.delivered,
            "lost": self.lost,
            "duplicated": self.duplicated,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
        }


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def count(found: Iterable[tuple[str, int]], run_id: str, written: int) -> Tally:
    """Count one run from (message, ingestion time in ms) pairs; seq 0..written-1 were written.

    A message may hold several sequence lines (a multi-line event): each counts.
    The latency of a line is taken at its first arrival.
    """
    seen: dict[int, int] = {}
    latencies: list[float] = []
    occurrences = stray = 0
    for message, ingested_ms in found:
        for match in SEQ_RE.finditer(message):
            if match["run"] != run_id:
                continue
            seq = int(match["seq"])
            if not 0 <= seq < written:
                stray += 1
                continue
            occurrences += 1
            if seq not in seen:
                seen[seq] = ingested_ms
                latencies.append(ingested_ms - int(match["written_us"]) / 1000)
    delivered = len(seen)
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    return Tally(
        written=written,
        delivered=delivered,
        lost=written - delivered,
        duplicated=occurrences - delivered,
        p50_ms=None if p50 is None else round(p50),
        p95_ms=None if p95 is None else round(p95),
        stray=stray,
    )


def tally(client, group: str, stream: str, run_id: str, written: int) -> Tally:
    return count(((e["message"], e["ingestionTime"]) for e in events(client, group, stream)), run_id, written)


def wait_for_tally(
    client, group: str, stream: str, run_id: str, written: int, *, settle_s: float = 100, timeout_s: float = 420
) -> Tally:
    """Poll until every line arrived, or nothing new arrived for ``settle_s`` (or the timeout).

    The default outlasts the agent's own recovery: after a failed put its
    publisher dies, and the stream restarts it from the saved offset about 65 s later.
    """
    started = last_change = time.monotonic()
    last: Tally | None = None
    while True:
        current = tally(client, group, stream, run_id, written)
        now = time.monotonic()
        if last is None or (current.delivered, current.duplicated) != (last.delivered, last.duplicated):
            last_change = now
        last = current
        if current.lost == 0 and now - last_change >= min(settle_s, 6):
            return current
        if now - last_change >= settle_s or now - started >= timeout_s:
            return current
        time.sleep(2)


def new_run_id() -> str:
    return uuid.uuid4().hex[:10]


@dataclass
class Writer:
    """A writer running inside a container, started by ``start_writer``."""

    container: str
    path: str
    rate: float
    until: float
    run_id: str
    process: subprocess.Popen

    def wait(self, timeout: float | None = None) -> dict:
        """Wait for the writer to stop; its summary (an empty dict if it was killed)."""
        _out, err = self.process.communicate(timeout=timeout)
        for text in reversed(err.splitlines()):
            if text.startswith("{"):
                return json.loads(text)
        return {}


@dataclass(frozen=True)
class WriterSpec:
    """The writer's arguments: where (a file, or stdout when path is None), how fast, until when."""

    path: str | None
    run_id: str
    rate: float
    until: float
    size: int = 100
    ledger: str = ""
    url_port: int | None = None

    def args(self) -> list[str]:
        where = ["--path", self.path] if self.path else ["--stdout"]
        if self.url_port:
            where = ["--url-port", str(self.url_port)]
        ledger = ["--ledger", self.ledger] if self.ledger else []
        timing = ["--rate", str(self.rate), "--until", f"{self.until:.3f}", "--size", str(self.size)]
        return [*where, "--run", self.run_id, *timing, *ledger]


def ledger_path(run_id: str) -> str:
    return f"/var/tmp/sequence-{run_id}.next"


def start_writer(
    container: str,
    path: str,
    *,
    rate: float,
    duration_s: float,
    run_id: str | None = None,
    size: int = 100,
    until: float | None = None,
    url_port: int | None = None,
) -> Writer:
    """Start writing ``rate`` lines per second to ``path`` inside ``container`` for ``duration_s``.

    With ``url_port``, the lines are requests to a web server on that port whose
    access log is ``path``.

    The ledger (the next sequence number) lives next to the file, so a writer
    started again with the same run id after a host restart continues the numbering.
    """
    run_id = run_id or new_run_id()
    ledger = ledger_path(run_id)
    until = until if until is not None else time.time() + duration_s
    spec = WriterSpec(path, run_id, rate, until, size, ledger, url_port)
    process = subprocess.Popen(
        ["docker", "exec", "--interactive", container, "python3", "-", *spec.args()],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin
    process.stdin.write(WRITER.read_text())
    process.stdin.close()
    process.stdin = None  # communicate() must not touch the closed pipe
    return Writer(container, path, rate, until, run_id, process)


def written(container: str, run_id: str) -> int:
    """How many lines the run wrote so far (its ledger inside the container)."""
    text = run("docker", "exec", container, "cat", ledger_path(run_id)).stdout.strip()
    return int(text or 0)
