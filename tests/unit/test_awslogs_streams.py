"""Unit tests of the stream-list checks and the logs.conf sections."""

from __future__ import annotations

import pytest
from awslogs_streams import (
    RETENTION_DAYS,
    awslogs_agent_sections,
    awslogs_file_errors,
    awslogs_instance_id_streams,
    awslogs_setting_errors,
    awslogs_single_line,
    awslogs_stream_errors,
    awslogs_stream_files,
)

GROUP = "/aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log"


def stream(**overrides) -> dict:
    base = {"name": "backend", "file": "/var/log/containers/backend*.log", "log_group_name": GROUP}
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def test_the_shipped_defaults_are_valid():
    streams = [
        stream(log_stream_name="{instance_id}", datetime_format="%Y-%m-%d %H:%M:%S",
               multi_line_start_pattern="{datetime_format}"),
        stream(name="nginx-access", file="/var/log/nginx/access.log", log_group_name="/x/access.log"),
    ]  # fmt: skip
    assert awslogs_stream_errors(streams) == []


def test_every_agent_option_within_its_limits_is_accepted():
    full = stream(
        log_stream_name="{hostname}-{ip_address}",
        datetime_format="%d/%b/%Y:%H:%M:%S %z",
        time_zone="LOCAL",
        initial_position="end_of_file",
        encoding="latin_1",
        buffer_duration=5000,
        batch_count=10000,
        batch_size=1048576,
        multi_line_start_pattern=r"^\[",
        file_fingerprint_lines="1-3",
        retention_in_days=3653,
        kms_key_id="arn:aws:kms:eu-west-1:123456789012:key/abc",
        tags={"team": "backend"},
        state="present",
    )
    assert awslogs_stream_errors([full]) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"file": None}, "awslogs_streams[backend].file is required"),
        ({"file": "var/log/x.log"}, "awslogs_streams[backend].file must be an absolute path"),
        ({"log_group_name": None}, "awslogs_streams[backend].log_group_name is required"),
        ({"log_group_name": ""}, "awslogs_streams[backend].log_group_name must not be empty"),
        ({"log_group_name": "/" + "a" * 512}, "awslogs_streams[backend].log_group_name is 513 characters long"),
        ({"log_group_name": "/app/my logs"}, "awslogs_streams[backend].log_group_name '/app/my logs' has characters"),
        ({"log_stream_name": "web:1"}, "awslogs_streams[backend].log_stream_name 'web:1' must not contain ':'"),
        ({"log_stream_name": "web*"}, "awslogs_streams[backend].log_stream_name 'web*' must not contain '*'"),
        ({"log_stream_name": "{instance}"}, "awslogs_streams[backend].log_stream_name has unknown placeholder"),
        ({"log_stream_name": "x" * 513}, "awslogs_streams[backend].log_stream_name is 513 characters long"),
        ({"buffer_duration": 4999}, "awslogs_streams[backend].buffer_duration must be at least 5000, got 4999"),
        ({"buffer_duration": "soon"}, "awslogs_streams[backend].buffer_duration must be a whole number"),
        ({"batch_count": 10001}, "awslogs_streams[backend].batch_count must be at most 10000, got 10001"),
        ({"batch_size": 1048577}, "awslogs_streams[backend].batch_size must be at most 1048576, got 1048577"),
        ({"initial_position": "middle"}, "awslogs_streams[backend].initial_position must be one of"),
        ({"time_zone": "Mars/Olympus"}, "awslogs_streams[backend].time_zone must be UTC, LOCAL or an IANA time zone"),
        ({"encoding": "klingon"}, "awslogs_streams[backend].encoding 'klingon' is not a Python codec"),
        ({"multi_line_start_pattern": "(unclosed"}, "awslogs_streams[backend].multi_line_start_pattern '(unclosed'"),
        ({"multi_line_start_pattern": "{datetime_format}"}, "'{datetime_format}' needs a datetime_format"),
        ({"file_fingerprint_lines": "a-b"}, "awslogs_streams[backend].file_fingerprint_lines must be N or N-M"),
        ({"file_fingerprint_lines": "3-1"}, "awslogs_streams[backend].file_fingerprint_lines '3-1' must count"),
        ({"retention_in_days": 42}, "awslogs_streams[backend].retention_in_days 42 is not a value"),
        ({"state": "gone"}, "awslogs_streams[backend].state must be one of present, absent"),
        ({"tags": ["a"]}, "awslogs_streams[backend].tags must be a mapping"),
        ({"buffer_duraton": 6000}, "awslogs_streams[backend].unknown key(s) buffer_duraton"),
        ({"name": "back end"}, "awslogs_streams[back end].name 'back end' may hold only"),
    ],
)
def test_a_bad_value_is_named_with_its_stream_and_key(overrides, expected):
    errors = awslogs_stream_errors([stream(**overrides)])
    assert any(expected in error for error in errors), errors


def test_a_stream_without_a_name_is_named_by_its_position():
    errors = awslogs_stream_errors([stream(), stream(name=None, file="/var/log/b.log")])
    assert errors == ["awslogs_streams[1].name is required (a short word that names the stream)"]


def test_two_streams_with_the_same_name_are_refused():
    errors = awslogs_stream_errors([stream(), stream(file="/var/log/other.log")])
    assert errors == ["awslogs_streams[backend].name: the name 'backend' is used twice (entries 0 and 1)"]


def test_the_same_file_and_group_twice_is_refused():
    errors = awslogs_stream_errors([stream(), stream(name="backend-again")])
    assert errors == [
        f"awslogs_streams[backend-again].file: '/var/log/containers/backend*.log' is already shipped to {GROUP!r} "
        "by stream 'backend'"
    ]


@pytest.mark.parametrize("streams", [[], None, "backend", [["backend"]]])
def test_the_list_itself_must_be_a_list_of_mappings(streams):
    assert awslogs_stream_errors(streams)


def test_every_problem_is_reported_at_once():
    errors = awslogs_stream_errors([stream(buffer_duration=1, batch_count=0, time_zone="x")])
    assert len(errors) == 3


def test_sections_keep_the_agent_options_in_order_and_resolve_the_instance_id():
    sections = awslogs_agent_sections(
        [stream(log_stream_name="{instance_id}-{hostname}", retention_in_days=30, buffer_duration=6000)],
        "i-0123",
    )
    assert sections == [
        {
            "name": "backend",
            "options": [
                ["file", "/var/log/containers/backend*.log"],
                ["log_group_name", GROUP],
                ["log_stream_name", "i-0123-{hostname}"],
                ["buffer_duration", "6000"],
            ],
        }
    ]


def test_sections_default_the_stream_name_and_leave_the_placeholder_without_an_id():
    [section] = awslogs_agent_sections([stream()])
    assert ["log_stream_name", "{instance_id}"] in section["options"]


def test_absent_streams_are_not_shipped():
    assert awslogs_agent_sections([stream(state="absent")], "i-1") == []


def test_settings_are_checked_by_the_ending_of_their_names():
    assert awslogs_setting_errors(
        {
            "awslogs_env_name": "",
            "awslogs_iam_region": "Korea",
            "awslogs_endpoint_url": "ftp://x",
            "awslogs_iam_role_name": "eb role",
            "awslogs_iam_policy_name": "p" * 129,
            "awslogs_iam_default_retention_in_days": 42,
        }
    ) == [
        "awslogs_env_name must be the environment name: 1-100 of letters, digits and ._#-, starting and ending with a"
        ' letter or digit (no slash: it is one part of every log group name), got ""',
        'awslogs_iam_region must be a region name like eu-west-1, got "Korea"',
        'awslogs_endpoint_url must be empty or an http(s) URL, got "ftp://x"',
        'awslogs_iam_role_name must be 1-64 of letters, digits and +=,.@_-, got "eb role"',
        f'awslogs_iam_policy_name must be 1-128 of letters, digits and +=,.@_-, got "{"p" * 129}"',
        "awslogs_iam_default_retention_in_days must be a retention CloudWatch Logs accepts "
        f"({', '.join(map(str, RETENTION_DAYS))}), got 42",
    ]


@pytest.mark.parametrize("name", ["myapp/prd", "my app", "-myapp", "myapp-", "x" * 101, "myapp\n"])
def test_an_environment_name_that_cannot_be_part_of_a_group_name_is_refused(name):
    (error,) = awslogs_setting_errors({"awslogs_env_name": name})
    assert error.startswith("awslogs_env_name ")


@pytest.mark.parametrize("name", ["myapp-prd", "MyApp.Prd_2", "a", "x" * 100])
def test_an_environment_name_of_a_group_name_passes(name):
    assert awslogs_setting_errors({"awslogs_env_name": name}) == []


def test_good_settings_pass_and_a_key_without_its_secret_does_not():
    good = {"awslogs_region": "eu-west-1", "awslogs_endpoint_url": "", "awslogs_iam_default_retention_in_days": "90"}
    assert awslogs_setting_errors(good) == []
    assert awslogs_setting_errors({"awslogs_aws_access_key_id": "AKIA", "awslogs_aws_secret_access_key": ""}) == [
        "awslogs_aws_access_key_id and awslogs_aws_secret_access_key go together"
    ]


NOT_ONE_LINE = "must not contain control characters or line breaks"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"name": "backend\n"}, f"awslogs_streams[0].name {NOT_ONE_LINE}"),
        ({"log_group_name": GROUP + "\n"}, f"awslogs_streams[backend].log_group_name {NOT_ONE_LINE}"),
        ({"file": "/var/log/a.log\n[x]"}, f"awslogs_streams[backend].file {NOT_ONE_LINE}"),
        ({"log_stream_name": "a\u2028b"}, f"awslogs_streams[backend].log_stream_name {NOT_ONE_LINE}"),
        ({"datetime_format": "%Y\r"}, f"awslogs_streams[backend].datetime_format {NOT_ONE_LINE}"),
        ({"encoding": "utf_8\x00"}, f"awslogs_streams[backend].encoding {NOT_ONE_LINE}"),
        ({"kms_key_id": "k\n"}, f"awslogs_streams[backend].kms_key_id {NOT_ONE_LINE}"),
        ({"tags": {"team\n": "x"}}, f"awslogs_streams[backend].tags {NOT_ONE_LINE}"),
        ({"datetime_format": "%Y "}, "awslogs_streams[backend].datetime_format must not begin or end with whitespace"),
        ({"name": "general"}, "awslogs_streams[general].name 'general' is a section name the agent reserves"),
        ({"name": "GENERAL"}, "awslogs_streams[GENERAL].name 'GENERAL' is a section name the agent reserves"),
        ({"name": "default"}, "awslogs_streams[default].name 'default' is a section name the agent reserves"),
        ({"batch_count": "²"}, "awslogs_streams[backend].batch_count must be a whole number written with the digits"),
        ({"batch_size": "\u0665"}, "awslogs_streams[backend].batch_size must be a whole number"),
        ({"buffer_duration": 10**30}, "awslogs_streams[backend].buffer_duration must be at most 86400000"),
        ({"buffer_duration": 5000.5}, "awslogs_streams[backend].buffer_duration must be a whole number"),
        ({"log_stream_name": "   "}, "awslogs_streams[backend].log_stream_name must not begin or end with whitespace"),
        ({"log_stream_name": "s" * 498 + "{instance_id}"}, "log_stream_name can be 517 characters long once"),
        ({"log_stream_name": "s" * 450 + "{hostname}"}, "log_stream_name can be 514 characters long once"),
        ({"file_fingerprint_lines": "\u0661"}, "awslogs_streams[backend].file_fingerprint_lines must be N or N-M"),
        ({"file_fingerprint_lines": "01"}, "awslogs_streams[backend].file_fingerprint_lines must be N or N-M"),
        ({"file": "/var/log/nginx/"}, "awslogs_streams[backend].file '/var/log/nginx/' names a directory"),
        ({"file": "/var/lib/awslogs/*"}, "file '/var/lib/awslogs/*' matches the agent's own file"),
        ({"file": "/var/lib/awslogs/agent-state-wal"}, "matches the agent's own file"),
        ({"file": "/etc/awslogs/*"}, "file '/etc/awslogs/*' matches the agent's own file '/etc/awslogs/awscli.conf'"),
    ],
)
def test_input_that_would_reach_the_agent_unchecked_is_refused(overrides, expected):
    errors = awslogs_stream_errors([stream(**overrides)])
    assert any(expected in error for error in errors), errors


def test_only_the_real_cause_is_reported_for_a_value_that_is_not_one_line():
    assert awslogs_stream_errors([stream(buffer_duration="5000\n")]) == [
        f"awslogs_streams[backend].buffer_duration {NOT_ONE_LINE} (found '\\n'), got '5000\\n'"
    ]


def test_globs_match_the_agent_files_the_way_glob_does():
    assert awslogs_stream_errors([stream(file="/var/lib/*/agent-state")])
    assert awslogs_stream_errors([stream(file="/var/log/*.log")], log_file="/var/log/awslogs.log")
    assert awslogs_stream_errors([stream(file="/var/log/*.log")], log_file="/var/log/agent/awslogs.log") == []
    assert awslogs_stream_errors([stream(file="/var/lib/awslogs/*.log")], state_file="/srv/state/agent") == []
    assert awslogs_stream_errors([stream(file="/srv/*/.agent")], state_file="/srv/state/.agent")
    assert awslogs_stream_errors([stream(file="/srv/state/*.log")], state_file="/srv/state/.agent.log") == []


def test_a_stream_name_at_the_limit_after_substitution_passes():
    assert awslogs_stream_errors([stream(log_stream_name="s" * 493 + "{instance_id}")]) == []


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"awslogs_region": "eu-west-1\n"}, f"awslogs_region {NOT_ONE_LINE} (found '\\n'), got 'eu-west-1\\n'"),
        ({"awslogs_iam_role_name": "role\n"}, f"awslogs_iam_role_name {NOT_ONE_LINE}"),
        ({"awslogs_endpoint_url": "https://logs.example\nx = 1"}, f"awslogs_endpoint_url {NOT_ONE_LINE}"),
        ({"awslogs_endpoint_url": "https://logs.example x"}, "awslogs_endpoint_url must be empty or an http(s) URL"),
        ({"awslogs_aws_access_key_id": "AKIA\n"}, f"awslogs_aws_access_key_id {NOT_ONE_LINE}"),
        ({"awslogs_aws_secret_access_key": "s3cr3t\n"}, f"awslogs_aws_secret_access_key {NOT_ONE_LINE} (found '\\n')"),
        ({"awslogs_pip_packages": ["awscli==1\n"]}, f"awslogs_pip_packages {NOT_ONE_LINE}"),
        ({"awslogs_log_file": "/var/log/a'.log"}, "awslogs_log_file must be empty or a plain absolute path"),
        ({"awslogs_log_file": "/var/log/../a.log"}, "awslogs_log_file must be empty or a plain absolute path"),
        ({"awslogs_state_file": "state"}, "awslogs_state_file must be a plain absolute path"),
        ({"awslogs_venv": "/opt/aws logs"}, "awslogs_venv must be a plain absolute path"),
        ({"awslogs_instance_id": "i-0123\n"}, f"awslogs_instance_id {NOT_ONE_LINE}"),
        ({"awslogs_instance_id": "web-1"}, "awslogs_instance_id must be empty or an EC2 instance id"),
    ],
)
def test_every_rendered_setting_is_one_plain_line(settings, expected):
    errors = awslogs_setting_errors(settings)
    assert len(errors) == 1
    assert errors[0].startswith(expected), errors


def test_a_secret_is_never_echoed():
    assert "s3cr3t" not in " ".join(awslogs_setting_errors({"awslogs_aws_secret_access_key": " s3cr3t"}))


def test_good_paths_and_ids_pass():
    assert (
        awslogs_setting_errors(
            {
                "awslogs_log_file": "/var/log/awslogs/agent%1.log",
                "awslogs_state_file": "/var/lib/awslogs/agent-state",
                "awslogs_instance_id": "i-0123456789abcdef0",
                "awslogs_venv": "/opt/awslogs",
            }
        )
        == []
    )


def test_the_template_guard_refuses_every_line_break():
    assert awslogs_single_line(5000) == "5000"
    for text in ("a\nb", "a\rb", "a\x0bb", "a\x85b", "a\u2028b"):
        with pytest.raises(ValueError, match="refusing to render a line break"):
            awslogs_single_line(text)


def test_the_streams_using_the_instance_id_and_their_files():
    streams = [stream(), stream(name="web", log_stream_name="{hostname}"), stream(name="old", state="absent")]
    assert awslogs_instance_id_streams(streams) == ["backend"]
    assert awslogs_stream_files(streams) == ["/var/log/containers/backend*.log"] * 2


def test_a_file_that_matches_only_directories_is_refused():
    found = [{"path": "/var/log/nginx", "isdir": True}]
    assert awslogs_file_errors([stream(file="/var/log/nginx")], found) == [
        "awslogs_streams[backend].file '/var/log/nginx' is a directory on this host (/var/log/nginx); "
        "the agent reads only files and would never read it: give a file or a glob of files"
    ]
    both = [*found, {"path": "/var/log/nginx.log", "isdir": False}]
    assert awslogs_file_errors([stream(file="/var/log/nginx*")], both) == []
    assert awslogs_file_errors([stream(file="/var/log/app.log")], []) == []


def test_stream_defaults_go_under_every_stream_and_are_checked():
    streams = [stream(), stream(name="worker", file="/var/log/worker.log", log_group_name="/w", batch_count=50)]
    sections = awslogs_agent_sections(streams, defaults={"batch_count": 2000})
    assert [dict(section["options"])["batch_count"] for section in sections] == ["2000", "50"]
    assert awslogs_stream_errors(streams, {"batch_count": 2000}) == []
    assert awslogs_stream_errors(streams, {"batch_count": 20000}) == [
        "awslogs_streams[backend].batch_count must be at most 10000, got 20000"
    ]
    assert awslogs_stream_errors(streams, {"datetime_format": "%s"}) == [
        "awslogs_stream_defaults may set only buffer_duration, batch_count, batch_size, not datetime_format"
    ]
