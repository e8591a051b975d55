"""A sequence-numbered writer at a fixed rate: the application under test.

Runs inside a bench host (standard library only, Python >= 3.9): it is sent
to the host's python3 on stdin by tests.bench.sequence. Each line reads

    2026-11-25 05:00:00,123 SEQ <run> <seq> <written at, epoch microseconds> <padding>

so the agent's default datetime_format (Django's asctime, "%Y-%m-%d %H:%M:%S,%f")
finds a timestamp at its start, each line is its own event, and the
counter at the endpoint can tell lost, duplicated and late lines apart.
With --url-port it asks a web server for /SEQ/<run>/<seq>/<written at>
instead, and the server's access log holds the line (nginx under test).

With --path it appends to a file the way logging.handlers.WatchedFileHandler
does (O_APPEND, reopened when the path points at another file: a rename
rotation), with --stdout it writes to standard output (Docker's log drivers).
With --ledger it keeps the next sequence number in a file after every line and
resumes from it, so a writer restarted with its host continues the numbering.
SIGTERM and SIGINT stop it after the current line. At the end it prints one
JSON summary line on stderr.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import sys
import time

LEDGER_WIDTH = 20


class Target:
    """Where lines go: a file reopened after a rename, or standard output."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.fd = 1
        self.identity: tuple[int, int] | None = None
        if path:
            self._open()

    def _open(self) -> None:
        assert self.path
        directory = os.path.dirname(self.path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        stat = os.fstat(self.fd)
        self.identity = (stat.st_dev, stat.st_ino)

    def write(self, data: bytes) -> None:
        if self.path:
            try:
                stat = os.stat(self.path)
                moved = (stat.st_dev, stat.st_ino) != self.identity
            except FileNotFoundError:
                moved = True
            if moved:
                os.close(self.fd)
                self._open()
        os.write(self.fd, data)


class WebTarget:
    """A web server whose access log is the file under test: one GET per line."""

    def __init__(self, port: int) -> None:
        self.port = port

    def write(self, data: bytes) -> None:
        words = data.decode().split()
        run, seq, written = words[words.index("SEQ") + 1 : words.index("SEQ") + 4]
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", f"/SEQ/{run}/{seq}/{written}")
            connection.getresponse().read()
        finally:
            connection.close()


class Ledger:
    """The next sequence number, rewritten in place after every line."""

    def __init__(self, path: str | None) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644) if path else None

    def next_seq(self) -> int:
        if self.fd is None:
            return 0
        text = os.pread(self.fd, LEDGER_WIDTH, 0).decode().strip()
        return int(text) if text else 0

    def record(self, next_seq: int) -> None:
        if self.fd is not None:
            os.pwrite(self.fd, str(next_seq).rjust(LEDGER_WIDTH).encode(), 0)


def line(run: str, seq: int, now: float, size: int) -> bytes:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now)) + f",{int(now * 1000) % 1000:03d}"
    text = f"{stamp} SEQ {run} {seq} {int(now * 1_000_000)}"
    return (text + " " + "x" * max(0, size - len(text) - 2) + "\n").encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--path", help="append to this file (reopened after a rename)")
    where.add_argument("--stdout", action="store_true", help="write to standard output")
    where.add_argument("--url-port", type=int, help="GET /SEQ/... from a web server on 127.0.0.1 at this port")
    parser.add_argument("--run", required=True, help="a word that marks this run's lines")
    parser.add_argument("--rate", type=float, required=True, help="lines per second")
    parser.add_argument("--until", type=float, required=True, help="stop at this time (epoch seconds)")
    parser.add_argument("--size", type=int, default=100, help="bytes per line, newline included")
    parser.add_argument("--ledger", help="file that keeps the next sequence number (resume after a restart)")
    parser.add_argument(
        "--linger", action="store_true", help="when done, wait for a signal (a container's main process)"
    )
    args = parser.parse_args(argv)

    stopping = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.append(True))

    target: Target | WebTarget = WebTarget(args.url_port) if args.url_port else Target(args.path)
    ledger = Ledger(args.ledger)
    first = seq = ledger.next_seq()
    origin, max_lag = time.time(), 0.0
    while not stopping:
        due = origin + (seq - first) / args.rate
        if due >= args.until:
            break
        now = time.time()
        if due > now:
            time.sleep(due - now)
            now = time.time()
        max_lag = max(max_lag, now - due)
        target.write(line(args.run, seq, now, args.size))
        seq += 1
        ledger.record(seq)
    summary = {"run": args.run, "first": first, "next": seq, "max_lag_s": round(max_lag, 3)}
    print(json.dumps(summary), file=sys.stderr, flush=True)
    while args.linger and not stopping:
        time.sleep(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
