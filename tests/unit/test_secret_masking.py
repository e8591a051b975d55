"""No secret in any message: every value that can hold one, with a control character appended, through every check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from awslogs_streams import awslogs_setting_errors, awslogs_stream_errors
from test_loud_failures import _run
from test_schedule_settings import _play

SECRET = "S3cr3t-Value"
GROUP = "/aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log"
# The settings of the three roles that can hold a secret, each with a value that carries it.
SECRETS = {
    "awslogs_aws_access_key_id": SECRET,
    "awslogs_aws_secret_access_key": SECRET,
    "awslogs_aws_session_token": SECRET,
    "awslogs_iam_aws_access_key_id": SECRET,
    "awslogs_iam_aws_secret_access_key": SECRET,
    "awslogs_iam_aws_session_token": SECRET,
    "awslogs_http_proxy": f"http://user:{SECRET}@proxy:3128",
    "awslogs_https_proxy": f"http://user:{SECRET}@proxy:3128",
    "awslogs_endpoint_url": f"https://user:{SECRET}@logs.example",
    "awslogs_pip_packages": [f"awscli @ https://token:{SECRET}@index.example/awscli.whl"],
    "awslogs_pip_environment": {"PIP_INDEX_URL": f"https://token:{SECRET}@index.example/simple"},
    "awslogs_drift_schedule_environment": {"AWS_SECRET_ACCESS_KEY": SECRET},
    "awslogs_drift_schedule_pip_environment": {"PIP_INDEX_URL": f"https://token:{SECRET}@index.example/simple"},
}
# A password that holds what a URL's userinfo should not: an '@', a '/'.
AWKWARD = {"awslogs_https_proxy": f"http://user:{SECRET}@/x@proxy:3128", "awslogs_http_proxy": f"user:{SECRET}@proxy"}
SUFFIXES = [" ", "\n", "\r", "\x00"]


def _append(value, suffix: str):
    if isinstance(value, dict):
        return {key: item + suffix for key, item in value.items()}
    if isinstance(value, list):
        return [item + suffix for item in value]
    return value + suffix


@pytest.mark.parametrize("suffix", SUFFIXES, ids=repr)
@pytest.mark.parametrize(("name", "value"), [*SECRETS.items(), *AWKWARD.items()])
def test_a_secret_with_a_control_character_is_refused_without_showing_it(name, value, suffix):
    errors = awslogs_setting_errors({name: _append(value, suffix)})
    assert errors, name
    assert all(error.startswith(name) for error in errors), errors
    assert SECRET not in json.dumps(errors) + "".join(errors)


@pytest.mark.parametrize("value", [f"https://user:{SECRET}@logs example", f"ftp://u:{SECRET}@host"])
def test_a_url_that_breaks_its_rule_is_shown_without_its_userinfo(value):
    errors = awslogs_setting_errors({"awslogs_endpoint_url": value})
    assert errors and "must be empty or an http(s) URL" in errors[0]
    assert SECRET not in errors[0] and "***@" in errors[0]


@pytest.mark.parametrize("suffix", SUFFIXES, ids=repr)
def test_a_secret_in_a_stream_value_is_not_shown(suffix):
    proxy = f"http://user:{SECRET}@proxy:3128{suffix}"
    stream = {"name": "backend", "file": "/var/log/a.log", "log_group_name": GROUP, "tags": {"proxy": proxy}}
    errors = awslogs_stream_errors([stream])
    assert errors and SECRET not in "".join(errors)


# The runs' environment takes a value with spaces (systemd's EnvironmentFile= quotes it).
SCHEDULE_CASES = [
    *(("awslogs_drift_schedule_environment", suffix) for suffix in SUFFIXES[1:]),
    *(("awslogs_drift_schedule_pip_environment", suffix) for suffix in SUFFIXES),
]


@pytest.mark.parametrize(("name", "suffix"), SCHEDULE_CASES, ids=repr)
def test_the_schedule_role_refuses_a_bad_environment_value_without_showing_it(tmp_path: Path, name, suffix):
    value = _append(SECRETS[name], suffix)
    done = _run("ansible-playbook", "-i", "localhost,", str(_play(tmp_path, **{name: value})))
    assert done.returncode != 0, done.stdout
    assert name in done.stdout
    assert "changed=0" in " ".join(done.stdout.split())
    assert SECRET not in done.stdout + done.stderr
