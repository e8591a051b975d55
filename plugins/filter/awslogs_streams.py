"""Filters over the one list of stream definitions (``awslogs_streams``): the awslogs agent's side.

``awslogs_stream_errors`` checks every stream against the stream model
(plugins/module_utils/awslogs_stream_model.py: names, groups, retention, state)
and the limits of the CloudWatch Logs agent (awscli-cwlogs: batches, buffer,
its time parser, the files it may read), and returns one message per problem,
each naming the stream and the key, so a play can stop before it touches a
host or an AWS resource.

``awslogs_setting_errors`` checks the scalar settings both roles take
(region, endpoint, credentials, names, retention), by their variable names.

``awslogs_agent_sections`` turns the list into the sections of the agent's
``logs.conf``; ``awslogs_single_line`` is the templates' last guard against a
value that would start a new line (a new section) in a file the agent reads.

Every string that is rendered into a file must be one line of printable text
without surrounding whitespace: the agent's INI parser reads a line break as a
new key or section, and strips what surrounds a value.
"""

from __future__ import annotations

import _strptime
import codecs
import fnmatch
import importlib.util
import json
import posixpath
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

try:
    from ansible_collections.awslogs_ops.awslogs.plugins.filter.awslogs_regex_shape import backtracking_shape
except ImportError:  # the unit tests import the plugins from their folder
    from awslogs_regex_shape import backtracking_shape
try:
    from ansible_collections.awslogs_ops.awslogs.plugins.module_utils import awslogs_stream_model as model
except ImportError:  # the unit tests import the plugins from their folders
    import awslogs_stream_model as model

# The stream model's names that the tests and other plugins read from here.
RETENTION_DAYS = model.RETENTION_DAYS

MIN_BUFFER_DURATION_MS = 5000
# The agent's longest time range of one batch (MAX_TIME_RANGE_PER_BATCH): a
# longer buffer holds lines for more than a day and cannot be sent as one put.
MAX_BUFFER_DURATION_MS = 24 * 60 * 60 * 1000
MAX_BATCH_COUNT = 10000
MAX_BATCH_SIZE = 1024 * 1024
# Section names the agent's configparser treats specially: [general] is
# skipped in an additional config file, [DEFAULT] feeds every other section.
RESERVED_SECTION_NAMES = frozenset(("general", "default"))
DEFAULT_STATE_FILE = "/var/lib/awslogs/agent-state"
# The agent's own files: shipping one would loop its log back into itself or
# send its credentials and read positions to CloudWatch Logs.
AGENT_CONFIG_FILES = (
    "/etc/awslogs/awscli.conf",
    "/etc/awslogs/awslogs.conf",
    "/etc/awslogs/logging.conf",
    "/etc/awslogs/proxy.conf",
    "/etc/awslogs/config/logs.conf",
)
SQLITE_SIDE_FILES = ("", "-journal", "-wal", "-shm")
# Paths no stream ships unless it sets allow_sensitive: a path is denied when it is one of these or lies
# below one (each part a glob, as the agent's glob reads it). The agent reads as root with
# CAP_DAC_READ_SEARCH, so mode bits stop nothing: password hashes, sudo rules, host and user keys, root's
# home (its AWS credentials), the kernel's views (/proc/self/environ holds the agent's proxy credentials),
# the drift schedule's environment file (/etc/awslogs-drift/drift.env).
SENSITIVE_PATHS = (
    "/etc/shadow*",
    "/etc/gshadow*",
    "/etc/sudoers*",
    "/etc/ssh",
    "/etc/awslogs-drift",
    "/root",
    "/home/*/.ssh",
    "/home/*/.aws",
    "/proc",
    "/sys",
)
# File names denied wherever they are: pip's environment beside a virtualenv (index tokens, proxy credentials).
SENSITIVE_NAMES = (".pip-environment",)

# Every pattern is used with fullmatch: `$` would also accept a trailing newline.
REGION_RE = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]+")
ENDPOINT_URL_RE = re.compile(r"https?://[^/\s]+(/\S*)?")
IAM_ROLE_NAME_RE = re.compile(r"[A-Za-z0-9+=,.@_-]{1,64}")
IAM_POLICY_NAME_RE = re.compile(r"[A-Za-z0-9+=,.@_-]{1,128}")
FINGERPRINT_RE = re.compile(r"([1-9][0-9]*)(?:-([1-9][0-9]*))?")
INSTANCE_ID_RE = re.compile(r"i-([0-9a-f]{8}|[0-9a-f]{17})")
# One part of every log group name (/aws/elasticbeanstalk/<env>/...): the group's characters but the slash.
ENV_NAME_RE = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._#-]{0,98}[A-Za-z0-9])?")
# A plain absolute path: logging.conf hands it to Python's eval inside quotes.
PLAIN_PATH_RE = re.compile(r"(/[A-Za-z0-9._+@%,=~-]+)+")
LOGROTATE_CHOICES = {
    "method": ("create", "copytruncate"),
    "frequency": ("daily", "weekly", "monthly"),
}
LOGROTATE_KEYS = frozenset(("method", "frequency", "rotate", "maxsize", "compress", "postrotate", "unless_policy"))
LOGROTATE_SIZE_RE = re.compile(r"[0-9]+[kMG]?")
# How logrotate names a rotated copy: app.log.1, app.log.2.gz, app.log-20261125 (dateext).
ROTATED_SUFFIXES = (".1", ".2.gz", "-20261125")
# Codecs Python calls text encodings that no log file is written in.
NON_TEXT_CODECS = frozenset(("idna", "punycode", "undefined"))
CHOICES = {"initial_position": ("start_of_file", "end_of_file")}


# Settings whose whole value may be a secret, by the ending of their name: the static keys, the
# session token, and the environments (pip's index tokens and proxies, the scheduled runs' credentials).
SECRET_SUFFIXES = ("_access_key_id", "_secret_access_key", "_session_token", "_environment", "_environment_file")
# The userinfo of a URL anywhere in a value (http://user:PASS@proxy:3128, an index URL with a token),
# up to the last '@': a password holding an unescaped '@' or '/' is masked whole.
USERINFO_RE = re.compile(r"(?<=://).*@")


def _is_secret(name: str) -> bool:
    return name.endswith(SECRET_SUFFIXES)


def masked(shown: str) -> str:
    """A value as a message shows it, a URL's userinfo as '***' (all of it when there is no scheme)."""
    if "@" in shown and "://" not in shown:
        return "(hidden: it holds an '@')"
    return USERINFO_RE.sub("***@", shown)


def _text_errors(key: str, value: Any, secret: bool = False) -> list[str]:
    """Every string in ``value`` (a string, or the keys and values of a mapping or list)."""
    secret = secret or _is_secret(key)
    if isinstance(value, str):
        problem = model.text_problem(value)
        if problem is None:
            return []
        return [f"{key} {problem}" + ("" if secret else f", got {masked(repr(value))}")]
    if isinstance(value, Mapping):
        # A mapping's keys are names (shown); its values are what may be secret.
        return [
            *(error for name in value for error in _text_errors(key, name)),
            *(error for item in value.values() for error in _text_errors(key, item, secret)),
        ]
    if isinstance(value, list):
        return [error for item in value for error in _text_errors(key, item, secret)]
    return []


def _check_int(stream: Mapping, key: str, low: int | None, high: int | None) -> list[str]:
    if key not in stream:
        return []
    number = model.as_int(stream[key])
    if number is None:
        return [f"{key} must be a whole number written with the digits 0-9, got {stream[key]!r}"]
    if low is not None and number < low:
        return [f"{key} must be at least {low}, got {number}"]
    if high is not None and number > high:
        return [f"{key} must be at most {high}, got {number}"]
    return []


def _check_name(stream: Mapping) -> list[str]:
    errors = model.check_name(stream)
    if not errors and stream["name"].lower() in RESERVED_SECTION_NAMES:
        return [
            f"name {stream['name']!r} is a section name the agent reserves ([general] holds its settings and is "
            "skipped in logs.conf, [DEFAULT] is merged into every other section); choose another name"
        ]
    return errors


def _glob_matches(pattern: str, path: str) -> bool:
    """Whether glob.glob(pattern) returns ``path``: part by part; '*' crosses no '/' and matches no leading '.'."""
    pattern_parts, path_parts = pattern.split("/"), path.split("/")
    if len(pattern_parts) != len(path_parts):
        return False
    return all(
        fnmatch.fnmatchcase(part, wanted) and (wanted.startswith(".") or not part.startswith("."))
        for wanted, part in zip(pattern_parts, path_parts, strict=True)
    )


def _glob_parts(pattern: str) -> list[str]:
    """One glob part as tokens: '*', or a one-character glob ('?', '[...]', a literal) as fnmatch reads it."""
    tokens, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        end = index + 1
        if char == "[":
            close = pattern.find("]", index + 2 if pattern[index + 1 : index + 2] in ("!", "]") else index + 1)
            end = close + 1 if close > 0 else index + 1
        tokens.append(pattern[index:end])
        index = end
    return tokens


def _one_char_overlap(first: str, second: str, alphabet: str) -> bool:
    return any(fnmatch.fnmatchcase(char, first) and fnmatch.fnmatchcase(char, second) for char in alphabet)


def _parts_overlap(glob_part: str, denied_part: str) -> bool:
    """Whether a name exists that both parts match (glob's '*' matches no leading '.')."""
    left, right = _glob_parts(glob_part), _glob_parts(denied_part)
    alphabet = "".join(sorted({chr(code) for code in range(32, 127)} | set(glob_part + denied_part) - {"/"}))
    seen: set[tuple[int, int]] = set()

    def overlap(i: int, j: int) -> bool:
        if (i, j) in seen:
            return False
        seen.add((i, j))
        ends = (i == len(left), j == len(right))
        steps = []
        if not ends[0] and left[i] == "*":
            steps += [(i + 1, j), (i, j + 1)]  # the star ends, or takes the other's next character
        if not ends[1] and right[j] == "*":
            steps += [(i, j + 1), (i + 1, j)]
        if not any(ends) and "*" not in (left[i], right[j]) and _one_char_overlap(left[i], right[j], alphabet):
            steps.append((i + 1, j + 1))
        return all(ends) or any(step[0] <= len(left) and step[1] <= len(right) and overlap(*step) for step in steps)

    if denied_part.startswith(".") and not glob_part.startswith("."):
        return False
    return overlap(0, 0)


def normal_path(path: str) -> str:
    """``path`` without '//', '.' and '..' (posixpath.normpath, which keeps a leading '//')."""
    return re.sub("^/+", "/", posixpath.normpath(path))


def sensitive_match(path: str, denied: Iterable[str] = SENSITIVE_PATHS) -> str | None:
    """The first denied path that the glob ``path`` (normalised) can match or reach below, else None."""
    parts = normal_path(path).split("/")
    for entry in denied:
        entry_parts = entry.split("/")
        if len(parts) >= len(entry_parts) and all(
            _parts_overlap(part, wanted) for part, wanted in zip(parts, entry_parts, strict=False)
        ):
            return entry
    for name in SENSITIVE_NAMES:
        if _parts_overlap(parts[-1], name):
            return f"*/{name}"
    return None


# What of SENSITIVE_PATHS the agent's unit hides (InaccessiblePaths=, '-': a path the host lacks is skipped).
# Not /proc nor /sys: Python and the agent read their own parts (ProtectProc= and ProtectKernelTunables=
# confine them); a glob part (/home/*/.ssh) is not a unit path: ProtectHome= covers it.
UNIT_HIDDEN_PATHS = (
    "/etc/shadow",
    "/etc/shadow-",
    "/etc/gshadow",
    "/etc/gshadow-",
    "/etc/sudoers",
    "/etc/sudoers.d",
    "/etc/ssh",
    "/etc/awslogs-drift",
    "/root",
)
HOME_PATHS = ("/home", "/root", "/run/user")


def awslogs_unit_sandbox(streams: Iterable[Mapping], venv: str = "") -> dict[str, Any]:
    """The agent unit's hidden paths, and its ProtectHome= (yes unless a shipped stream reads a home).

    A stream with allow_sensitive keeps what its glob can reach visible: it asked for it.
    """
    shipped = model.present(streams)
    allowed = [str(stream["file"]) for stream in shipped if stream.get("allow_sensitive") is True]
    candidates = [*UNIT_HIDDEN_PATHS, *([f"{venv}/.pip-environment"] if venv else [])]
    hidden = [path for path in candidates if not any(sensitive_match(glob, [path]) for glob in allowed)]
    reads_home = any(sensitive_match(str(stream["file"]), HOME_PATHS) for stream in shipped)
    return {"inaccessible": hidden, "protect_home": "read-only" if reads_home else "yes"}


def agent_own_files(state_file: str = "", log_file: str = "") -> list[str]:
    """The files the agent itself reads or writes (an empty state_file is the default one)."""
    state_files = [(state_file or DEFAULT_STATE_FILE) + suffix for suffix in SQLITE_SIDE_FILES]
    return [*AGENT_CONFIG_FILES, *state_files, *([log_file] if log_file else [])]


def _check_file(stream: Mapping, own_files: Iterable[str]) -> list[str]:
    path = stream.get("file")
    if not isinstance(path, str) or not path:
        return ["file is required (the path or glob of the log file)"]
    if not path.startswith("/"):
        return [f"file must be an absolute path, got {path!r}"]
    if path.endswith("/"):
        return [f"file {path!r} names a directory; the agent reads only files: give a file or a glob of files"]
    normal = normal_path(path)
    errors = []
    own = [candidate for candidate in own_files if _glob_matches(normal, candidate)]
    if own:
        errors.append(
            f"file {path!r} matches the agent's own file {own[0]!r}; shipping it would send the agent's "
            "state, credentials or log back through the agent"
        )
    denied = sensitive_match(normal)
    if denied and stream.get("allow_sensitive") is not True:
        errors.append(
            f"file {path!r} can match the sensitive path {denied!r} (secrets, keys or the kernel's views, which "
            "the agent reads as root); set allow_sensitive: true on this stream if you really mean to ship it"
        )
    if normal != path:
        # normpath is lexical: '..' after a symlinked directory is not where the kernel goes.
        errors.append(f"file {path!r} must be written in normal form (no '//', '.' or '..'): {normal!r}")
    return errors


def _check_allow(stream: Mapping) -> list[str]:
    return [
        f"{key} must be true or false, got {stream[key]!r}"
        for key in ("allow_sensitive", "allow_writable_dir")
        if key in stream and not isinstance(stream[key], bool)
    ]


@cache
def _extension() -> ModuleType:
    """The agent extension the role ships (roles/awslogs/files): times are read its way."""
    path = Path(__file__).resolve().parents[2] / "roles" / "awslogs" / "files" / "awslogs_ops_cwlogs.py"
    spec = importlib.util.spec_from_file_location("awslogs_ops_cwlogs", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the agent extension from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check_time_zone(stream: Mapping) -> list[str]:
    """UTC, LOCAL, or an IANA zone name, which the agent extension reads (Python 3.9+ on the host)."""
    value = stream.get("time_zone", "UTC")
    if value in ("UTC", "LOCAL"):
        return []
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*", value):
        return [f"time_zone must be UTC, LOCAL or an IANA time zone name (Asia/Seoul), got {value!r}"]
    try:
        _extension().zone(value)
    except ValueError as exc:
        return [f"time_zone must be UTC, LOCAL or an IANA time zone name (Asia/Seoul): {exc}"]
    return []


def _check_choices(stream: Mapping) -> list[str]:
    return [
        f"{key} must be one of {', '.join(allowed)}, got {stream[key]!r}"
        for key, allowed in CHOICES.items()
        if key in stream and stream[key] not in allowed
    ]


def _check_encoding(stream: Mapping) -> list[str]:
    if "encoding" not in stream:
        return []
    try:
        codec = codecs.lookup(str(stream["encoding"]))
    except LookupError:
        return [f"encoding {stream['encoding']!r} is not a Python codec the agent can decode with"]
    # rot13, base64, zip, hex, bz2...: bytes-to-bytes or str-to-str codecs; the agent's reader dies on the
    # first line. idna and punycode decode host names, not lines; undefined refuses everything.
    if not getattr(codec, "_is_text_encoding", True) or codec.name in NON_TEXT_CODECS:
        return [
            f"encoding {stream['encoding']!r} is not a text encoding ({codec.name}); the agent's reader would "
            "stop at the first line: give the file's character set, e.g. utf_8, euc_kr, latin_1"
        ]
    return []


def _check_multi_line(stream: Mapping) -> list[str]:
    if "multi_line_start_pattern" not in stream:
        return []
    pattern = stream["multi_line_start_pattern"]
    if pattern == model.DATETIME_FORMAT_PATTERN:
        if not stream.get("datetime_format"):
            return ["multi_line_start_pattern '{datetime_format}' needs a datetime_format"]
        return []
    if not isinstance(pattern, str) or not pattern:
        return ["multi_line_start_pattern must be a regular expression or '{datetime_format}'"]
    try:
        re.compile(pattern)
    except re.error as exc:
        return [f"multi_line_start_pattern {pattern!r} is not a valid regular expression: {exc}"]
    return []


def _check_backtracking(stream: Mapping) -> list[str]:
    pattern = stream.get("multi_line_start_pattern")
    shape = (
        backtracking_shape(pattern) if isinstance(pattern, str) and pattern != model.DATETIME_FORMAT_PATTERN else None
    )
    if shape:
        return [
            f"multi_line_start_pattern {pattern!r} can backtrack catastrophically ({shape}): the time to "
            "search one line doubles with each character and the stream's reader stalls; rewrite it "
            "without a repeat of a repeat or of overlapping alternatives"
        ]
    return []


@cache
def _time_re() -> _strptime.TimeRE:
    # Built from the locale's month and day names: 6 ms, so once a process (the controller's, before the fork).
    return _strptime.TimeRE()


_time_re()


def agent_datetime_parse(datetime_format: str, line: str) -> datetime | None:
    """Parse the time in ``line`` the way the agent with its extension does (cwlogs/parser.py, awslogs_ops_cwlogs).

    The format becomes a regex with ``_strptime.TimeRE`` (``%z`` by hand: ``+09:00``,
    ``+0900`` or ``Z`` with the extension), searched anywhere in the line,
    case-insensitive; the match is then read with strptime (naive, except with
    ``%z``: the agent applies ``time_zone`` to naive times). Raises what the
    agent's parser raises on a format it cannot turn into a pattern.
    """
    has_offset = re.search("(?<!%)%z", datetime_format)
    pattern = _time_re().pattern(datetime_format.replace("%z", "%%z") if has_offset else datetime_format)
    if has_offset:
        pattern = pattern.replace("%z", _extension().OFFSET)
    match = re.compile(f"(?P<dt>{pattern})", re.IGNORECASE).search(line)
    if not match:
        return None
    text, offset = match.group("dt"), None
    if has_offset and match.group("z"):
        text = line[match.start("dt") : match.start("z")] + line[match.end("z") : match.end("dt")]
        hhmm = _extension().offset_as_hhmm(match.group("z"))
        sign = -1 if hhmm.startswith("-") else 1
        offset = timezone(sign * timedelta(hours=int(hhmm[1:3]), minutes=int(hhmm[3:5])))
    try:
        parsed = datetime.strptime(text, datetime_format.replace("%z", "") if has_offset else datetime_format)
    except ValueError:
        return None
    return parsed.replace(tzinfo=offset) if offset else parsed


def _check_datetime_format(stream: Mapping) -> list[str]:
    if "datetime_format" not in stream:
        return ["sample_line needs a datetime_format to check"] if "sample_line" in stream else []
    datetime_format = stream["datetime_format"]
    if not isinstance(datetime_format, str) or "%" not in datetime_format:
        return [f"datetime_format {datetime_format!r} has no strftime directive (%Y, %m, %d, %H...)"]
    try:
        agent_datetime_parse(datetime_format, "")
    except (KeyError, IndexError, ValueError, re.error) as exc:
        return [
            f"datetime_format {datetime_format!r} is not a pattern the agent can build "
            f"({type(exc).__name__}: {exc}); the agent would stamp every event with the time it read it"
        ]
    samples = stream.get("sample_line", [])
    samples = [samples] if isinstance(samples, str) else samples
    if not isinstance(samples, list) or not all(isinstance(sample, str) for sample in samples):
        return ["sample_line must be a line of the log file, or a list of them"]
    if samples and not any(agent_datetime_parse(datetime_format, sample) for sample in samples):
        return [f"datetime_format {datetime_format!r} matches none of sample_line {samples!r}"]
    return []


def _check_fingerprint(stream: Mapping) -> list[str]:
    if "file_fingerprint_lines" not in stream:
        return []
    value = str(stream["file_fingerprint_lines"])
    match = FINGERPRINT_RE.fullmatch(value)
    if not match:
        return [
            f"file_fingerprint_lines must be N or N-M (line numbers from 1, digits 0-9, no leading zero), got {value!r}"
        ]
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if last < first:
        return [f"file_fingerprint_lines {value!r} must count from line 1 and end at or after its start"]
    return []


def _check_rotated_copies(stream: Mapping) -> list[str]:
    """The agent reads the newest file the glob matches: a rotated copy must not match it."""
    path = stream.get("file")
    if not isinstance(path, str) or not any(char in path for char in "*?["):
        return []
    sample = re.sub(r"\[[^]]*\]", "x", path).replace("*", "x").replace("?", "x")
    for suffix in ROTATED_SUFFIXES:
        if fnmatch.fnmatchcase(sample + suffix, path):
            return [
                f"file glob {path!r} also matches rotated copies ({sample}{suffix}), which the agent "
                "would read as new files; end it with the live file's suffix, e.g. '/var/log/containers/backend*.log'"
            ]
    return []


def _check_logrotate(stream: Mapping) -> list[str]:
    """logrotate: false (the stream's file is rotated elsewhere), true, or a mapping of policy keys."""
    if "logrotate" not in stream or isinstance(stream["logrotate"], bool):
        return []
    policy = stream["logrotate"]
    if not isinstance(policy, Mapping):
        return [f"logrotate must be false, true or a mapping of {', '.join(sorted(LOGROTATE_KEYS))}, got {policy!r}"]
    errors = [
        f"logrotate.{key} must be one of {', '.join(allowed)}, got {policy[key]!r}"
        for key, allowed in LOGROTATE_CHOICES.items()
        if key in policy and policy[key] not in allowed
    ]
    copies = model.as_int(policy.get("rotate", 0))
    if copies is None or copies < 0:
        errors.append(f"logrotate.rotate must be a whole number of copies to keep, got {policy['rotate']!r}")
    if "maxsize" in policy and not LOGROTATE_SIZE_RE.fullmatch(str(policy["maxsize"])):
        errors.append(f"logrotate.maxsize must be a size like 100M, 512k or 1G, got {policy['maxsize']!r}")
    if "compress" in policy and not isinstance(policy["compress"], bool):
        errors.append(f"logrotate.compress must be true or false, got {policy['compress']!r}")
    if "postrotate" in policy and not isinstance(policy["postrotate"], str):
        errors.append("logrotate.postrotate must be a shell command")
    if policy.get("unless_policy") and not str(policy["unless_policy"]).startswith("/"):
        errors.append(f"logrotate.unless_policy must be an absolute path, got {policy['unless_policy']!r}")
    unknown = sorted(set(policy) - LOGROTATE_KEYS)
    if unknown:
        errors.append(f"logrotate has unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(LOGROTATE_KEYS))}")
    return errors


STREAM_CHECKS = (
    _check_name,
    model.check_log_group_name,
    model.check_log_stream_name,
    _check_choices,
    model.check_state,
    _check_time_zone,
    _check_encoding,
    lambda s: _check_int(s, "buffer_duration", MIN_BUFFER_DURATION_MS, MAX_BUFFER_DURATION_MS),
    lambda s: _check_int(s, "batch_count", 1, MAX_BATCH_COUNT),
    lambda s: _check_int(s, "batch_size", 1, MAX_BATCH_SIZE),
    _check_multi_line,
    _check_backtracking,
    _check_datetime_format,
    _check_fingerprint,
    _check_rotated_copies,
    _check_logrotate,
    model.check_retention,
    model.check_tags,
    _check_allow,
    model.check_container,
    model.check_unknown,
)


def _stream_errors(stream: Mapping, own_files: list[str]) -> list[str]:
    # Text that cannot be written as one line is the real cause: report it alone.
    text = [error for key, value in stream.items() for error in _text_errors(str(key), value)]
    if text:
        return text
    return [*_check_file(stream, own_files), *(error for check in STREAM_CHECKS for error in check(stream))]


def awslogs_stream_errors(
    streams: Any, defaults: Mapping | None = None, state_file: str = "", log_file: str = ""
) -> list[str]:
    """Return every problem in the stream list, each naming stream and key.

    ``defaults`` (awslogs_stream_defaults) are checked as part of every stream that does not override them.
    ``state_file`` and ``log_file`` are the agent's own files, which no stream may ship.
    """
    if not isinstance(streams, list) or not streams:
        return ["awslogs_streams must be a non-empty list of stream definitions"]
    if model.default_errors(defaults):
        return model.default_errors(defaults)
    streams = model.with_defaults(streams, defaults)
    own_files = agent_own_files(state_file, log_file)
    errors = []
    for index, stream in enumerate(streams):
        if not isinstance(stream, Mapping):
            errors.append(f"awslogs_streams[{index}] must be a mapping, got {type(stream).__name__}")
            continue
        errors.extend(f"{model.label(index, stream)}.{message}" for message in _stream_errors(stream, own_files))
    if not errors:
        errors.extend(model.duplicate_errors(streams))
    return errors


def awslogs_instance_id_streams(streams: Iterable[Mapping]) -> list[str]:
    """Names of the shipped streams whose log_stream_name uses {instance_id}."""
    return [
        str(stream["name"])
        for stream in model.present(streams)
        if "{instance_id}" in str(model.option(stream, "log_stream_name"))
    ]


def _link_problem(stream: Mapping, entry: Mapping, own_files: Iterable[str]) -> str | None:
    target = entry.get("target")
    if not target:
        return None
    if target in own_files:
        return "the agent's own file"
    if sensitive_match(target) and stream.get("allow_sensitive") is not True:
        return f"the sensitive path {sensitive_match(target)!r}"
    if posixpath.dirname(target) != entry.get("realdir"):
        return "a file outside the stream's directory"
    return None


def _writable_by_others(folder: Mapping) -> bool:
    mode = int(folder["mode"])
    return bool((folder["uid"] != 0 and mode & 0o200) or (folder["gid"] != 0 and mode & 0o020) or mode & 0o002)


def awslogs_file_errors(
    streams: Iterable[Mapping],
    found: Iterable[Mapping],
    dirs: Iterable[Mapping] = (),
    state_file: str = "",
    log_file: str = "",
) -> list[str]:
    """What the host's glob found that the agent must not read, per stream.

    ``found`` holds ``{'path', 'isdir', 'target', 'realdir'}`` per match (``target``: where a symlink
    leads); ``dirs`` holds ``{'path', 'uid', 'gid', 'mode'}`` per directory a glob reads;
    ``state_file`` and ``log_file`` name the agent's own files, as for awslogs_stream_errors.
    """
    errors = []
    own = agent_own_files(state_file, log_file)
    for stream in model.present(streams):
        pattern, label = str(stream["file"]), f"awslogs_streams[{stream['name']}].file"
        matches = [entry for entry in found if _glob_matches(pattern, entry["path"])]
        if matches and all(entry.get("isdir") for entry in matches):
            errors.append(
                f"{label} {pattern!r} is a directory on this host "
                f"({', '.join(sorted(entry['path'] for entry in matches))}); the agent reads only files "
                "and would never read it: give a file or a glob of files"
            )
        for entry in matches:
            problem = _link_problem(stream, entry, own)
            if problem:
                errors.append(
                    f"{label} {pattern!r} matches {entry['path']!r}, a symlink to {entry['target']!r}, "
                    f"{problem}: the agent would follow it and ship that file. Remove the link, and see who "
                    "could plant it"
                )
        for folder in dirs:
            reads = _glob_matches(posixpath.dirname(pattern), folder["path"])
            if reads and _writable_by_others(folder) and stream.get("allow_writable_dir") is not True:
                errors.append(
                    f"{label} {pattern!r} is read from {folder['path']!r}, which a user other than root can "
                    f"write to (uid {folder['uid']}, gid {folder['gid']}, mode {int(folder['mode']):04o}): "
                    "that user could plant a link to any file the agent can read. Make the directory "
                    "root's and not group- or world-writable (chown root: DIR; chmod 0755 DIR) and let the "
                    "application write only its file, or set allow_writable_dir: true on this stream"
                )
    return errors


def awslogs_sample_lines(streams: Iterable[Mapping]) -> list[dict[str, Any]]:
    """``[{'name', 'samples'}]`` of the shipped streams: what the host runs through the agent's own code."""
    return [{"name": str(stream["name"]), "samples": model.sample_lines(stream)} for stream in model.present(streams)]


def awslogs_stream_files(streams: Iterable[Mapping]) -> list[str]:
    """The ``file`` globs of the shipped streams."""
    return [str(stream["file"]) for stream in model.present(streams)]


def awslogs_agent_sections(
    streams: Iterable[Mapping], instance_id: str = "", defaults: Mapping | None = None
) -> list[dict]:
    """Return the logs.conf sections: ``[{'name': ..., 'options': [[key, value], ...]}]``.

    Streams whose ``state`` is ``absent`` are not shipped. ``{instance_id}`` is
    replaced by ``instance_id`` when one is known, because the agent's own
    lookup speaks only IMDSv1. ``defaults`` go into every stream that does not set them.
    """
    placeholders = {"{instance_id}": instance_id}
    sections = []
    for stream in model.present(model.with_defaults(list(streams), defaults)):
        options = []
        for key in model.AGENT_OPTIONS:
            value = model.option(stream, key)
            if value is None:
                continue
            if key in model.PLACEHOLDER_KEYS:
                value = model.resolve(str(value), placeholders)
            options.append([key, str(value)])
        sections.append({"name": stream["name"], "options": options})
    return sections


LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def awslogs_single_line(value: Any) -> str:
    """The templates' last guard: ``value`` as text, refused when it would start a new line."""
    text = str(value)
    if LINE_BREAKS & set(text):
        raise ValueError(f"refusing to render a line break into the agent's configuration: {text!r}")
    return text


def awslogs_unit_value(value: Any) -> str:
    """A value on one line of a systemd unit: the single-line guard, then ``%`` as ``%%`` (systemd's specifiers)."""
    return awslogs_single_line(value).replace("%", "%%")


def _is_plain_path(value: Any) -> bool:
    return bool(PLAIN_PATH_RE.fullmatch(str(value))) and not {".", ".."} & set(str(value).split("/"))


PLAIN_PATH = "a plain absolute path (letters, digits and ._+@%,=~- between slashes)"
# By the ending of the variable's name: what a good value is, and what to say.
SETTING_RULES: tuple[tuple[str, Any, str], ...] = (
    (
        "_env_name",
        lambda value: ENV_NAME_RE.fullmatch(str(value)),
        "must be the environment name: 1-100 of letters, digits and ._#-, starting and ending with a letter or"
        " digit (no slash: it is one part of every log group name)",
    ),
    ("_region", lambda value: REGION_RE.fullmatch(str(value)), "must be a region name like eu-west-1"),
    (
        "_endpoint_url",
        lambda value: value == "" or ENDPOINT_URL_RE.fullmatch(str(value)),
        "must be empty or an http(s) URL",
    ),
    ("_role_name", lambda value: IAM_ROLE_NAME_RE.fullmatch(str(value)), "must be 1-64 of letters, digits and +=,.@_-"),
    (
        "_policy_name",
        lambda value: IAM_POLICY_NAME_RE.fullmatch(str(value)),
        "must be 1-128 of letters, digits and +=,.@_-",
    ),
    (
        "_retention_in_days",
        lambda value: model.as_int(value) in RETENTION_DAYS,
        f"must be a retention CloudWatch Logs accepts ({', '.join(map(str, RETENTION_DAYS))})",
    ),
    (
        "_instance_id",
        lambda value: value == "" or INSTANCE_ID_RE.fullmatch(str(value)),
        "must be empty or an EC2 instance id (i- and 8 or 17 hex digits)",
    ),
    ("_venv", _is_plain_path, f"must be {PLAIN_PATH}"),
    ("_state_file", _is_plain_path, f"must be {PLAIN_PATH}"),
    ("_log_file", lambda value: value == "" or _is_plain_path(value), f"must be empty or {PLAIN_PATH}"),
)
KEY_ID_SUFFIX = "_aws_access_key_id"
SECRET_SUFFIX = "_aws_secret_access_key"


def _show(name: str, value: Any) -> str:
    return "(hidden)" if _is_secret(name) else masked(json.dumps(value, default=str))


def awslogs_setting_errors(settings: Mapping[str, Any]) -> list[str]:
    """Check settings given as {variable name: value}; one message per problem, naming the variable.

    Every string (or string in a list) must be one line without surrounding
    whitespace; then the rule follows the name's ending (``awslogs_region`` and
    ``awslogs_iam_region`` are both regions); an access key id and its secret key go together.
    """
    errors = []
    for name, value in settings.items():
        text = _text_errors(name, value)
        if text:
            errors.extend(text)
            continue
        for suffix, good, rule in SETTING_RULES:
            if name.endswith(suffix) and not good(value):
                errors.append(f"{name} {rule}, got {_show(name, value)}")
        if name.endswith(KEY_ID_SUFFIX):
            secret = name[: -len(KEY_ID_SUFFIX)] + SECRET_SUFFIX
            if secret in settings and bool(value) != bool(settings[secret]):
                errors.append(f"{name} and {secret} go together")
    return errors


class FilterModule:
    def filters(self) -> dict:
        return {
            "awslogs_stream_errors": awslogs_stream_errors,
            "awslogs_setting_errors": awslogs_setting_errors,
            "awslogs_agent_sections": awslogs_agent_sections,
            "awslogs_instance_id_streams": awslogs_instance_id_streams,
            "awslogs_stream_files": awslogs_stream_files,
            "awslogs_file_errors": awslogs_file_errors,
            "awslogs_unit_sandbox": awslogs_unit_sandbox,
            "awslogs_sample_lines": awslogs_sample_lines,
            "awslogs_single_line": awslogs_single_line,
            "awslogs_unit_value": awslogs_unit_value,
        }
