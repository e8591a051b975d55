"""Unit tests of the agent extension (roles/awslogs/files/awslogs_ops_cwlogs.py) on the real
awscli-cwlogs 1.4.6 of the dev virtualenv: it fits that version, applies through the AWS CLI's
plugin mechanism, and then a batch is recorded after CloudWatch accepted it, SIGTERM stops the
agent cleanly, an oversized event keeps its head, a failed state write is survived, times are
read from the line (``+09:00``, ``Z``, IANA zones) and non-ASCII formats work. A cwlogs that
differs gets nothing replaced, and says so. The bench (molecule/reliability) proves the counts."""

from __future__ import annotations

import ast
import configparser
import hashlib
import importlib.util
import inspect
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from threading import Event

import awscli  # noqa: F401 - cwlogs imports botocore through awscli  # pylint: disable=unused-import
import cwlogs
import pytest
import yaml
from botocore.exceptions import ClientError
from cwlogs import push
from cwlogs.kvstore import KeyValueStore

ROLE = Path(__file__).resolve().parents[2] / "roles" / "awslogs"
FILES = ROLE / "files"
_spec = importlib.util.spec_from_file_location("awslogs_ops_cwlogs", FILES / "awslogs_ops_cwlogs.py")
assert _spec and _spec.loader
extension = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(extension)
assert extension.apply() == []

LIMIT = push.LogEvent.MAX_EVENT_SIZE - push.LogEvent.PER_EVENT_OVERHEAD


def test_the_role_knows_the_agents_own_push_py():
    original = Path(cwlogs.__file__).with_name("push.py").read_bytes()
    role_vars = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())
    assert cwlogs.__version__ == extension.CWLOGS_VERSION == "1.4.6"
    assert hashlib.sha256(original).hexdigest() == role_vars["__awslogs_cwlogs_push_sha256"]


def test_the_fingerprints_are_the_installed_functions_source():
    modules = extension._modules()[1]
    for name, expected in extension.FINGERPRINTS.items():
        original = extension._originals[name]
        assert hashlib.sha256(inspect.getsource(original).encode()).hexdigest() == expected, name
        assert extension._function(modules, name) is not original, f"{name} is not replaced"


def _python(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, check=False, env=env)


def test_the_self_check_says_it_fits():
    answer = json.loads(_python(str(FILES / "awslogs_ops_cwlogs.py")).stdout)
    assert answer["problems"] == [] and answer["cwlogs"] == "1.4.6" and answer["zoneinfo"] is True
    assert answer["push_sha256"] == hashlib.sha256(Path(answer["push"]).read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("__init__.py", "__version__ = '1.4.6'", "__version__ = '1.4.7'"), "cwlogs is 1.4.7, not 1.4.6"),
        (
            ("push.py", "        stream_logger.debug('Saved state: %s', state)\n",
             "        stream_logger.debug('Saved state (changed): %s', state)\n"),
            "cwlogs.push.Stream._record_state has changed",
        ),
        (("parser.py", "            return dt\n        else:", "            return dt\n\n        else:"),
         "cwlogs.parser.DateTimeParser.parse has changed"),
    ],
)  # fmt: skip
def test_a_cwlogs_that_differs_gets_nothing_replaced_and_it_says_so(tmp_path, change, problem):
    """A copy of the real package with one change, first on the path: the plugin warns and the agent runs as shipped."""
    shutil.copytree(Path(cwlogs.__file__).parent, tmp_path / "cwlogs")
    name, old, new = change
    source = (tmp_path / "cwlogs" / name).read_text()
    assert old in source
    (tmp_path / "cwlogs" / name).write_text(source.replace(old, new, 1))
    code = (
        "import awslogs_ops_cwlogs as e\n"
        "from botocore.hooks import HierarchicalEmitter\n"
        "e.awscli_initialize(HierarchicalEmitter())\n"
        "import cwlogs.push as p, cwlogs.parser as q\n"
        "print(p.Stream._record_state.__module__, p.LogsPushCommand._wait_on_exit.__module__,"
        " q.DateTimeParser.parse.__module__, p.DateTimeParser.__module__)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(FILES)])}
    done = _python("-c", code, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["cwlogs.push", "cwlogs.push", "cwlogs.parser", "cwlogs.parser"]
    assert "WARNING awslogs-ops extension: not applied, the agent runs as AWS ships it" in done.stderr
    assert problem in done.stderr


def _event(line: bytes, start: int) -> push.LogEvent:
    return push.LogEvent(
        message=line.rstrip(b"\n"), start_position=start, end_position=start + len(line), source_id="source",
        timestamp=push.get_current_millis(),
    )  # fmt: skip


def _batch(lines: list[bytes], start: int = 0) -> push.EventBatch:
    batch = push.EventBatch(5000)
    for line in lines:
        event = _event(line, start)
        event.complete()
        assert batch.add_event(event) == 1
        start += len(line)
    return batch


LINES = [b"2026-11-25 10:00:0%d INFO n=%d\n" % (n, n) for n in range(4)]


def _reader(path: Path, push_state: dict | None, **options) -> push.FileEventsReader:
    return push.FileEventsReader("source", Event(), None, None, "UTC", str(path), push_state, None, "utf_8", **options)


def test_a_delivered_batch_is_recorded_as_the_position_after_its_last_event():
    batch = _batch(LINES[:2])
    state = extension.delivered_state(batch, "token-2")
    end = len(LINES[0]) + len(LINES[1])
    assert (state["start_position"], state["end_position"]) == (end, end)
    assert state["first_timestamp"] == batch.last_event.timestamp
    assert state["sequence_token"] == "token-2"


def test_a_restart_after_a_delivered_batch_reads_on_from_its_end_and_replays_nothing(tmp_path):
    log = tmp_path / "backend.log"
    log.write_bytes(b"".join(LINES))
    reader = _reader(log, extension.delivered_state(_batch(LINES[:2]), "token-2"))
    with log.open("rb") as fo:
        reader._locate_initial_position(fo)
        position = fo.tell()
        assert fo.readline() == LINES[2]
    event = reader._create_log_event(LINES[2].rstrip(b"\n"), position, position + len(LINES[2]))
    assert not event.is_replay


class _Endpoint:
    """Stands in for the CloudWatch Logs client: records each call, fails when told to."""

    def __init__(self, calls: list, fail: bool = False) -> None:
        self.calls, self.fail = calls, fail

    def put_log_events(self, **params):
        self.calls.append(("put", len(params["logEvents"])))
        if self.fail:
            raise ClientError({"Error": {"Code": "ServiceUnavailableException", "Message": "down"}}, "PutLogEvents")
        return {"nextSequenceToken": "next"}


def _publisher(calls: list, fail: bool = False) -> push.EventBatchPublisher:
    publisher = push.EventBatchPublisher(Event(), queue.Queue(), _Endpoint(calls, fail), "/group", "stream")
    publisher.register_publish_callback(lambda batch, token: calls.append(("record", token, len(batch.events))))
    batch = _batch(LINES[:2])
    batch.force_publish = True
    publisher.event_batch = batch
    return publisher


def test_a_batch_is_recorded_after_the_endpoint_accepted_it():
    calls: list = []
    publisher = _publisher(calls)
    publisher._publish_event_batch()
    assert calls == [("put", 2), ("record", "next", 2)]
    assert publisher.publish_callback is not None


def test_a_batch_the_endpoint_did_not_accept_is_not_recorded():
    calls: list = []
    publisher = _publisher(calls, fail=True)
    with pytest.raises(ClientError):
        publisher._publish_event_batch()
    assert calls == [("put", 2)]
    assert publisher.publish_callback is not None


def test_a_batch_not_due_yet_is_neither_sent_nor_recorded():
    calls: list = []
    publisher = _publisher(calls)
    publisher.event_batch.force_publish = False
    publisher._publish_event_batch()
    assert calls == []


def test_the_stream_records_the_delivered_state_in_its_store(tmp_path):
    stream = push.Stream.__new__(push.Stream)
    stream.dry_run = False
    stream.state_store = KeyValueStore(db=str(tmp_path / "state"), table="push_state")
    batch = _batch(LINES[:3])
    stream._record_state(batch, "t")
    assert stream.state_store.get(batch.source_id)["start_position"] == batch.last_event.end_position


def test_a_state_write_that_fails_is_logged_and_the_next_one_catches_up(tmp_path, caplog):
    """A full filesystem (SQLite's SQLITE_FULL, here by capping the file's pages) no longer kills the publisher."""
    store = KeyValueStore(db=str(tmp_path / "state"), table="push_state")
    store.save("source", {"end_position": 0})
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    assert extension.record_state(store, "source", {"end_position": 10, "pad": "x" * 100_000}) is False
    assert "database or disk is full" in caplog.text
    assert store.get("source") == {"end_position": 0}
    store.conn.execute("PRAGMA max_page_count = 1000000")
    assert extension.record_state(store, "source", {"end_position": 20}) is True
    assert store.get("source") == {"end_position": 20}


def test_sigterm_stops_the_agent_through_its_stop_flag():
    stop_flag = Event()
    previous = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM))
    try:
        timer.start()
        push.LogsPushCommand(None)._wait_on_exit(stop_flag)
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, previous)
    assert stop_flag.is_set()


def test_an_oversized_line_keeps_its_first_bytes_up_to_the_limit():
    line = b"2026-11-25 10:00:00 ERROR " + b"x" * 300_000
    event = push.LogEvent(message=line)
    encoded = event.message.encode()
    assert LIMIT - 64 < len(encoded) <= LIMIT
    notice = f" [TRUNCATED MESSAGE] {len(line) - encoded.index(b' [TRUNCATED')} bytes are truncated."
    assert event.message.startswith("2026-11-25 10:00:00 ERROR xxx")
    assert event.message.endswith(notice)
    assert event.size_in_bytes <= push.LogEvent.MAX_EVENT_SIZE


def test_a_cut_never_splits_a_character():
    event = push.LogEvent(message=("é" * 200_000).encode())
    head = event.message.split(" [TRUNCATED")[0]
    assert set(head) == {"é"}
    assert len(event.message.encode()) <= LIMIT


def test_a_line_that_fits_is_left_alone():
    line = b"y" * LIMIT
    assert push.LogEvent(message=line).message == line.decode()


def test_a_multi_line_event_keeps_its_first_lines_and_cuts_the_one_that_overflows():
    event = push.LogEvent(message=b"2026-11-25 10:00:00 ERROR boom")
    event.append_message(b"Traceback (most recent call last):")
    event.append_message(b"z" * 300_000)
    event.append_message(b"ZeroDivisionError: division by zero")
    lines = event.message.split("\n")
    assert lines[:2] == ["2026-11-25 10:00:00 ERROR boom", "Traceback (most recent call last):"]
    assert lines[2].startswith("zzz") and "[TRUNCATED MESSAGE]" in lines[2]
    assert len(lines) == 3
    assert event.size_in_bytes <= push.LogEvent.MAX_EVENT_SIZE


def test_truncation_gives_up_when_not_even_the_notice_fits():
    assert extension.truncate_message("a" * 100, 10) is None
    assert extension.truncate_message("a" * 100, 60) == "a" * 15 + " [TRUNCATED MESSAGE] 85 bytes are truncated."


SEOUL = timezone(timedelta(hours=9))


@pytest.mark.parametrize(
    ("datetime_format", "line", "expected"),
    [
        ("%Y-%m-%dT%H:%M:%S%z", "x 2026-12-02T09:00:00+09:00 GET /", datetime(2026, 12, 2, 9, tzinfo=SEOUL)),
        ("%Y-%m-%dT%H:%M:%S%z", "2026-12-02T09:00:00+0900", datetime(2026, 12, 2, 9, tzinfo=SEOUL)),
        ("%Y-%m-%dT%H:%M:%S.%f%z", "2026-12-02T00:00:00.250Z x", datetime(2026, 12, 2, 0, 0, 0, 250000, UTC)),
        ("%d/%b/%Y:%H:%M:%S %z", "[02/Dec/2026:09:00:00 -0130]", datetime(2026, 12, 2, 10, 30, tzinfo=UTC)),
    ],
)
def test_an_offset_is_read_with_or_without_its_colon_and_as_z(datetime_format, line, expected):
    assert push.DateTimeParser(datetime_format).parse(line) == expected


def test_an_iana_time_zone_gives_the_naive_time_its_zone():
    parsed = push.DateTimeParser("%Y-%m-%d %H:%M:%S,%f", "Asia/Seoul").parse("2026-12-02 09:00:00,123 INFO x")
    assert parsed.astimezone(UTC) == datetime(2026, 12, 2, 0, 0, 0, 123000, UTC)


def test_a_stream_keeps_its_iana_time_zone_and_refuses_an_unknown_one(caplog):
    config = configparser.RawConfigParser(push.StreamConfig.DEFAULT_DICT)
    for section, zone in (("seoul", "Asia/Seoul"), ("mars", "Mars/Olympus")):
        config.add_section(section)
        config.set(section, "file", "/x")
        config.set(section, "log_group_name", "g")
        config.set(section, "log_stream_name", "s")
        config.set(section, "time_zone", zone)
    assert push.StreamConfig(config, "seoul").time_zone == "Asia/Seoul"
    assert "unknown" not in caplog.text
    assert push.StreamConfig(config, "mars").time_zone == "LOCAL"
    assert "mars: time_zone 'Mars/Olympus' is not a time zone this host knows" in caplog.text


def test_a_non_ascii_pattern_and_format_split_and_stamp_korean_lines(tmp_path):
    log = tmp_path / "app.log"
    lines = ["2026년 12월 02일 09:00:00 주문 접수", "  상세: 1", "2026년 12월 02일 09:00:01 완료"]
    log.write_text("\n".join(lines) + "\n")
    parser = push.DateTimeParser("%Y년 %m월 %d일 %H:%M:%S", "Asia/Seoul")
    reader = _reader(log, None, multi_line_start_pattern=parser.dt_re.pattern, ignore_pattern_case=True)
    assert [reader._is_new_entry(line.encode()) for line in lines] == [True, False, True]
    assert _reader(log, None, multi_line_start_pattern="^2026년")._is_new_entry(lines[0].encode())
    assert parser.parse(lines[0]).astimezone(UTC) == datetime(2026, 12, 2, 0, 0, 0, tzinfo=UTC)


def test_the_plugin_loads_through_awscli_conf_and_the_dry_run_reads_the_lines_own_times(tmp_path):
    """The real `aws logs push --dry-run`, the extension named in awscli.conf: Korean, +09:00 and Z lines."""
    samples = {
        "korean": ("%Y년 %m월 %d일 %H:%M:%S", "Asia/Seoul", "2026년 12월 02일 09:00:00 주문 접수"),
        "iso": ("%Y-%m-%dT%H:%M:%S%z", "UTC", '127.0.0.1 [2026-12-02T09:00:00+09:00] "GET / HTTP/1.1" 200'),
        "zulu": ("%Y-%m-%dT%H:%M:%S.%f%z", "UTC", "2026-12-02T00:00:00.000Z worker started"),
    }
    sections = []
    for name, (datetime_format, zone, line) in samples.items():
        (tmp_path / f"{name}.log").write_text(line + "\n")
        sections.append(
            f"[{name}]\nfile = {tmp_path / name}.log\nlog_group_name = /t/{name}\nlog_stream_name = s\n"
            f"initial_position = start_of_file\ndatetime_format = {datetime_format}\ntime_zone = {zone}\n"
            "multi_line_start_pattern = {datetime_format}\n"
        )
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "logs.conf").write_text("\n".join(sections), encoding="utf-8")
    (tmp_path / "awslogs.conf").write_text(f"[general]\nstate_file = {tmp_path / 'state'}\n")
    (tmp_path / "awscli.conf").write_text("[plugins]\ncwlogs = awslogs_ops_cwlogs\n[default]\nregion = eu-west-1\n")
    env = {**os.environ, "AWS_CONFIG_FILE": str(tmp_path / "awscli.conf"), "AWS_ACCESS_KEY_ID": "dry-run",
           "AWS_SECRET_ACCESS_KEY": "dry-run", "PYTHONPATH": str(FILES)}  # fmt: skip
    aws = Path(sys.executable).parent / "aws"
    command = [str(aws), "logs", "push", "--config-file", str(tmp_path / "awslogs.conf"),
               "--additional-configs-dir", str(tmp_path / "config"), "--dry-run"]  # fmt: skip
    # The agent never exits by itself: its start (slow on a busy machine), one publish period (5 s), then timeout.
    done = subprocess.run(["timeout", "15", *command], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 124, done.stderr[-2000:]
    assert "not applied" not in done.stderr and "Failed to refresh" not in done.stderr, done.stderr[-2000:]
    batches = [ast.literal_eval(found) for found in re.findall(r"Publish batch: (\{.*\})\s*$", done.stderr, re.M)]
    stamps = sorted(batch["first_event"]["timestamp"] for batch in batches)
    assert sum(batch["fallback_events_count"] for batch in batches) == 0, done.stderr[-2000:]
    instant = int(datetime(2026, 12, 2, 0, tzinfo=UTC).timestamp() * 1000)
    assert stamps == [instant] * 3, done.stderr[-2000:]
