"""make demo checks each event's CloudWatch timestamp against the time written in its line."""

from tests.bench.demo import _datetime_formats
from tests.bench.project import line_time_ms


def test_each_shown_file_reads_its_format_from_the_stream_list():
    formats = _datetime_formats()
    assert formats["/var/log/containers/backend.log"].endswith(",%f")
    assert "%z" in formats["/var/log/nginx/access.log"]


def test_the_line_time_keeps_its_offset_and_its_milliseconds():
    formats = _datetime_formats()
    access = '127.0.0.1 - - [24/Nov/2026:20:11:11 +0900] "GET /h6 HTTP/1.1" 200'
    assert line_time_ms(formats["/var/log/nginx/access.log"], access) == 1795518671000
    backend = "WARNING 2026-11-24 10:00:00,123 views 1 2 paid\nTraceback (most recent call last):"
    assert line_time_ms(formats["/var/log/containers/backend.log"], backend) == 1795514400123
    assert line_time_ms(formats["/var/log/containers/backend.log"], "no time here") is None
