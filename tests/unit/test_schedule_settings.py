"""The schedule role refuses a setting that would add a line to its units or the runner's command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_loud_failures import _run


def _play(tmp_path: Path, **settings: object) -> Path:
    play = [
        {
            "name": "Schedule",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "roles": [
                {
                    "role": "awslogs_ops.awslogs.awslogs_drift_schedule",
                    "awslogs_drift_schedule_project_src": str(tmp_path),
                    **settings,
                }
            ],
        }
    ]
    path = tmp_path / "schedule.yml"
    path.write_text(json.dumps(play))
    return path


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("awslogs_drift_schedule_tags", "agent\nExecStartPre=/bin/sh -c id"),
        ("awslogs_drift_schedule_on_calendar", "hourly\nUser=root"),
        ("awslogs_drift_schedule_extra_args", ["-e", "x=1\rUser=root"]),
        ("awslogs_drift_schedule_user", " awslogs-drift"),
    ],
)
def test_a_setting_that_is_not_one_plain_line_stops_the_role_first(tmp_path, name, value):
    done = _run("ansible-playbook", "-i", "localhost,", str(_play(tmp_path, **{name: value})))
    assert done.returncode != 0, done.stdout
    flat = " ".join((done.stdout + done.stderr).split())
    assert "Check that every schedule setting is one line of plain text" in flat
    assert f"{name} must not" in flat
    assert "changed=0" in flat


def test_an_environment_name_with_a_trailing_newline_is_refused_and_a_good_one_is_not(tmp_path):
    environment = {"AWS_REGION": "eu-west-1", "HTTPS_PROXY\n": "http://proxy:3128"}
    play = _play(tmp_path, awslogs_drift_schedule_environment=environment)
    done = _run("ansible-playbook", "-i", "localhost,", str(play))
    assert done.returncode != 0, done.stdout
    flat = " ".join((done.stdout + done.stderr).split())
    assert "Check the names and values of the runs' environment" in flat
    assert 'not starting with a digit (["HTTPS_PROXY\\n"])' in flat
