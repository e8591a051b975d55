"""Unit tests of the patched agent (roles/awslogs/files/cwlogs_push.py): a
batch is recorded after CloudWatch accepted it, as the position after its
last event; SIGTERM stops the agent cleanly; an oversized event keeps its
first bytes. The bench (molecule/reliability) proves the delivery counts."""

import hashlib
import importlib.util
import os
import queue
import signal
import threading
from pathlib import Path
from threading import Event

import awscli  # noqa: F401 - cwlogs imports botocore through awscli
import cwlogs
import pytest
import yaml
from botocore.exceptions import ClientError
from cwlogs.kvstore import KeyValueStore

ROLE = Path(__file__).resolve().parents[2] / "roles" / "awslogs"
_spec = importlib.util.spec_from_file_location("cwlogs_push_patched", ROLE / "files" / "cwlogs_push.py")
push = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(push)

LIMIT = push.LogEvent.MAX_EVENT_SIZE - push.LogEvent.PER_EVENT_OVERHEAD


def test_the_role_checks_for_the_pinned_agent_file():
    original = Path(cwlogs.__file__).with_name("push.py").read_bytes()
    role_vars = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())
    assert cwlogs.__version__ == "1.4.6"
    assert hashlib.sha256(original).hexdigest() == role_vars["__awslogs_cwlogs_push_sha256"]


def _event(line: bytes, start: int) -> "push.LogEvent":
    return push.LogEvent(
        message=line.rstrip(b"\n"),
        start_position=start,
        end_position=start + len(line),
        timestamp=push.get_current_millis(),
    )


def _batch(lines: list[bytes], start: int = 0) -> "push.EventBatch":
    batch = push.EventBatch(5000)
    for line in lines:
        event = _event(line, start)
        event.complete()
        assert batch.add_event(event) == 1
        start += len(line)
    return batch


LINES = [b"2026-11-25 10:00:0%d INFO n=%d\n" % (n, n) for n in range(4)]


def _reader(path: Path, push_state: dict | None) -> "push.FileEventsReader":
    return push.FileEventsReader("source", Event(), None, None, "UTC", str(path), push_state, None, "utf_8")


def test_a_delivered_batch_is_recorded_as_the_position_after_its_last_event():
    batch = _batch(LINES[:2])
    state = push.delivered_state(batch, "token-2")
    end = len(LINES[0]) + len(LINES[1])
    assert (state["start_position"], state["end_position"]) == (end, end)
    assert state["first_timestamp"] == batch.last_event.timestamp
    assert state["sequence_token"] == "token-2"


def test_a_restart_after_a_delivered_batch_reads_on_from_its_end_and_replays_nothing(tmp_path):
    log = tmp_path / "backend.log"
    log.write_bytes(b"".join(LINES))
    reader = _reader(log, push.delivered_state(_batch(LINES[:2]), "token-2"))
    with log.open("rb") as fo:
        reader._locate_initial_position(fo)
        position = fo.tell()
        assert fo.readline() == LINES[2]
    event = reader._create_log_event(LINES[2].rstrip(b"\n"), position, position + len(LINES[2]))
    assert not event.is_replay


def test_a_state_the_unpatched_agent_wrote_is_still_replayed(tmp_path):
    """The first restart after the patch: the old agent recorded its last batch before sending it."""
    log = tmp_path / "backend.log"
    log.write_bytes(b"".join(LINES))
    batch = _batch(LINES[:2])
    legacy = {
        "source_id": "source",
        "start_position": 0,
        "end_position": batch.last_event.end_position,
        "batch_timestamp": batch.batch_timestamp,
        "first_timestamp": batch.first_event.timestamp,
        "first_timestamp_status": 1,
        "sequence_token": None,
    }
    reader = _reader(log, legacy)
    with log.open("rb") as fo:
        reader._locate_initial_position(fo)
        assert fo.tell() == 0
    second = reader._create_log_event(LINES[1].rstrip(b"\n"), len(LINES[0]), batch.last_event.end_position)
    assert second.is_replay and second.is_last_replay


class _Endpoint:
    """Stands in for the CloudWatch Logs client: records each call, fails when told to."""

    def __init__(self, calls: list, fail: bool = False) -> None:
        self.calls, self.fail = calls, fail

    def put_log_events(self, **params):
        self.calls.append(("put", len(params["logEvents"])))
        if self.fail:
            raise ClientError({"Error": {"Code": "ServiceUnavailableException", "Message": "down"}}, "PutLogEvents")
        return {"nextSequenceToken": "next"}


def _publisher(calls: list, fail: bool = False) -> "push.EventBatchPublisher":
    publisher = push.EventBatchPublisher(Event(), queue.Queue(), _Endpoint(calls, fail), "/group", "stream")
    publisher.register_publish_callback(lambda batch, token: calls.append(("record", token)))
    batch = _batch(LINES[:2])
    batch.force_publish = True
    publisher.event_batch = batch
    return publisher


def test_a_batch_is_recorded_after_the_endpoint_accepted_it():
    calls: list = []
    _publisher(calls)._publish_event_batch()
    assert calls == [("put", 2), ("record", "next")]


def test_a_batch_the_endpoint_did_not_accept_is_not_recorded():
    calls: list = []
    with pytest.raises(ClientError):
        _publisher(calls, fail=True)._publish_event_batch()
    assert calls == [("put", 2)]


def test_a_state_write_that_fails_is_logged_and_the_next_one_catches_up(tmp_path, caplog):
    """A full filesystem (SQLite's SQLITE_FULL, here by capping the file's pages) no longer kills the publisher."""
    store = KeyValueStore(db=str(tmp_path / "state"), table="push_state")
    store.save("source", {"end_position": 0})
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    assert push.record_state(store, "source", {"end_position": 10, "pad": "x" * 100_000}) is False
    assert "database or disk is full" in caplog.text
    assert store.get("source") == {"end_position": 0}
    store.conn.execute("PRAGMA max_page_count = 1000000")
    assert push.record_state(store, "source", {"end_position": 20}) is True
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
    assert len(encoded) <= LIMIT
    assert len(encoded) > LIMIT - 64
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
    assert push.truncate_message("a" * 100, 10) is None
    assert push.truncate_message("a" * 100, 60) == "a" * 15 + " [TRUNCATED MESSAGE] 85 bytes are truncated."
