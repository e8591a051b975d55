"""make demo checks each event's CloudWatch timestamp against the time written in its line: the
backend in Asia/Seoul (time_zone), nginx's $time_iso8601, each read the agent extension's way."""

from tests.bench.demo import _datetime_formats
from tests.bench.project import line_time_ms


def test_each_shown_file_reads_its_format_and_zone_from_the_demo_hosts_stream_list():
    formats = _datetime_formats()
    assert formats["/var/log/containers/backend.log"] == ("%Y-%m-%d %H:%M:%S,%f", "Asia/Seoul")
    assert formats["/var/log/nginx/access.log"] == ("%Y-%m-%dT%H:%M:%S%z", "UTC")


def test_the_line_time_keeps_its_offset_its_zone_and_its_milliseconds():
    formats = _datetime_formats()
    access_format = formats["/var/log/nginx/access.log"][0]
    for offset in ("+09:00", "+0900"):
        access = f'127.0.0.1 - - [2026-11-24T20:11:11{offset}] "GET /h6 HTTP/1.1" 200'
        assert line_time_ms(access_format, access) == 1795518671000
    assert line_time_ms(access_format, '127.0.0.1 - - [2026-11-24T11:11:11Z] "GET /h6 HTTP/1.1" 200') == 1795518671000
    backend = "WARNING 2026-11-24 19:00:00,123 views 1 2 paid\nTraceback (most recent call last):"
    assert line_time_ms(*formats["/var/log/containers/backend.log"][:1], backend, "Asia/Seoul") == 1795514400123
    assert line_time_ms(formats["/var/log/containers/backend.log"][0], "no time here", "Asia/Seoul") is None
