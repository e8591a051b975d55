# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""The stream model: one list of stream definitions (``awslogs_streams``), read the same way by every target.

What a stream is, whatever renders it: its keys, the defaults a role gives it (``awslogs_stream_defaults``),
whether it is shipped (``state``: present, the default, or absent), the log-group keys it carries
(``retention_in_days``, ``kms_key_id``, ``tags``, ``state``) and how the streams of one group merge into
that group's spec (refusing a group that one stream ships to and another deletes), the retentions
CloudWatch Logs accepts, and the limits of names that CloudWatch Logs sets (not one agent).

The renderers (the filter plugins: logs.conf sections, IAM resources, log groups, logrotate, the unified
agent's JSON, Elastic Beanstalk files) read streams only through this module; what one target alone needs
(the awslogs agent's batch limits, its time parser) stays with that target. Pure Python, no Ansible.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

# The keys of a stream. The agent's options, in the order of a logs.conf section.
AGENT_OPTIONS = (
    "file",
    "log_group_name",
    "log_stream_name",
    "datetime_format",
    "time_zone",
    "initial_position",
    "encoding",
    "buffer_duration",
    "batch_count",
    "batch_size",
    "multi_line_start_pattern",
    "file_fingerprint_lines",
)
# What the control node sets on the stream's log group: every stream of a group must agree on them.
GROUP_KEYS = ("retention_in_days", "kms_key_id", "tags", "state")
CHECK_ONLY_OPTIONS = ("sample_line", "allow_sensitive", "allow_writable_dir")
HOST_OPTIONS = ("logrotate",)
# The service (docker-compose.yml) or container (Dockerrun.aws.json) whose output goes to the stream's group.
CONTAINER_OPTIONS = ("container",)
KNOWN_KEYS = frozenset(("name", *AGENT_OPTIONS, *GROUP_KEYS, *CHECK_ONLY_OPTIONS, *HOST_OPTIONS, *CONTAINER_OPTIONS))
# Options a role may give every stream that does not set its own (awslogs_stream_defaults).
DEFAULTABLE_OPTIONS = ("buffer_duration", "batch_count", "batch_size")

PRESENT, ABSENT = "present", "absent"
STATES = (PRESENT, ABSENT)
DEFAULT_LOG_STREAM_NAME = "{instance_id}"
# A key's value when the stream does not set it, for the keys that have one.
OPTION_DEFAULTS = {"log_stream_name": DEFAULT_LOG_STREAM_NAME, "state": PRESENT}
# The keys whose placeholders a renderer resolves when it knows their values (resolve()).
PLACEHOLDER_KEYS = ("log_group_name", "log_stream_name")
PLACEHOLDERS = frozenset(("{instance_id}", "{hostname}", "{ip_address}"))
# Longest value of each placeholder once the agent replaces it: an instance id
# (i- and 17 hex digits), a Linux host name (HOST_NAME_MAX), an IPv4 address.
PLACEHOLDER_MAX_LENGTHS = {"{instance_id}": 19, "{hostname}": 64, "{ip_address}": 15}
# multi_line_start_pattern's value that means "a line that starts with a time in datetime_format".
DATETIME_FORMAT_PATTERN = "{datetime_format}"
RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
    731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
# CloudWatch Logs' longest log group and log stream name.
MAX_NAME_LENGTH = 512

# Every pattern is used with fullmatch: `$` would also accept a trailing newline.
STREAM_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
# A Compose service name; an ECS container name is 1-255 of letters, digits, _ and -.
CONTAINER_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,254}")
LOG_GROUP_NAME_RE = re.compile(r"[.\-_/#A-Za-z0-9]+")
PLACEHOLDER_RE = re.compile(r"\{[^{}]*\}")
WHOLE_NUMBER_RE = re.compile(r"[0-9]+")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be written as one INI/env/unit value, or None when it can."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            return f"must not contain control characters or line breaks (found {char!r})"
    if value != value.strip():
        return "must not begin or end with whitespace (the agent's parser strips it)"
    return None


def label(index: int, stream: Any) -> str:
    """How a message names a stream: ``awslogs_streams[<name>]``, or its index when the name cannot be shown."""
    name = stream.get("name") if isinstance(stream, Mapping) else None
    if isinstance(name, str) and name and text_problem(name) is None:
        return f"awslogs_streams[{name}]"
    return f"awslogs_streams[{index}]"


def as_int(value: Any) -> int | None:
    """A whole number written with ASCII digits (int() also takes '²' or '٣', the agent's INI does not)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and WHOLE_NUMBER_RE.fullmatch(value):
        return int(value)
    return None


def option(stream: Mapping, key: str) -> Any:
    """The stream's ``key``, or its default (OPTION_DEFAULTS), or None."""
    return stream.get(key, OPTION_DEFAULTS.get(key))


def default_errors(defaults: Mapping | None) -> list[str]:
    """What awslogs_stream_defaults sets that no default may."""
    unknown = sorted(set(defaults or {}) - set(DEFAULTABLE_OPTIONS))
    if unknown:
        return [f"awslogs_stream_defaults may set only {', '.join(DEFAULTABLE_OPTIONS)}, not {', '.join(unknown)}"]
    return []


def with_defaults(streams: list, defaults: Mapping | None) -> list:
    """Every stream with the defaults it does not set itself (an entry that is no mapping stays as it is)."""
    if not defaults:
        return streams
    return [{**defaults, **stream} if isinstance(stream, Mapping) else stream for stream in streams]


def is_absent(stream: Mapping) -> bool:
    """Whether the stream is no longer shipped (state: absent); any other state ships it."""
    return option(stream, "state") == ABSENT


def present(streams: Iterable[Mapping]) -> list[Mapping]:
    """The streams that are shipped."""
    return [stream for stream in streams if not is_absent(stream)]


def sample_lines(stream: Mapping) -> list[str]:
    """The stream's sample_line as a list (one line, or a list of them; none when it has none)."""
    samples = stream.get("sample_line", [])
    return [samples] if isinstance(samples, str) else list(samples)


def resolve(value: str, placeholders: Mapping[str, str]) -> str:
    """``value`` with each placeholder that has a (non-empty) replacement replaced."""
    for placeholder, replacement in placeholders.items():
        if replacement:
            value = value.replace(placeholder, str(replacement))
    return value


def valid_log_group_name(group: Any) -> bool:
    """Whether ``group`` is a name CloudWatch Logs accepts (1-512 of [.-_/#A-Za-z0-9]: no wildcard, no ':')."""
    return isinstance(group, str) and 0 < len(group) <= MAX_NAME_LENGTH and bool(LOG_GROUP_NAME_RE.fullmatch(group))


# The checks of the keys the model owns; each returns messages that start with the key.


def check_name(stream: Mapping) -> list[str]:
    name = stream.get("name")
    if not isinstance(name, str) or not name:
        return ["name is required (a short word that names the stream)"]
    if not STREAM_NAME_RE.fullmatch(name):
        return [f"name {name!r} may hold only letters, digits, '.', '_' and '-'"]
    return []


def check_log_group_name(stream: Mapping) -> list[str]:
    if "log_group_name" not in stream:
        return ["log_group_name is required"]
    group = stream["log_group_name"]
    if not isinstance(group, str) or not group:
        return ["log_group_name must not be empty"]
    if len(group) > MAX_NAME_LENGTH:
        return [f"log_group_name is {len(group)} characters long, the limit is {MAX_NAME_LENGTH}"]
    if not LOG_GROUP_NAME_RE.fullmatch(group):
        bad = sorted({c for c in group if not LOG_GROUP_NAME_RE.fullmatch(c)})
        return [f"log_group_name {group!r} has characters outside [.-_/#A-Za-z0-9]: {''.join(bad)!r}"]
    return []


def longest_stream_name(value: str) -> int:
    """How long ``value`` can be once every placeholder is replaced by its longest value."""
    return len(value) + sum(
        value.count(placeholder) * (longest - len(placeholder))
        for placeholder, longest in PLACEHOLDER_MAX_LENGTHS.items()
    )


def check_log_stream_name(stream: Mapping) -> list[str]:
    value = option(stream, "log_stream_name")
    if not isinstance(value, str) or not value.strip():
        return ["log_stream_name must not be empty"]
    if len(value) > MAX_NAME_LENGTH:
        return [f"log_stream_name is {len(value)} characters long, the limit is {MAX_NAME_LENGTH}"]
    errors = [f"log_stream_name {value!r} must not contain {char!r}" for char in ":*" if char in value]
    unknown = sorted(set(PLACEHOLDER_RE.findall(value)) - PLACEHOLDERS)
    if unknown:
        errors.append(
            f"log_stream_name has unknown placeholder(s) {', '.join(unknown)}; "
            f"the agent knows {', '.join(sorted(PLACEHOLDERS))}"
        )
    elif longest_stream_name(value) > MAX_NAME_LENGTH:
        errors.append(
            f"log_stream_name can be {longest_stream_name(value)} characters long once the agent replaces "
            f"its placeholders (up to {', '.join(f'{k} {v}' for k, v in PLACEHOLDER_MAX_LENGTHS.items())} "
            f"characters), the limit is {MAX_NAME_LENGTH}"
        )
    return errors


def check_state(stream: Mapping) -> list[str]:
    if "state" in stream and stream["state"] not in STATES:
        return [f"state must be one of {', '.join(STATES)}, got {stream['state']!r}"]
    return []


def check_retention(stream: Mapping) -> list[str]:
    if "retention_in_days" not in stream:
        return []
    if as_int(stream["retention_in_days"]) not in RETENTION_DAYS:
        return [
            f"retention_in_days {stream['retention_in_days']!r} is not a value CloudWatch Logs accepts "
            f"({', '.join(map(str, RETENTION_DAYS))})"
        ]
    return []


def check_tags(stream: Mapping) -> list[str]:
    if "tags" in stream and not isinstance(stream["tags"], Mapping):
        return ["tags must be a mapping of tag names to values"]
    return []


def check_container(stream: Mapping) -> list[str]:
    if "container" in stream and not CONTAINER_NAME_RE.fullmatch(str(stream["container"])):
        return [
            f"container must name a Compose service or an ECS container (1-255 of letters, digits and ._-, "
            f"starting with a letter or digit), got {stream['container']!r}"
        ]
    return []


def check_unknown(stream: Mapping) -> list[str]:
    unknown = sorted(set(stream) - KNOWN_KEYS)
    if unknown:
        return [f"unknown key(s) {', '.join(unknown)}; known keys are {', '.join(sorted(KNOWN_KEYS))}"]
    return []


def duplicate_errors(streams: list[Mapping]) -> list[str]:
    """A name used twice, and a file shipped twice to the same group."""
    errors = []
    seen_names: dict[str, int] = {}
    seen_pairs: dict[tuple[Any, Any], str] = {}
    for index, stream in enumerate(streams):
        name = stream.get("name")
        if isinstance(name, str) and name:
            if name in seen_names:
                errors.append(
                    f"{label(index, stream)}.name: the name {name!r} is used twice "
                    f"(entries {seen_names[name]} and {index})"
                )
            seen_names.setdefault(name, index)
        pair = (stream.get("file"), stream.get("log_group_name"))
        if all(isinstance(part, str) and part for part in pair):
            if pair in seen_pairs:
                errors.append(
                    f"{label(index, stream)}.file: {pair[0]!r} is already shipped to "
                    f"{pair[1]!r} by stream {seen_pairs[pair]!r}"
                )
            seen_pairs.setdefault(pair, name or str(index))
    return errors


# Log groups: the streams of each group, merged into the group's spec.


def group_streams(streams: Iterable[Mapping]) -> dict[str, list[Mapping]]:
    """{log group name: its streams}, in the order the groups first appear."""
    by_group: dict[str, list[Mapping]] = {}
    for stream in streams:
        by_group.setdefault(stream["log_group_name"], []).append(stream)
    return by_group


def present_groups(streams: Iterable[Mapping]) -> list[str]:
    """The log groups the shipped streams go to: first occurrence order, no duplicates."""
    return list(group_streams(present(streams)))


def group_errors(streams: Iterable[Mapping]) -> list[str]:
    """Streams that share a log group must agree on its keys; one message per disagreement.

    A group that one stream ships to and another says absent is refused: deleting it would lose the
    events of the stream that still ships (a stream without state ships).
    """
    errors = []
    for group, members in group_streams(streams).items():
        # By name: a name used twice (a duplicate, refused by the stream checks) is named once, its last state.
        states = {stream.get("name"): option(stream, "state") for stream in members}
        absent = [name for name, state in states.items() if state == ABSENT]
        shipped = [name for name, state in states.items() if state != ABSENT]
        if absent and shipped:
            errors.append(
                f"awslogs_streams[{absent[0]}].state: absent would delete the log group {group!r}, which "
                f"stream(s) {', '.join(map(str, shipped))} still ship to; give that stream its own group, or "
                "set state: absent on every stream of the group"
            )
        for key in GROUP_KEYS:
            if key == "state" and absent and shipped:
                continue
            values = {repr(stream.get(key)) for stream in members if key in stream}
            if len(values) > 1:
                names = ", ".join(str(stream.get("name")) for stream in members)
                errors.append(
                    f"awslogs_streams[{members[0].get('name')}].{key}: streams {names} share the log group "
                    f"{group!r} but set {key} differently ({', '.join(sorted(values))})"
                )
    return errors


def group_specs(streams: Iterable[Mapping], default_retention_in_days: int = 90) -> list[dict]:
    """One entry per log group: name, state, retention_in_days, kms_key_id, tags and the streams it serves."""
    specs = []
    for group, members in group_streams(streams).items():
        merged: dict[str, Any] = {}
        for stream in members:
            merged.update({key: stream[key] for key in GROUP_KEYS if key in stream})
        specs.append(
            {
                "name": group,
                "state": option(merged, "state"),
                "retention_in_days": int(merged.get("retention_in_days", default_retention_in_days)),
                "kms_key_id": merged.get("kms_key_id") or None,
                "tags": merged.get("tags"),
                "streams": [stream.get("name") for stream in members],
            }
        )
    return specs
