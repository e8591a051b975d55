"""The counter's arithmetic: lost, duplicated and latency from sequence numbers."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from tests.bench.sequence import WRITER, WriterSpec, count, percentile


def line(seq: int, written_ms: int, run: str = "r1") -> str:
    return f"2026-11-25 05:00:00 SEQ {run} {seq} {written_ms * 1000} xxxx"


def test_every_line_once_is_nothing_lost_nothing_duplicated():
    found = [(line(seq, 1000 + seq), 1500 + seq) for seq in range(10)]
    tally = count(found, "r1", 10)
    assert (tally.written, tally.delivered, tally.lost, tally.duplicated) == (10, 10, 0, 0)
    assert (tally.p50_ms, tally.p95_ms) == (500, 500)


def test_missing_lines_are_lost_and_repeats_are_duplicates():
    found = [(line(seq, 0), 100) for seq in (0, 1, 1, 1, 3)]
    tally = count(found, "r1", 5)
    assert (tally.delivered, tally.lost, tally.duplicated) == (3, 2, 2)


def test_latency_is_taken_at_the_first_arrival():
    found = [(line(0, 1000), 1100), (line(0, 1000), 9000), (line(1, 1000), 1300)]
    tally = count(found, "r1", 2)
    assert (tally.p50_ms, tally.p95_ms) == (100, 300)


def test_other_runs_are_ignored_and_unknown_numbers_are_stray():
    found = [(line(0, 0, run="other"), 5), (line(0, 0), 5), (line(7, 0), 5)]
    tally = count(found, "r1", 2)
    assert (tally.delivered, tally.lost, tally.duplicated, tally.stray) == (1, 1, 0, 1)


def test_a_multi_line_event_counts_each_sequence_line():
    found = [(line(0, 0) + "\n" + line(1, 0), 10)]
    assert count(found, "r1", 2).delivered == 2


def test_nothing_arrived():
    tally = count([], "r1", 3)
    assert (tally.delivered, tally.lost, tally.p50_ms, tally.p95_ms) == (0, 3, None, None)


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.95) == 95
    assert percentile([7.0], 0.95) == 7
    assert percentile([], 0.5) is None


def test_the_writer_resumes_from_its_ledger_and_follows_a_rename(tmp_path):
    path, ledger = tmp_path / "app.log", tmp_path / "ledger"

    def write(seconds: float) -> None:
        args = WriterSpec(str(path), "w1", 200, time.time() + seconds, 80, str(ledger)).args()
        subprocess.run([sys.executable, str(WRITER), *args], check=True, capture_output=True)

    write(1.0)
    os.rename(path, tmp_path / "app.log.1")
    write(1.0)
    lines = (tmp_path / "app.log.1").read_text().splitlines() + path.read_text().splitlines()
    found = [(text, 0) for text in lines]
    next_seq = int(ledger.read_text())
    tally = count(found, "w1", next_seq)
    assert (tmp_path / "app.log.1").stat().st_size > 0 and path.stat().st_size > 0
    assert (tally.lost, tally.duplicated) == (0, 0)
    assert all(len(text) == 79 for text in lines)


def test_the_writer_asks_a_web_server_for_each_line(tmp_path):
    import threading  # noqa: PLC0415
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: PLC0415

    asked: list[str] = []

    class Server(BaseHTTPRequestHandler):
        def log_message(self, *_: object) -> None:
            pass

        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    with ThreadingHTTPServer(("127.0.0.1", 0), Server) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        spec = WriterSpec(None, "web1", 100, time.time() + 1.0, 80, str(tmp_path / "ledger"), server.server_address[1])
        subprocess.run([sys.executable, str(WRITER), *spec.args()], check=True, capture_output=True)
        server.shutdown()
    tally = count([(f"GET {path} HTTP/1.1", 0) for path in asked], "web1", int((tmp_path / "ledger").read_text()))
    assert asked and asked[0].startswith("/SEQ/web1/0/")
    assert (tally.lost, tally.duplicated) == (0, 0)
