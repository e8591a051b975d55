"""The stream list rendered into an Elastic Beanstalk application bundle's container files.

A stream with a ``container`` key ships that Compose service's (or ECS
container's) output with Docker's own ``awslogs`` logging driver, to the
stream's log group. ``awslogs_eb_compose`` and ``awslogs_eb_dockerrun`` merge
the driver's options into the user's ``docker-compose.yml`` and
``Dockerrun.aws.json`` v2 and touch nothing else: the YAML is edited
round-trip (comments, key order and quotes stay), the JSON keeps every other
key, and a file that already holds the wanted options is returned unchanged,
byte for byte.

``awslogs_eb_driver_notes`` names every stream key the driver has no option
for; ``awslogs_eb_policy`` is today's agent policy (``awslogs_iam_policy``),
plus what the unified agent needs to set the retention it is given.
"""

from __future__ import annotations

import _strptime
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.awslogs_ops.awslogs.plugins.filter.awslogs_policy import awslogs_iam_policy
from ansible_collections.awslogs_ops.awslogs.plugins.module_utils.awslogs_stream_model import (
    DATETIME_FORMAT_PATTERN,
    PLACEHOLDER_RE,
    option,
    present,
)

DRIVER = "awslogs"
# What the driver does instead, for each stream key it has no option for.
DRIVER_NO_EQUIVALENT = {
    "datetime_format": "the driver stamps each event with the time it read it"
    " (only multi_line_start_pattern '{datetime_format}' uses the format, to join lines)",
    "time_zone": "the driver stamps each event with the time it read it",
    "initial_position": "the driver ships a container's output from its start",
    "encoding": "the driver ships the container's output as it is",
    "buffer_duration": "the driver sends every 5 s",
    "batch_count": "the driver sizes its batches itself",
    "batch_size": "the driver sizes its batches itself",
    "file_fingerprint_lines": "the driver reads a container's output, not a file",
    "retention_in_days": "the driver sets no retention; the control-node role (playbooks/aws.yml) does",
}
RETENTION_SID = "AwslogsUnifiedAgentRetention"
RETENTION_ACTIONS = ("logs:PutRetentionPolicy", "logs:DescribeLogGroups")


class BundleError(AnsibleFilterError):
    """A container file cannot take the stream list; the message names the stream and key."""


def _container_streams(streams: Iterable[Mapping]) -> list[Mapping]:
    return [stream for stream in present(streams) if "container" in stream]


def _literal_stream_name(stream: Mapping) -> str | None:
    name = str(option(stream, "log_stream_name"))
    return None if PLACEHOLDER_RE.search(name) else name


def first_line_pattern(datetime_format: str) -> str:
    """The regex the awslogs agent searches each line for with ``{datetime_format}``, case-insensitive.

    Docker's own ``awslogs-datetime-format`` matches only at the start of a line; this pattern, as
    ``awslogs-multiline-pattern``, starts an event wherever the time is in the line, as the agent does
    (Go's regexp reads the same syntax).
    """
    pattern = _strptime.TimeRE().pattern(datetime_format.replace("%z", "%%z"))
    return "(?i)" + pattern.replace("%z", r"[+-]\d\d[0-5]\d")


def awslogs_eb_driver_options(streams: Iterable[Mapping], region: str, ecs: bool = False) -> dict[str, dict]:
    """{container: the awslogs driver's options} for every present stream that names a container.

    ``ecs`` (Dockerrun.aws.json): the stream name becomes ``awslogs-stream-prefix`` (ECS names the
    stream <prefix>/<container>/<task id>); Compose gets ``awslogs-stream`` when the stream name is literal.
    """
    options: dict[str, dict] = {}
    for stream in _container_streams(streams):
        container = str(stream["container"])
        if container in options:
            raise BundleError(
                f"awslogs_streams[{stream['name']}].container: {container!r} is named by two streams; "
                "a container has one logging driver"
            )
        wanted = {
            "awslogs-region": str(region),
            "awslogs-group": str(stream["log_group_name"]),
            "awslogs-create-group": "true",
        }
        literal = _literal_stream_name(stream)
        if ecs:
            wanted["awslogs-stream-prefix"] = str(stream["name"])
        elif literal:
            wanted["awslogs-stream"] = literal
        pattern = stream.get("multi_line_start_pattern")
        if pattern == DATETIME_FORMAT_PATTERN:
            wanted["awslogs-multiline-pattern"] = first_line_pattern(str(stream["datetime_format"]))
        elif pattern:
            wanted["awslogs-multiline-pattern"] = str(pattern)
        options[container] = wanted
    return options


def awslogs_eb_driver_notes(streams: Iterable[Mapping], ecs: bool = False) -> list[str]:
    """What Docker's awslogs driver does not carry over, one message per stream and key."""
    notes = []
    for stream in _container_streams(streams):
        label = f"awslogs_streams[{stream['name']}]"
        if ecs:
            notes.append(
                f"{label}.log_stream_name: ECS names the stream {stream['name']}/{stream['container']}/<task id> "
                "(awslogs-stream-prefix), not the stream's log_stream_name"
            )
        elif _literal_stream_name(stream) is None:
            notes.append(
                f"{label}.log_stream_name: the driver has no placeholders; "
                f"{option(stream, 'log_stream_name')!r} becomes the container's id"
            )
        joined = stream.get("multi_line_start_pattern") == DATETIME_FORMAT_PATTERN
        notes.extend(
            f"{label}.{key}: not carried over to the driver: {why}"
            for key, why in DRIVER_NO_EQUIVALENT.items()
            if key in stream and not (key == "datetime_format" and joined)
        )
    return notes


def _missing(streams: Iterable[Mapping], names: Iterable[str], where: str) -> None:
    names = list(names)
    for stream in _container_streams(streams):
        if stream["container"] not in names:
            raise BundleError(
                f"awslogs_streams[{stream['name']}].container: {where} has no {stream['container']!r} "
                f"(it has {', '.join(map(repr, names)) or 'none'})"
            )


def _round_trip_yaml():
    from ruamel.yaml import YAML  # noqa: PLC0415 (the control node's; only this target needs it)

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def awslogs_eb_compose(text: str, streams: Iterable[Mapping], region: str) -> str:
    """``docker-compose.yml`` with the driver's ``logging:`` in each named service, everything else as it was."""
    streams = list(streams)
    yaml = _round_trip_yaml()
    document = yaml.load(text)
    services = document.get("services") if isinstance(document, Mapping) else None
    if not isinstance(services, Mapping):
        raise BundleError("docker-compose.yml has no services: mapping")
    _missing(streams, services, "docker-compose.yml's services")
    changed = False
    for container, options in awslogs_eb_driver_options(streams, region).items():
        wanted = {"driver": DRIVER, "options": options}
        service = services[container]
        if json.loads(json.dumps(service.get("logging"))) == wanted:
            continue
        if "logging" in service:
            service["logging"] = wanted
        else:
            # First, so that a comment below the service's last key stays where it was.
            service.insert(0, "logging", wanted)
        changed = True
    if not changed:
        return text
    # A document start marker the file had is kept (ruamel writes one only when asked).
    yaml.explicit_start = text.lstrip().startswith("---")
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def awslogs_eb_dockerrun(text: str, streams: Iterable[Mapping], region: str) -> str:
    """``Dockerrun.aws.json`` v2 with the driver's ``logConfiguration`` in each named container."""
    streams = list(streams)
    document = json.loads(text)
    if not isinstance(document, dict) or document.get("AWSEBDockerrunVersion") not in (2, "2"):
        raise BundleError("Dockerrun.aws.json is not version 2 (AWSEBDockerrunVersion: 2)")
    containers = {str(item.get("name")): item for item in document.get("containerDefinitions", [])}
    _missing(streams, containers, "Dockerrun.aws.json's containerDefinitions")
    changed = False
    for container, options in awslogs_eb_driver_options(streams, region, ecs=True).items():
        wanted = {"logDriver": DRIVER, "options": options}
        if containers[container].get("logConfiguration") != wanted:
            containers[container]["logConfiguration"] = wanted
            changed = True
    return json.dumps(document, indent=2) + "\n" if changed else text


def awslogs_eb_policy(
    streams: Iterable[Mapping], region: str, account: str, partition: str = "aws", retention: bool = False
) -> dict[str, Any]:
    """The instance profile's policy: the agent's, and with ``retention`` what the unified agent needs to set it.

    The unified agent reads a group's retention (DescribeLogGroups, which names no group) and sets it
    (PutRetentionPolicy) when its configuration gives one.
    """
    policy = awslogs_iam_policy(streams, region, account, partition)
    if retention:
        groups = policy["Statement"][0]["Resource"]
        policy["Statement"].extend(
            [
                {
                    "Sid": RETENTION_SID,
                    "Effect": "Allow",
                    "Action": [RETENTION_ACTIONS[0]],
                    "Resource": groups,
                },
                {
                    "Sid": RETENTION_SID + "Read",
                    "Effect": "Allow",
                    "Action": [RETENTION_ACTIONS[1]],
                    "Resource": [f"arn:{partition}:logs:{region}:{account}:log-group:*"],
                },
            ]
        )
    return policy


def awslogs_eb_unmarked(paths: Iterable[str], marker: str) -> list[str]:
    """The files among ``paths`` (on the control node) that exist and do not hold ``marker``: the user's own."""
    unmarked = []
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as file:
                if marker not in file.read():
                    unmarked.append(path)
        except FileNotFoundError:
            continue
    return unmarked


class FilterModule:
    def filters(self) -> dict:
        return {
            "awslogs_eb_driver_options": awslogs_eb_driver_options,
            "awslogs_eb_driver_notes": awslogs_eb_driver_notes,
            "awslogs_eb_compose": awslogs_eb_compose,
            "awslogs_eb_dockerrun": awslogs_eb_dockerrun,
            "awslogs_eb_policy": awslogs_eb_policy,
            "awslogs_eb_unmarked": awslogs_eb_unmarked,
        }
