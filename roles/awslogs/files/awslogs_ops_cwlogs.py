"""awslogs-ops's extension of the CloudWatch Logs agent (awscli-cwlogs).

The AWS CLI loads it as a plugin (``[plugins] cwlogs = awslogs_ops_cwlogs`` in
awscli.conf, this file's directory on the agent's PYTHONPATH). It replaces a
few functions of the installed ``cwlogs`` package in memory, then registers
the agent's commands as ``cwlogs`` does; no file of the package is touched
(docs/reliability.md):

1. a batch is recorded as done after PutLogEvents accepted it, as the position
   after its last event, so a restart re-reads nothing delivered;
2. SIGTERM stops the agent through its stop flag, so what it sends is recorded;
3. an event over the size limit keeps its first bytes and a notice;
4. a state write that fails is logged and delivery goes on;
5. times from the line: ``%z`` reads ``+09:00``, ``+0900`` and ``Z``; a
   stream's ``time_zone`` may be an IANA name (``Asia/Seoul``, Python 3.9+);
6. a non-ASCII ``multi_line_start_pattern`` (or one made from a non-ASCII
   ``datetime_format``) is matched on the decoded line instead of failing.

It replaces nothing unless the ``cwlogs`` version and the source of every
function it wraps are the ones it was written for (FINGERPRINTS, sha256 of the
source text, the same on every Python); otherwise it says so on stderr (the
agent's journal) and the agent runs as AWS ships it.

``python awslogs_ops_cwlogs.py`` prints that check as JSON (the role's probe).
Python 2.7 (Amazon Linux 2) through 3.13: no f-strings, no annotations.
"""

import hashlib
import inspect
import json
import logging
import re
import signal
import sqlite3
import sys

VERSION = "1"
CWLOGS_VERSION = "1.4.6"
# sha256 of inspect.getsource() of each function this module wraps or replaces,
# in awscli-cwlogs 1.4.6 (tests/unit/test_cwlogs_extension.py recomputes them).
FINGERPRINTS = {
    "parser.DateTimeParser.__init__": "a417214e7890048218856680628ea7d3cda3b2f08e15a85b4a2e05aa8e478b43",
    "parser.DateTimeParser.parse": "1df2d0fc61f03fb048271a8c29df1bdea3bf174c2572e7f12fac843fc8237f35",
    "push.FileEventsReader.__init__": "5b2cb61345bfd4beffd9695afdcb21da43efde016265a60b9aef722bb1df1548",
    "push.LogEvent.append_message": "6c2715fc178db3381b8b6add443137f730fa4acd832b2fed01ca7555b03fe266",
    "push.LogsPushCommand._wait_on_exit": "c9f2b3de03951ec8542da88f042e2af987932c81e9472e3bd0a3911f5fc84f9d",
    "push.Publisher._publish_event_batch": "30a8f6508c8a0b64481d93bb6928a6ee7d53390e0a438daafba29b39fd661208",
    "push.Stream._record_state": "9882b34dd2e01606e5c1663a339d0607c5b3d75d6d5debde3bc99f2bc0cdc191",
    "push.StreamConfig.__init__": "5c030cb81af0af0a123dff6368eba9f3e5bfb3b0d1175d37344280c7adbf823c",
}
# The offset group of the agent's DateTimeParser pattern, and the wider one that replaces it.
AGENT_OFFSET = "(?P<z>[+-]\\d\\d[0-5]\\d)"
OFFSET = "(?P<z>z|[+-]\\d\\d:?[0-5]\\d)"
TRUNCATED_NOTICE = " [TRUNCATED MESSAGE] %d bytes are truncated."

logger = logging.getLogger("cwlogs.push")
stream_logger = logging.getLogger("cwlogs.push.stream")
event_logger = logging.getLogger("cwlogs.push.event")

try:
    text_type = unicode  # noqa: F821  (Python 2)
except NameError:
    text_type = str

try:
    import zoneinfo  # novermin - guarded: Python 3.9+
except ImportError:  # Python < 3.9
    zoneinfo = None

_originals = {}


def _modules():
    # Imported when used: the controller reads this file without an agent, and
    # cwlogs.push imports only after awscli (the botocore awscli vendors).
    import awscli  # noqa: F401, PLC0415
    import cwlogs  # noqa: PLC0415
    import cwlogs.parser  # noqa: PLC0415
    import cwlogs.push  # noqa: PLC0415

    return cwlogs, {"push": cwlogs.push, "parser": cwlogs.parser}


def _function(modules, name):
    module, owner, attribute = name.split(".")
    return getattr(getattr(modules[module], owner), attribute)


def fingerprint(function):
    source = inspect.getsource(function)
    if isinstance(source, text_type):
        source = source.encode("utf-8")
    return hashlib.sha256(source).hexdigest()


def check(cwlogs, modules):
    """What differs from what this extension was written for; empty when it fits."""
    if getattr(cwlogs, "__version__", None) != CWLOGS_VERSION:
        return ["cwlogs is %s, not %s" % (getattr(cwlogs, "__version__", "unknown"), CWLOGS_VERSION)]
    problems = []
    for name in sorted(FINGERPRINTS):
        try:
            found = fingerprint(_function(modules, name))
        except (AttributeError, IOError, OSError, TypeError) as exc:
            found = "unreadable (%s)" % exc
        if found != FINGERPRINTS[name]:
            problems.append("cwlogs.%s has changed (sha256 %s)" % (name, found))
    return problems


def zone(name):
    """The tzinfo of an IANA zone name; ValueError with the reason when this Python cannot use it."""
    if zoneinfo is None:
        raise ValueError(
            "time_zone %r needs Python 3.9+ (zoneinfo); the agent runs on Python %s"
            % (name, ".".join(str(part) for part in sys.version_info[:3]))
        )
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("time_zone %r is not a time zone this host knows (%s)" % (name, exc))  # noqa: B904 - Python 2


def delivered_state(event_batch, sequence_token):
    """The push state of a file once ``event_batch`` is delivered.

    Start and end are both the position after the batch's last event, so a
    restarted reader seeks there and marks nothing as a replay. The timestamp
    is the last event's, the one the next event falls back to.
    """
    return dict(
        source_id=event_batch.source_id,
        start_position=event_batch.last_event.end_position,
        end_position=event_batch.last_event.end_position,
        batch_timestamp=event_batch.batch_timestamp,
        first_timestamp=event_batch.last_event.timestamp,
        first_timestamp_status=event_batch.last_event.event_timestamp_status,
        sequence_token=sequence_token,
    )


def record_state(state_store, source_id, state):
    """Save a delivered batch's state; a failed write (a full filesystem) is logged and the agent goes on.

    The batch is delivered and the reader is past it, so nothing needs
    re-sending: the next batch's state, saved once there is room, covers it.
    """
    try:
        state_store.save(source_id, state)
    except sqlite3.Error as exc:
        try:  # noqa: SIM105 - Python 2 has no contextlib.suppress
            state_store.conn.rollback()
        except sqlite3.Error:
            pass
        stream_logger.warning(
            "Could not save the push state (%s); delivery goes on and the state is saved with the next batch", exc
        )
        return False
    return True


def truncate_message(message, room):
    """``message`` cut to at most ``room`` UTF-8 bytes (never half a character) and a notice.

    None if not even the notice fits.
    """
    encoded = message.encode("utf_8")
    notice_room = len((TRUNCATED_NOTICE % len(encoded)).encode("utf_8"))
    if room < notice_room:
        return None
    head = encoded[: room - notice_room].decode("utf_8", "ignore")
    cut = len(encoded) - len(head.encode("utf_8"))
    return head + TRUNCATED_NOTICE % cut


def offset_as_hhmm(offset):
    """``+09:00``, ``+0900``, ``Z`` -> the ``+0900`` form the agent's parser reads."""
    if offset in ("z", "Z"):
        return "+0000"
    return offset.replace(":", "")


class TextMatcher(object):
    """A multi-line start pattern searched on the line decoded with the stream's encoding."""

    def __init__(self, pattern, encoding, flags):
        self.regex = re.compile(pattern, flags)
        self.encoding = encoding

    def search(self, line):
        if isinstance(line, bytes):
            line = line.decode(self.encoding, "replace")
        return self.regex.search(line)


class _ZoneAsUTC(object):
    """A stream's configuration read with its IANA time_zone shown as UTC, so the agent keeps the name."""

    def __init__(self, config, section, option):
        self._config, self._section, self._option = config, section, option

    def get(self, section, option, *args, **kwargs):
        if (section, option) == (self._section, self._option):
            return "UTC"
        return self._config.get(section, option, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._config, name)


def _is_zone_name(name):
    return bool(name) and name not in ("UTC", "LOCAL")


def _original(name):
    return _originals[name]


def _wait_on_exit(self, stop_flag):
    signal.signal(signal.SIGTERM, lambda signum, frame: stop_flag.set())
    return _original("push.LogsPushCommand._wait_on_exit")(self, stop_flag)


def _record_state(self, event_batch, sequence_token):
    state = delivered_state(event_batch, sequence_token)
    stream_logger.debug("Saved state: %s", state)
    if not self.dry_run:
        record_state(self.state_store, event_batch.source_id, state)


def _publish_event_batch(self):
    # The agent calls publish_callback (the state write) before PutLogEvents:
    # hidden from it, and called here once the batch is sent (event_batch cleared).
    batch, callback = self.event_batch, self.publish_callback
    self.publish_callback = None
    try:
        _original("push.Publisher._publish_event_batch")(self)
    finally:
        self.publish_callback = callback
    if callback and batch is not None and self.event_batch is None:
        callback(batch, self.sequence_token)


def _append_message(self, message):
    text = message if isinstance(message, text_type) else self._decode(message)
    if self.message:
        room = self.MAX_EVENT_SIZE - 1 - self.size_in_bytes
    else:
        room = self.MAX_EVENT_SIZE - self.PER_EVENT_OVERHEAD - self.size_in_bytes
    if len(text.encode("utf_8")) > room:
        event_logger.warning("Truncate event: %s, reason: %s.", self.debug_fields(), "single event exceeds size limit")
        text = truncate_message(text, room)
        if text is None:
            return
    _original("push.LogEvent.append_message")(self, text)


def _stream_config_init(self, config, section):
    name = config.get(section, "time_zone")
    usable = None
    if _is_zone_name(name):
        try:
            zone(name)
            usable = name
        except ValueError as exc:
            logger.warning("%s: %s", section, exc)
    _original("push.StreamConfig.__init__")(
        self, _ZoneAsUTC(config, section, "time_zone") if usable else config, section
    )
    if usable:
        self.time_zone = usable


def _reader_init(  # noqa: PLR0917 - the agent's own signature
    self,
    source_id,
    stop_flag,
    queue,
    dt_format,
    time_zone,
    file,
    push_state,
    stream_state,
    encoding,
    multi_line_start_pattern=None,
    ignore_pattern_case=False,
):
    # The agent compiles the pattern as latin-1 bytes (six.b): a non-ASCII one
    # is matched on the decoded line instead.
    pattern = multi_line_start_pattern
    as_text = isinstance(pattern, text_type) and any(ord(char) > 127 for char in pattern)
    _original("push.FileEventsReader.__init__")(
        self, source_id, stop_flag, queue, dt_format, time_zone, file, push_state, stream_state, encoding,
        None if as_text else pattern, ignore_pattern_case,
    )  # fmt: skip
    if as_text:
        self.multi_line_start_matcher = TextMatcher(pattern, encoding, re.IGNORECASE if ignore_pattern_case else 0)


def _parser_init(self, datetime_format, time_zone=None):
    _original("parser.DateTimeParser.__init__")(self, datetime_format, time_zone)
    self._awslogs_ops_zone = zone(time_zone) if _is_zone_name(time_zone) else None
    if datetime_format is not None and self._has_tzoffset:
        self.dt_re = re.compile(self.dt_re.pattern.replace(AGENT_OFFSET, OFFSET), re.IGNORECASE)


def _parse(self, message):
    if self._format is not None and self._has_tzoffset:
        match = self.dt_re.search(message)
        if match and match.group("z"):
            message = message[: match.start("z")] + offset_as_hhmm(match.group("z")) + message[match.end("z") :]
    parsed = _original("parser.DateTimeParser.parse")(self, message)
    if parsed is not None and self._awslogs_ops_zone is not None and not self._has_tzoffset:
        parsed = parsed.replace(tzinfo=self._awslogs_ops_zone)
    return parsed


REPLACEMENTS = {
    "parser.DateTimeParser.__init__": _parser_init,
    "parser.DateTimeParser.parse": _parse,
    "push.FileEventsReader.__init__": _reader_init,
    "push.LogEvent.append_message": _append_message,
    "push.LogsPushCommand._wait_on_exit": _wait_on_exit,
    "push.Publisher._publish_event_batch": _publish_event_batch,
    "push.Stream._record_state": _record_state,
    "push.StreamConfig.__init__": _stream_config_init,
}


def apply():
    """Replace the functions when the installed cwlogs fits; the list of what differs otherwise (nothing replaced)."""
    cwlogs, modules = _modules()
    if _originals:
        return []
    problems = check(cwlogs, modules)
    if problems:
        return problems
    for name, replacement in sorted(REPLACEMENTS.items()):
        module, owner, attribute = name.split(".")
        cls = getattr(modules[module], owner)
        _originals[name] = cls.__dict__[attribute]
        setattr(cls, attribute, replacement)
    return []


def awscli_initialize(cli):
    """The AWS CLI's plugin entry point: extend cwlogs when it fits, then register its commands."""
    cwlogs = _modules()[0]

    problems = apply()
    if problems:
        sys.stderr.write(
            "WARNING awslogs-ops extension: not applied, the agent runs as AWS ships it "
            "(a restart re-sends up to one batch; docs/reliability.md): %s\n" % "; ".join(problems)
        )
    cwlogs.awscli_initialize(cli)


def _sha256_of(path):
    with open(path, "rb") as source:
        return hashlib.sha256(source.read()).hexdigest()


def self_check():
    """What the role reads on the host: the agent's cwlogs, its Python, and whether this extension fits it."""
    cwlogs, modules = _modules()
    return {
        "extension": VERSION,
        "cwlogs": getattr(cwlogs, "__version__", None),
        "push": modules["push"].__file__.replace(".pyc", ".py"),
        "python": ".".join(str(part) for part in sys.version_info[:3]),
        "zoneinfo": zoneinfo is not None,
        "push_sha256": _sha256_of(modules["push"].__file__.replace(".pyc", ".py")),
        "problems": check(cwlogs, modules),
    }


if __name__ == "__main__":
    print(json.dumps(self_check(), sort_keys=True))
