"""A fault-injecting HTTP proxy on 127.0.0.1 in front of the local endpoint.

The agent and Docker's awslogs driver talk to the proxy; it forwards to moto,
or, while a fault is set, answers every request itself the way CloudWatch Logs
does when it fails (500 InternalFailure) or throttles (400 ThrottlingException).
"""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.bench.endpoint import HOST

FAULTS = {
    "error500": (500, "InternalFailure", "We encountered an internal error. Please try again."),
    "throttle": (400, "ThrottlingException", "Rate exceeded"),
}
HOP_HEADERS = frozenset(("connection", "keep-alive", "transfer-encoding", "proxy-connection"))


class FaultProxy:
    """``with FaultProxy(listen, upstream) as proxy: proxy.fault = "throttle"``."""

    def __init__(self, port: int, upstream_port: int) -> None:
        self.fault: str | None = None
        self.requests = self.refused = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                pass

            def _answer(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
                self.send_response(status)
                for key, value in headers:
                    if key.lower() not in HOP_HEADERS and key.lower() != "content-length":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.requests += 1
                fault = proxy.fault
                if fault:
                    proxy.refused += 1
                    status, code, message = FAULTS[fault]
                    text = f'{{"__type":"{code}","message":"{message}"}}'.encode()
                    headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code)]
                    self._answer(status, headers, text)
                    return
                upstream = http.client.HTTPConnection(HOST, upstream_port, timeout=300)
                try:
                    forwarded = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
                    upstream.request(self.command, self.path, body=body, headers=forwarded)
                    response = upstream.getresponse()
                    self._answer(response.status, response.getheaders(), response.read())
                finally:
                    upstream.close()

            do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815 - http.server's naming

        self.server = ThreadingHTTPServer((HOST, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
