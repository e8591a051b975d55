"""Docker's awslogs driver in a bundle's docker-compose.yml and Dockerrun.aws.json, and the instance profile policy."""

from __future__ import annotations

import difflib
import json
import re

import pytest
import yaml
from ansible_collections.awslogs_ops.awslogs.plugins.filter.awslogs_eb import (
    BundleError,
    awslogs_eb_compose,
    awslogs_eb_dockerrun,
    awslogs_eb_driver_notes,
    awslogs_eb_policy,
    awslogs_eb_unmarked,
    first_line_pattern,
)
from ansible_collections.awslogs_ops.awslogs.plugins.filter.awslogs_policy import awslogs_iam_policy
from awslogs_streams import agent_datetime_parse, awslogs_stream_errors

from tests.bench.eb_bundle import SAMPLE_BUNDLE, SAMPLE_STREAMS

REGION = "ap-northeast-2"
STREAMS = yaml.safe_load(SAMPLE_STREAMS.read_text())["awslogs_streams"]
COMPOSE = (SAMPLE_BUNDLE / "docker-compose.yml").read_text()
BACKEND_GROUP = "/aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log"
DOCKERRUN = """{
  "AWSEBDockerrunVersion": 2,
  "volumes": [{"name": "static", "host": {"sourcePath": "/var/app/current/static"}}],
  "containerDefinitions": [
    {"name": "backend", "image": "myapp/backend:1.4.2", "essential": true, "memory": 512,
     "logConfiguration": {"logDriver": "json-file", "options": {"max-size": "10m"}}},
    {"name": "nginx", "image": "nginx:1.26", "essential": true, "memory": 128,
     "portMappings": [{"hostPort": 80, "containerPort": 80}], "links": ["backend"]},
    {"name": "worker", "image": "myapp/backend:1.4.2", "essential": false, "memory": 256}
  ],
  "x-team": {"owner": "payments"}
}
"""


def test_the_sample_stream_list_is_good_and_names_two_services():
    assert awslogs_stream_errors(STREAMS) == []
    assert [stream.get("container") for stream in STREAMS] == ["backend", "nginx", None]


def test_compose_gets_the_driver_in_the_named_services_and_nothing_else_changes():
    merged = awslogs_eb_compose(COMPOSE, STREAMS, REGION)
    diff = [line for line in difflib.ndiff(COMPOSE.splitlines(), merged.splitlines()) if line[:1] in "+-?"]
    # Only added lines: every comment, key, quote and order of the user's file is where it was.
    assert diff and all(line.startswith("+ ") for line in diff), diff
    services = yaml.safe_load(merged)["services"]
    assert services["backend"]["logging"] == {
        "driver": "awslogs",
        "options": {
            "awslogs-region": REGION,
            "awslogs-group": BACKEND_GROUP,
            "awslogs-create-group": "true",
            "awslogs-stream": "backend",
            "awslogs-multiline-pattern": first_line_pattern("%Y-%m-%d %H:%M:%S,%f"),
        },
    }
    # {instance_id} has no driver equivalent: the driver names the stream by the container id.
    assert "awslogs-stream" not in services["nginx"]["logging"]["options"]
    assert services["worker"]["logging"] == {"driver": "json-file", "options": {"max-size": "10m"}}
    assert {key: value for key, value in services["backend"].items() if key != "logging"} == yaml.safe_load(COMPOSE)[
        "services"
    ]["backend"]
    # A second merge changes nothing, byte for byte.
    assert awslogs_eb_compose(merged, STREAMS, REGION) is merged


@pytest.mark.parametrize(
    ("datetime_format", "line"),
    [
        ("%Y-%m-%d %H:%M:%S,%f", "INFO 2026-11-24 10:00:00,123 views 7 payment accepted"),
        ("%Y-%m-%d %H:%M:%S,%f", "Traceback (most recent call last):"),
        ("%d/%b/%Y:%H:%M:%S %z", '127.0.0.1 - - [24/NOV/2026:10:00:00 +0000] "GET / HTTP/1.1" 200'),
        ("%d/%b/%Y:%H:%M:%S %z", "  at line 24/Nov/2026"),
    ],
)
def test_the_drivers_first_line_pattern_finds_a_time_where_the_agent_does(datetime_format, line):
    """Docker's awslogs-datetime-format anchors at the line's start; the agent searches the whole line."""
    found = re.search(first_line_pattern(datetime_format), line) is not None
    assert found == (agent_datetime_parse(datetime_format, line) is not None)


def test_a_changed_stream_replaces_the_logging_it_wrote_in_place():
    merged = awslogs_eb_compose(COMPOSE, STREAMS, REGION)
    moved = [{**STREAMS[0], "log_group_name": "/moved"}, *STREAMS[1:]]
    again = awslogs_eb_compose(merged, moved, REGION)
    assert yaml.safe_load(again)["services"]["backend"]["logging"]["options"]["awslogs-group"] == "/moved"
    assert len(again.splitlines()) == len(merged.splitlines())


def test_dockerrun_gets_log_configuration_and_keeps_every_other_key():
    merged = awslogs_eb_dockerrun(DOCKERRUN, STREAMS, REGION)
    before, after = json.loads(DOCKERRUN), json.loads(merged)
    assert list(after) == list(before)
    assert after["volumes"] == before["volumes"] and after["x-team"] == before["x-team"]
    backend, nginx, worker = after["containerDefinitions"]
    assert backend["logConfiguration"] == {
        "logDriver": "awslogs",
        "options": {
            "awslogs-region": REGION,
            "awslogs-group": BACKEND_GROUP,
            "awslogs-create-group": "true",
            "awslogs-stream-prefix": "backend",
            "awslogs-multiline-pattern": first_line_pattern("%Y-%m-%d %H:%M:%S,%f"),
        },
    }
    assert {k: v for k, v in nginx.items() if k != "logConfiguration"} == before["containerDefinitions"][1]
    assert worker == before["containerDefinitions"][2]
    assert awslogs_eb_dockerrun(merged, STREAMS, REGION) is merged


@pytest.mark.parametrize(
    ("streams", "message"),
    [
        (
            [{**STREAMS[0], "container": "api"}],
            "awslogs_streams[backend].container: docker-compose.yml's services has no 'api' "
            "(it has 'backend', 'nginx', 'worker')",
        ),
        (
            [STREAMS[0], {**STREAMS[1], "container": "backend"}],
            "awslogs_streams[nginx-access].container: 'backend' is named by two streams",
        ),
    ],
)
def test_a_container_the_file_does_not_have_or_named_twice_is_refused(streams, message):
    with pytest.raises(BundleError, match=re.escape(message)):
        awslogs_eb_compose(COMPOSE, streams, REGION)


def test_a_dockerrun_that_is_not_version_2_is_refused():
    with pytest.raises(BundleError, match="not version 2"):
        awslogs_eb_dockerrun('{"AWSEBDockerrunVersion": "1", "Image": {"Name": "x"}}', STREAMS, REGION)


def test_what_the_driver_does_not_carry_over_is_named_by_stream_and_key():
    assert [note.split(":")[0] for note in awslogs_eb_driver_notes(STREAMS)] == [
        "awslogs_streams[backend].time_zone",
        "awslogs_streams[nginx-access].log_stream_name",
        "awslogs_streams[nginx-access].datetime_format",
        "awslogs_streams[nginx-access].retention_in_days",
    ]
    assert awslogs_eb_driver_notes(STREAMS, ecs=True)[0].startswith(
        "awslogs_streams[backend].log_stream_name: ECS names the stream backend/backend/<task id>"
    )


def test_the_policy_is_the_agents_and_the_unified_agent_may_set_retention():
    agents = awslogs_iam_policy(STREAMS, REGION, "123456789012")
    assert awslogs_eb_policy(STREAMS, REGION, "123456789012") == agents
    unified = awslogs_eb_policy(STREAMS, REGION, "123456789012", retention=True)
    assert unified["Statement"][0] == agents["Statement"][0]
    assert unified["Statement"][1]["Action"] == ["logs:PutRetentionPolicy"]
    assert unified["Statement"][1]["Resource"] == agents["Statement"][0]["Resource"]
    assert unified["Statement"][2]["Action"] == ["logs:DescribeLogGroups"]


def test_only_files_with_the_marker_count_as_written_by_the_role(tmp_path):
    (tmp_path / "ours").write_text("# awslogs-ops: mark\n")
    (tmp_path / "theirs").write_text("# the user's\n")
    paths = [str(tmp_path / name) for name in ("ours", "theirs", "missing")]
    assert awslogs_eb_unmarked(paths, "awslogs-ops: mark") == [str(tmp_path / "theirs")]
