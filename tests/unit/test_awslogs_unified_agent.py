"""The unified CloudWatch agent's configuration from the stream list, against the agent's own JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from ansible.errors import AnsibleFilterError
from ansible_collections.awslogs_ops.awslogs.plugins.filter.awslogs_unified_agent import (
    UnifiedAgentError,
    awslogs_unified_agent_config,
    awslogs_unified_agent_errors,
    awslogs_unified_agent_notes,
)

PROJECT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((Path(__file__).parent / "data" / "amazon-cloudwatch-agent.schema.json").read_text())
GROUP = "/aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log"
BACKEND = {
    "name": "backend",
    "file": "/var/log/containers/backend*.log",
    "log_group_name": GROUP,
    "datetime_format": "%Y-%m-%d %H:%M:%S,%f",
    "time_zone": "UTC",
    "multi_line_start_pattern": "{datetime_format}",
}


def inventory_streams() -> list[dict]:
    """The project's own stream list, its Jinja group names resolved."""
    data = yaml.safe_load((PROJECT / "inventory" / "group_vars" / "all" / "awslogs.yml").read_text())
    text = json.dumps(data["awslogs_streams"]).replace("{{ awslogs_env_name }}", data["awslogs_env_name"])
    return json.loads(text)


def validate(config: dict) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(config)


def test_the_inventory_list_renders_to_a_configuration_the_schema_accepts():
    config = awslogs_unified_agent_config(inventory_streams(), "", default_retention_in_days=90)
    validate(config)
    entries = config["logs"]["logs_collected"]["files"]["collect_list"]
    assert [entry["file_path"] for entry in entries] == [
        "/var/log/containers/backend*.log",
        "/var/log/nginx/access.log",
        "/var/log/nginx/error.log",
    ]
    assert entries[0] == {
        "file_path": "/var/log/containers/backend*.log",
        "log_group_name": GROUP,
        "log_stream_name": "{instance_id}",
        "timestamp_format": "%Y-%m-%d %H:%M:%S,%f",
        "timezone": "UTC",
        "multi_line_start_pattern": "{timestamp_format}",
        "retention_in_days": 90,
    }


def test_keys_placeholders_encoding_and_the_flush_interval_map_to_the_agents_own():
    streams = [
        {**BACKEND, "log_stream_name": "{instance_id}-{hostname}", "encoding": "latin_1", "buffer_duration": 10000,
         "retention_in_days": 30},
        {"name": "web", "file": "/var/log/web.log", "log_group_name": "/web", "log_stream_name": "{ip_address}",
         "multi_line_start_pattern": "^\\S", "buffer_duration": 15000},
        {"name": "gone", "file": "/var/log/gone.log", "log_group_name": "/gone", "state": "absent"},
    ]  # fmt: skip
    config = awslogs_unified_agent_config(streams, "i-0123456789abcdef0", default_retention_in_days=90)
    validate(config)
    first, second = config["logs"]["logs_collected"]["files"]["collect_list"]
    assert first["log_stream_name"] == "i-0123456789abcdef0-{hostname}"
    assert first["encoding"] == "windows-1252"
    assert first["retention_in_days"] == 30
    assert second == {"file_path": "/var/log/web.log", "log_group_name": "/web", "log_stream_name": "{ip_address}",
                      "multi_line_start_pattern": "^\\S", "retention_in_days": 90}  # fmt: skip
    # Without a default the control-node role keeps the retention, and the agent is given none to set.
    assert all("retention_in_days" not in entry for entry in
               awslogs_unified_agent_config(streams)["logs"]["logs_collected"]["files"]["collect_list"])  # fmt: skip
    assert config["logs"]["force_flush_interval"] == 10
    assert awslogs_unified_agent_notes(streams) == [
        "awslogs_streams[web].buffer_duration: the unified agent has one force_flush_interval for every file; "
        "10 s (the first stream's) is used, not 15000 ms"
    ]


def test_every_option_without_an_equivalent_is_named_by_stream_and_key():
    stream = {**BACKEND, "initial_position": "end_of_file", "file_fingerprint_lines": "1-2", "batch_count": 500,
              "batch_size": 65536, "buffer_duration": 7500}  # fmt: skip
    notes = awslogs_unified_agent_notes([stream])
    assert [note.split(":")[0] for note in notes] == [
        "awslogs_streams[backend].initial_position",
        "awslogs_streams[backend].file_fingerprint_lines",
        "awslogs_streams[backend].batch_count",
        "awslogs_streams[backend].batch_size",
        "awslogs_streams[backend].buffer_duration",
    ]
    assert "7500 ms becomes a force_flush_interval of 7 s" in notes[-1]
    assert awslogs_unified_agent_notes([BACKEND]) == []
    # The defaults every stream gets are reported on each stream, as they would be dropped on each.
    assert awslogs_unified_agent_notes([BACKEND], {"batch_count": 100})[0].startswith(
        "awslogs_streams[backend].batch_count: not carried over"
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            # The awslogs agent reads the first line and stamps the second with the previous event's time.
            {
                "datetime_format": "%Y-%m-%dT%H:%M:%S%z",
                "sample_line": ["2026-11-24T10:00:00+0900 start", "2026-11-24T10:00:00+09:00 start"],
            },
            "sample_line '2026-11-24T10:00:00+09:00 start' has an offset with a colon",
        ),
        ({"datetime_format": "%j %H:%M:%S"}, "uses %j, which the unified agent's timestamp parser does not know"),
        ({"encoding": "utf_32"}, "encoding 'utf_32' has no decoder in the unified agent"),
    ],
)
def test_a_stream_the_unified_agent_cannot_read_is_refused_with_the_reason(change, reason):
    stream = {key: value for key, value in {**BACKEND, **change}.items() if key != "multi_line_start_pattern"}
    errors = awslogs_unified_agent_errors([stream])
    assert len(errors) == 1
    assert errors[0].startswith("awslogs_streams[backend].")
    assert reason in errors[0]
    assert errors[0].endswith("(refused for the unified agent)")
    with pytest.raises(UnifiedAgentError, match="refused for the unified agent") as raised:
        awslogs_unified_agent_config([stream])
    # What Ansible shows as the filter's failure.
    assert isinstance(raised.value, AnsibleFilterError)


def test_an_offset_without_a_colon_and_a_time_zone_of_its_own_pass():
    stream = {**BACKEND, "datetime_format": "%d/%b/%Y:%H:%M:%S %z", "multi_line_start_pattern": "^\\S",
              "sample_line": "[24/Nov/2026:10:00:00 +0000] GET /", "time_zone": "LOCAL"}  # fmt: skip
    assert awslogs_unified_agent_errors([stream]) == []
    validate(awslogs_unified_agent_config([stream]))


def test_the_stream_lists_own_checks_come_first():
    assert awslogs_unified_agent_errors([{**BACKEND, "batch_count": 0}]) == [
        "awslogs_streams[backend].batch_count must be at least 1, got 0"
    ]


def test_the_schema_refuses_what_the_renderer_must_never_write():
    """The schema is a real check: an entry without file_path, or a key it does not know, fails."""
    config = awslogs_unified_agent_config([BACKEND])
    entry = config["logs"]["logs_collected"]["files"]["collect_list"][0]
    for bad in ({k: v for k, v in entry.items() if k != "file_path"}, {**entry, "datetime_format": "%Y"}):
        config["logs"]["logs_collected"]["files"]["collect_list"] = [bad]
        with pytest.raises(jsonschema.ValidationError):
            validate(config)
