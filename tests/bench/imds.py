"""A local instance metadata service on 127.0.0.1 that speaks IMDSv2 only.

As an instance with HttpTokens=required: ``PUT /latest/api/token`` with
``X-aws-ec2-metadata-token-ttl-seconds`` (1-21600) returns a session token;
``GET /latest/meta-data/instance-id`` answers with ``X-aws-ec2-metadata-token``
set to a live token, and 401 without one (an IMDSv1 request). With
``drop_token_response`` the token request is read and never answered, as when
the response dies on the way at the hop limit (a container behind a hop limit
of 1). ``GET /bench/requests`` lists what was asked (method, path, whether a
token came with it), for the tests. The bench points the awslogs role at it
with ``awslogs_imds_endpoint``; the real address is never asked.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.bench.process import BenchError, pid_alive, state_path, wait_for

HOST = "127.0.0.1"
TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN_HEADER = "X-aws-ec2-metadata-token"
MAX_TTL_S = 21600


class Imds(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, instance_id: str, *, drop_token_response: bool = False) -> None:
        super().__init__((HOST, port), _Handler)
        self.instance_id = instance_id
        self.drop_token_response = drop_token_response
        self.tokens: dict[str, float] = {}  # token -> expiry (monotonic)
        self.requests: list[dict[str, object]] = []
        self.closing = threading.Event()

    def live(self, token: str | None) -> bool:
        return token is not None and self.tokens.get(token, 0.0) > time.monotonic()


class _Handler(BaseHTTPRequestHandler):
    server: Imds

    def do_PUT(self) -> None:
        self._note()
        if self.path != "/latest/api/token":
            self._reply(404, "")
            return
        ttl = self.headers.get(TTL_HEADER, "")
        if not (ttl.isdigit() and 1 <= int(ttl) <= MAX_TTL_S):
            self._reply(400, "")
            return
        if self.server.drop_token_response:
            self.server.closing.wait()  # the answer never arrives; the client times out
            return
        token = secrets.token_urlsafe(32)
        self.server.tokens[token] = time.monotonic() + int(ttl)
        self._reply(200, token, {TTL_HEADER: ttl})

    def do_GET(self) -> None:
        if self.path == "/bench/requests":
            self._reply(200, json.dumps(self.server.requests))
            return
        self._note()
        if not self.server.live(self.headers.get(TOKEN_HEADER)):
            self._reply(401, "")  # HttpTokens=required: no IMDSv1
        elif self.path == "/latest/meta-data/instance-id":
            self._reply(200, self.server.instance_id)
        else:
            self._reply(404, "")

    def _note(self) -> None:
        self.server.requests.append(
            {"method": self.command, "path": self.path, "token": self.headers.get(TOKEN_HEADER) is not None}
        )

    def _reply(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(instance_id: str, *, port: int = 0, drop_token_response: bool = False) -> Iterator[Imds]:
    """The service in a thread of this process, for as long as the block runs."""
    server = Imds(port, instance_id, drop_token_response=drop_token_response)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.closing.set()
        server.shutdown()
        server.server_close()


def url(port: int) -> str:
    return f"http://{HOST}:{port}"


def requests_seen(port: int) -> list[dict[str, object]]:
    with urllib.request.urlopen(f"{url(port)}/bench/requests", timeout=5) as response:
        return json.loads(response.read())


def _answers(port: int) -> bool:
    try:
        requests_seen(port)
    except OSError:
        return False
    return True


def start(port: int, instance_id: str, *, drop_token_response: bool = False) -> str:
    """Start the service as a process of its own (a fresh one: an earlier one on the port is stopped)."""
    stop(port)
    argv = [sys.executable, "-m", "tests.bench.imds", str(port), instance_id]
    process = subprocess.Popen(
        [*argv, *(["--drop-token-response"] if drop_token_response else [])],
        stdout=state_path(f"imds-{port}.log").open("ab"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    state_path(f"imds-{port}.pid").write_text(str(process.pid))
    wait_for(f"the metadata service on {url(port)}", lambda: _answers(port), timeout=30)
    return f"imds: started {url(port)} ({instance_id})"


def stop(port: int) -> str:
    pidfile = state_path(f"imds-{port}.pid")
    if not pidfile.exists():
        return f"imds: nothing started on {url(port)}"
    pid = int(pidfile.read_text())
    if pid_alive(pid):
        os.killpg(pid, signal.SIGTERM)
        try:
            wait_for("the metadata service to stop", lambda: not pid_alive(pid), timeout=10)
        except BenchError:
            os.killpg(pid, signal.SIGKILL)
    pidfile.unlink()
    return f"imds: stopped {url(port)}"


if __name__ == "__main__":
    port, instance_id = int(sys.argv[1]), sys.argv[2]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    Imds(port, instance_id, drop_token_response="--drop-token-response" in sys.argv).serve_forever()
