"""Real requests through nginx to Django at the default DJANGO_LOG_LEVEL (WARNING)."""

from __future__ import annotations

import uuid

import pytest
from conftest import containing, get, wait_for_events

TAG = uuid.uuid4().hex[:10]
REQUESTS = {
    f"/levels?tag={TAG}": 200,
    f"/boom?order={TAG}": 500,
    f"/private?account={TAG}": 200,
    f"/pay?user=kim&amount=5000&reference={TAG}": 402,
    f"/static/{TAG}.css": 404,
}
BACKEND_LINES = (
    f"levels warning tag={TAG}",
    f"levels error tag={TAG}",
    f"levels critical tag={TAG}",
    f"ZeroDivisionError: order {TAG} has no items",
    f"private account {TAG} viewed by support",
    f"payment declined user=kim amount=5000 currency=KRW reference={TAG}",
)


@pytest.fixture(scope="module")
def arrived(logs) -> dict[str, list[dict]]:
    assert {path: get(path) for path in REQUESTS} == REQUESTS
    return {
        "nginx-access": wait_for_events(logs, "nginx-access", lambda f: len(containing(f, TAG)) >= len(REQUESTS)),
        "nginx-error": wait_for_events(logs, "nginx-error", lambda f: containing(f, f"/static/{TAG}.css")),
        "backend": wait_for_events(logs, "backend", lambda f: all(containing(f, line) for line in BACKEND_LINES)),
    }


def test_every_request_has_its_nginx_access_line(arrived):
    lines = containing(arrived["nginx-access"], TAG)
    for path, status in REQUESTS.items():
        assert [line for line in lines if f'"GET {path} HTTP/1.1" {status} ' in line], (path, lines)


def test_the_missing_file_has_its_nginx_error_line(arrived):
    [line] = containing(arrived["nginx-error"], f"/static/{TAG}.css")
    assert "[error]" in line
    assert "No such file or directory" in line


def test_the_backend_lines_at_warning_and_above_arrive(arrived):
    for line in BACKEND_LINES:
        assert len(containing(arrived["backend"], line)) == 1, line


def test_info_and_debug_lines_do_not_arrive_at_the_default_level(arrived):
    assert not containing(arrived["backend"], f"levels info tag={TAG}")
    assert not containing(arrived["backend"], f"levels debug tag={TAG}")


def test_the_traceback_is_one_event(arrived):
    [event] = containing(arrived["backend"], f"ZeroDivisionError: order {TAG} has no items")
    first, *rest = event.splitlines()
    assert first.startswith("ERROR ")
    assert first.endswith("Internal Server Error: /boom")
    assert rest[0] == "Traceback (most recent call last):"
    assert len(rest) > 4
    assert not containing([e for e in arrived["backend"] if e["message"].startswith("Traceback")], "")


def test_private_lines_arrive_once(arrived):
    assert len(containing(arrived["backend"], f"private account {TAG}")) == 1
