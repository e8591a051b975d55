"""The stream list rendered for the unified CloudWatch agent (amazon-cloudwatch-agent).

``awslogs_unified_agent_config`` returns the agent's JSON configuration: one
``logs.logs_collected.files.collect_list`` entry per shipped stream, plus
``force_flush_interval``. The keys map the way the agent's own awslogs
migration maps them (tool/processors/migration/linux in aws/amazon-cloudwatch-agent):
``file`` to ``file_path``, ``datetime_format`` to ``timestamp_format``,
``time_zone`` to ``timezone``, ``{datetime_format}`` to ``{timestamp_format}``,
``buffer_duration`` (ms) to the one global ``force_flush_interval`` (s).

The stream list is checked by ``awslogs_stream_errors`` first, then by what
only this target refuses (``awslogs_unified_agent_errors``): a time format or
an encoding the unified agent cannot read. What the unified agent has no
equivalent for is never dropped silently: ``awslogs_unified_agent_notes``
names each such stream and key.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.awslogs_ops.awslogs.plugins.filter.awslogs_streams import awslogs_stream_errors
from ansible_collections.awslogs_ops.awslogs.plugins.module_utils.awslogs_stream_model import (
    DATETIME_FORMAT_PATTERN,
    PLACEHOLDER_KEYS,
    is_absent,
    label,
    option,
    present,
    resolve,
    sample_lines,
    with_defaults,
)

# awslogs key -> the unified agent's key in a collect_list entry.
RENAMED = {
    "file": "file_path",
    "log_group_name": "log_group_name",
    "log_stream_name": "log_stream_name",
    "datetime_format": "timestamp_format",
    "time_zone": "timezone",
    "multi_line_start_pattern": "multi_line_start_pattern",
    "encoding": "encoding",
    "retention_in_days": "retention_in_days",
}
TIMESTAMP_FORMAT_PATTERN = "{timestamp_format}"
# What the unified agent does instead, for each agent option it has no key for.
NO_EQUIVALENT = {
    "initial_position": "it reads a file it holds no state for from its start (end_of_file has no equivalent)",
    "file_fingerprint_lines": "it knows a file by its path only, not by its first lines",
    "batch_count": "it sizes its batches itself (up to 10,000 events)",
    "batch_size": "it sizes its batches itself (up to 1 MiB)",
}
# The strftime directives its timestamp parser knows (internal/util/timestamp/timestamp.go).
TIMESTAMP_DIRECTIVES = frozenset(
    ("%B", "%b", "%-m", "%m", "%A", "%a", "%-d", "%d", "%H", "%-I", "%I", "%-M", "%M", "%-S", "%S", "%Y", "%y",
     "%p", "%Z", "%z", "%f")
)  # fmt: skip
DIRECTIVE_RE = re.compile(r"%-?.")
# An offset with a colon (+09:00): its %z reads [+-]\d{4} only.
COLON_OFFSET_RE = re.compile(r"[+-]\d\d:\d\d")
TIME_ZONES = ("UTC", "LOCAL")
# Python's codec name (codecs.lookup(...).name) -> the name the unified agent's decoder looks up.
ENCODINGS = {
    "utf-8": "utf-8",
    "utf-16": "utf-16le",
    "utf-16-le": "utf-16le",
    "utf-16-be": "utf-16be",
    "iso8859-1": "windows-1252",
    "ascii": "windows-1252",
    "euc_kr": "euc-kr",
    "cp949": "euc-kr",
    "euc_jp": "euc-jp",
    "shift_jis": "shift_jis",
    "gbk": "gbk",
    "gb2312": "gbk",
    "gb18030": "gb18030",
    "big5": "big5",
    "koi8-r": "koi8-r",
    "koi8-u": "koi8-u",
    **{f"iso8859-{n}": f"iso-8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)},
    **{f"cp125{n}": f"windows-125{n}" for n in range(9)},
}
MS_PER_S = 1000


class UnifiedAgentError(AnsibleFilterError):
    """The stream list cannot be rendered for the unified agent; the message names each stream and key."""


def _stream_refusals(stream: Mapping) -> list[str]:
    refusals = []
    datetime_format = stream.get("datetime_format")
    if isinstance(datetime_format, str):
        unknown = sorted(set(DIRECTIVE_RE.findall(datetime_format.replace("%%", ""))) - TIMESTAMP_DIRECTIVES)
        if unknown:
            refusals.append(
                f"datetime_format {datetime_format!r} uses {', '.join(unknown)}, which the unified agent's "
                f"timestamp parser does not know (it knows {' '.join(sorted(TIMESTAMP_DIRECTIVES))})"
            )
        if "%z" in datetime_format:
            colon = [line for line in sample_lines(stream) if COLON_OFFSET_RE.search(line)]
            if colon:
                refusals.append(
                    f"sample_line {colon[0]!r} has an offset with a colon, and the unified agent's %z reads "
                    "only +HHMM: every such line would take the time it was read"
                )
    if "time_zone" in stream and stream["time_zone"] not in TIME_ZONES:
        refusals.append(
            f"time_zone {stream['time_zone']!r}: the unified agent knows only UTC and LOCAL (no IANA zone names)"
        )
    if "encoding" in stream and codecs.lookup(str(stream["encoding"])).name not in ENCODINGS:
        refusals.append(
            f"encoding {stream['encoding']!r} has no decoder in the unified agent by any name this package "
            f"knows ({', '.join(sorted(ENCODINGS))})"
        )
    return refusals


def awslogs_unified_agent_errors(streams: Any, defaults: Mapping | None = None) -> list[str]:
    """Every problem that stops the list from being rendered for the unified agent, naming stream and key.

    The stream list's own checks come first (``awslogs_stream_errors``); only a good list is checked
    for what the unified agent alone cannot read.
    """
    errors = awslogs_stream_errors(streams, defaults)
    if errors:
        return errors
    return [
        f"{label(index, stream)}.{refusal} (refused for the unified agent)"
        for index, stream in enumerate(with_defaults(streams, defaults))
        if not is_absent(stream)
        for refusal in _stream_refusals(stream)
    ]


def _flush_interval(streams: list[Mapping]) -> int | None:
    durations = [int(stream["buffer_duration"]) for stream in streams if "buffer_duration" in stream]
    return durations[0] // MS_PER_S if durations else None


def awslogs_unified_agent_notes(streams: Iterable[Mapping], defaults: Mapping | None = None) -> list[str]:
    """What the unified agent configuration does not carry over, one message per stream and key."""
    shipped = present(with_defaults(list(streams), defaults))
    notes = [
        f"awslogs_streams[{stream['name']}].{key}: not carried over to the unified agent: {why}"
        for stream in shipped
        for key, why in NO_EQUIVALENT.items()
        if key in stream
    ]
    interval = _flush_interval(shipped)
    for stream in shipped:
        if "buffer_duration" not in stream:
            continue
        duration = int(stream["buffer_duration"])
        if duration // MS_PER_S != interval:
            notes.append(
                f"awslogs_streams[{stream['name']}].buffer_duration: the unified agent has one "
                f"force_flush_interval for every file; {interval} s (the first stream's) is used, not {duration} ms"
            )
        elif duration % MS_PER_S:
            notes.append(
                f"awslogs_streams[{stream['name']}].buffer_duration: {duration} ms becomes a force_flush_interval "
                f"of {interval} s (whole seconds)"
            )
    return notes


def _entry(stream: Mapping, placeholders: Mapping[str, str], default_retention: int | None) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for key, target in RENAMED.items():
        value = option(stream, key)
        if key == "retention_in_days":
            value = None if default_retention is None else stream.get(key, default_retention)
        if value is None:
            continue
        if key in PLACEHOLDER_KEYS:
            value = resolve(str(value), placeholders)
        elif key == "multi_line_start_pattern" and value == DATETIME_FORMAT_PATTERN:
            value = TIMESTAMP_FORMAT_PATTERN
        elif key == "encoding":
            value = ENCODINGS[codecs.lookup(str(value)).name]
        elif key == "retention_in_days":
            value = int(value)
        entry[target] = value
    return entry


def awslogs_unified_agent_config(
    streams: Any, instance_id: str = "", defaults: Mapping | None = None, default_retention_in_days: int | None = None
) -> dict[str, Any]:
    """The unified agent's configuration (a dict; ``to_nice_json`` it) for the shipped streams.

    ``{instance_id}`` is replaced by ``instance_id`` when one is known; the other placeholders
    (``{hostname}``, ``{ip_address}``) are the agent's own and stay. With ``default_retention_in_days``
    every entry gets its stream's retention or that one, and the agent sets it on the group (its policy
    needs logs:PutRetentionPolicy); None leaves retention to the control-node role and writes none.
    Raises UnifiedAgentError naming every stream and key it refuses.
    """
    errors = awslogs_unified_agent_errors(streams, defaults)
    if errors:
        raise UnifiedAgentError("; ".join(errors))
    shipped = present(with_defaults(list(streams), defaults))
    placeholders = {"{instance_id}": instance_id}
    logs: dict[str, Any] = {
        "logs_collected": {
            "files": {"collect_list": [_entry(stream, placeholders, default_retention_in_days) for stream in shipped]}
        }
    }
    interval = _flush_interval(shipped)
    if interval:
        logs["force_flush_interval"] = interval
    return {"logs": logs}


class FilterModule:
    def filters(self) -> dict:
        return {
            "awslogs_unified_agent_config": awslogs_unified_agent_config,
            "awslogs_unified_agent_errors": awslogs_unified_agent_errors,
            "awslogs_unified_agent_notes": awslogs_unified_agent_notes,
        }
