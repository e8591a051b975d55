"""The logrotate key of a stream: its checks and the policy files it renders."""

from __future__ import annotations

import pytest
import yaml
from awslogs_logrotate import awslogs_logrotate_policies
from awslogs_streams import awslogs_stream_errors

from tests.bench.process import PROJECT_DIR

DEFAULTS = yaml.safe_load((PROJECT_DIR / "roles/awslogs/defaults/main.yml").read_text())
# The one stream list lives in the inventory (the agent role has no default list).
STREAMS = yaml.safe_load((PROJECT_DIR / "inventory/group_vars/all/awslogs.yml").read_text())["awslogs_streams"]
GROUP = "/aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log"


def stream(**overrides) -> dict:
    return {"name": "backend", "file": "/var/log/containers/backend*.log", "log_group_name": GROUP, **overrides}


@pytest.mark.parametrize(
    "glob", ["/var/log/containers/backend*", "/var/log/app/*", "/var/log/app/app.log*", "/var/log/app/app?log*"]
)
def test_a_glob_that_matches_rotated_copies_is_refused(glob):
    (error,) = awslogs_stream_errors([stream(file=glob)])
    assert error.startswith(f"awslogs_streams[backend].file glob {glob!r} also matches rotated copies")


@pytest.mark.parametrize(
    "glob", ["/var/log/containers/backend*.log", "/var/log/nginx/access.log", "/var/log/app/*-stdouterr.log"]
)
def test_a_glob_with_the_live_files_suffix_is_accepted(glob):
    assert awslogs_stream_errors([stream(file=glob)]) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yes", "logrotate must be false, true or a mapping"),
        ({"method": "move"}, "logrotate.method must be one of create, copytruncate, got 'move'"),
        ({"frequency": "hourly"}, "logrotate.frequency must be one of daily, weekly, monthly"),
        ({"rotate": -1}, "logrotate.rotate must be a whole number"),
        ({"maxsize": "100 MB"}, "logrotate.maxsize must be a size like 100M"),
        ({"compress": "no"}, "logrotate.compress must be true or false"),
        ({"postrotate": ["kill"]}, "logrotate.postrotate must be a shell command"),
        ({"unless_policy": "nginx"}, "logrotate.unless_policy must be an absolute path"),
        ({"copies": 3}, "logrotate has unknown key(s) copies"),
    ],
)
def test_a_bad_logrotate_value_names_the_stream_and_key(value, message):
    (error,) = awslogs_stream_errors([stream(logrotate=value)])
    assert error.startswith(f"awslogs_streams[backend].{message}")


def test_the_role_defaults_rotate_by_rename_and_create():
    streams = STREAMS
    for item in streams:
        item["log_group_name"] = item["log_group_name"].replace("{{ awslogs_env_name }}", "myapp-prd")
    assert awslogs_stream_errors(streams) == []
    policies = awslogs_logrotate_policies(streams, DEFAULTS["awslogs_logrotate_defaults"], "# managed\n")
    assert [p["path"] for p in policies] == [
        "/etc/logrotate.d/awslogs-backend",
        "/etc/logrotate.d/awslogs-nginx-access",
        "/etc/logrotate.d/awslogs-nginx-error",
    ]
    backend, access, _error = policies
    assert backend["content"] == (
        "# managed\n/var/log/containers/backend*.log {\n    daily\n    rotate 7\n    maxsize 100M\n"
        "    missingok\n    notifempty\n    compress\n    delaycompress\n    create\n}\n"
    )
    assert backend["unless_policy"] == ""
    assert access["unless_policy"] == "/etc/logrotate.d/nginx"
    assert "    postrotate\n        [ ! -s /run/nginx.pid ] || kill -USR1" in access["content"]
    assert "copytruncate" not in access["content"]


def test_off_by_one_key_and_copytruncate_only_on_request():
    defaults = DEFAULTS["awslogs_logrotate_defaults"]
    streams = [
        stream(logrotate=False),
        stream(name="legacy", file="/var/log/legacy.log", logrotate={"method": "copytruncate", "compress": False}),
        stream(name="gone", state="absent"),
    ]
    (policy,) = awslogs_logrotate_policies(streams, defaults)
    assert policy["path"] == "/etc/logrotate.d/awslogs-legacy"
    assert "    copytruncate\n" in policy["content"]
    assert "compress" not in policy["content"]
