"""The fault proxy of the benchmark: forwards, or answers as a failing CloudWatch Logs would."""

from __future__ import annotations

import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.bench.fault_proxy import FaultProxy


class Upstream(BaseHTTPRequestHandler):
    def log_message(self, *_: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def proxy():
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as probe:
        port = probe.server_address[1]
    with FaultProxy(port, upstream.server_address[1]) as running:
        yield running, port
    upstream.shutdown()


def post(port: int, body: bytes) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("POST", "/", body=body, headers={"Content-Type": "application/x-amz-json-1.1"})
    response = connection.getresponse()
    return response.status, response.read()


def test_it_forwards_while_no_fault_is_set(proxy):
    running, port = proxy
    assert post(port, b'{"logEvents": []}') == (200, b'{"logEvents": []}')
    assert (running.requests, running.refused) == (1, 0)


@pytest.mark.parametrize(
    ("fault", "status", "code"), [("error500", 500, "InternalFailure"), ("throttle", 400, "ThrottlingException")]
)
def test_a_fault_answers_every_request_itself(proxy, fault, status, code):
    running, port = proxy
    running.fault = fault
    got_status, body = post(port, b"{}")
    assert (got_status, json.loads(body)["__type"]) == (status, code)
    running.fault = None
    assert post(port, b"{}")[0] == 200
    assert (running.requests, running.refused) == (2, 1)
