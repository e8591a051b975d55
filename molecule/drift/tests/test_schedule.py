"""The scheduled runner on the control host (drift-host1): user, venv, units, a timer run.

The service's run fixes endpoint drift by itself, as the unprivileged user,
with the inventory converge.yml gave it (the IAM play, tags aws).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import testinfra
from drift_runner import INVENTORY_FILE, client, drift_fix

ROLE, POLICY = "aws-elasticbeanstalk-ec2-role", "CloudwatchPolicy"
USER = "awslogs-drift"


@pytest.fixture(scope="module")
def control() -> Any:
    return testinfra.get_host("ansible://drift-host1", ansible_inventory=str(INVENTORY_FILE))


def iam() -> Any:
    return client("iam")


def test_a_converged_control_host_shows_no_drift_in_check_mode(tmp_path_factory: pytest.TempPathFactory) -> None:
    run = drift_fix(tmp_path_factory.mktemp("schedule") / "drift.json", "--playbook", "playbooks/drift_schedule.yml")
    assert run.rc == 0, run.stdout + run.stderr
    assert run.report["hosts"] == ["drift-host1"]
    assert run.report["drift"] == []


def test_the_runs_have_an_unprivileged_system_user(control: Any) -> None:
    user = control.user(USER)
    assert user.exists
    assert user.uid < 1000
    assert user.shell == "/usr/sbin/nologin"
    assert user.home == "/var/lib/awslogs-drift"


def test_the_runner_is_installed_in_its_own_virtualenv(control: Any) -> None:
    done = control.run_expect([0], f"runuser -u {USER} -- /opt/awslogs-drift/bin/awslogs-drift --help")
    assert "Exit codes: 0 no drift; 1 bad input" in done.stdout
    assert control.file("/opt/awslogs-drift/project/site.yml").is_file
    assert control.file("/opt/awslogs-drift/bin/ansible-playbook").is_file


def test_the_timer_is_installed_enabled_and_waiting(control: Any) -> None:
    timer = control.file("/etc/systemd/system/awslogs-drift.timer").content_string
    for line in ("OnCalendar=*:0/30", "RandomizedDelaySec=5min", "Persistent=true", "Unit=awslogs-drift.service"):
        assert f"\n{line}\n" in timer
    assert control.service("awslogs-drift.timer").is_enabled
    assert control.service("awslogs-drift.timer").is_running
    listed = control.run_expect([0], "systemctl list-timers --all --no-pager awslogs-drift.timer").stdout
    assert "awslogs-drift.timer" in listed
    assert "awslogs-drift.service" in listed
    assert "1 timers listed." in listed


def test_the_service_runs_the_runner_as_the_user_into_the_journal(control: Any) -> None:
    service = control.file("/etc/systemd/system/awslogs-drift.service").content_string
    for line in (
        "Type=oneshot",
        f"User={USER}",
        "StandardOutput=journal",
        "SuccessExitStatus=2",
        "WorkingDirectory=/opt/awslogs-drift/project",
    ):
        assert f"\n{line}\n" in service
    assert (
        "\nExecStart=/opt/awslogs-drift/bin/awslogs-drift --project-dir /opt/awslogs-drift/project --playbook site.yml"
        " --report /var/lib/awslogs-drift/reports/drift.json --timeout 50min"
        " --inventory=/etc/awslogs-drift/inventory --tags aws --cloudwatch-group awslogs-drift-timer"
        " --endpoint-url=http://127.0.0.1:5104 --region=ap-northeast-2 '--cloudwatch-stream=timer%%run$$1'\n"
    ) in service
    control.run_expect([0], "systemd-analyze verify /etc/systemd/system/awslogs-drift.service")


SECRET = "p%40ss \"q\" 'r' $HOME `x` \\ end"


def test_the_environment_is_in_a_root_only_file_and_never_in_the_unit(control: Any) -> None:
    env_file = control.file("/etc/awslogs-drift/drift.env")
    assert (env_file.user, env_file.group, env_file.mode) == ("root", "root", 0o600)
    assert (
        "\nEnvironmentFile=/etc/awslogs-drift/drift.env\n"
        in control.file("/etc/systemd/system/awslogs-drift.service").content_string
    )
    for where in ("cat /etc/systemd/system/awslogs-drift.service", "systemctl show awslogs-drift.service"):
        shown = control.check_output(where)
        assert "p%40ss" not in shown and "AWS_SECRET_ACCESS_KEY" not in shown, where
    # What systemd hands a service from the file: every value exactly as written.
    unit = "/run/systemd/system/awslogs-drift-envcheck.service"
    control.run_expect(
        [0],
        f"printf '%s\\n' '[Service]' 'Type=oneshot' 'EnvironmentFile=/etc/awslogs-drift/drift.env'"
        f" 'StandardOutput=file:/run/envcheck.out'"
        f" 'ExecStart=/usr/bin/printenv AWSLOGS_BENCH_SECRET AWS_ACCESS_KEY_ID' > {unit}"
        " && systemctl daemon-reload && systemctl start awslogs-drift-envcheck.service",
    )
    try:
        assert control.file("/run/envcheck.out").content_string == f"{SECRET}\ntesting\n"
    finally:
        control.run(f"rm -f {unit} /run/envcheck.out && systemctl daemon-reload")


def test_the_project_and_its_inventory_are_the_runners_group_only(control: Any) -> None:
    archive = control.file("/opt/awslogs-drift/awslogs-drift-project.tar")
    assert (archive.user, archive.group, archive.mode) == ("root", USER, 0o640)
    project = control.file("/opt/awslogs-drift/project")
    assert (project.user, project.group, project.mode) == ("root", USER, 0o750)
    group_vars = control.file("/opt/awslogs-drift/project/inventory/group_vars/all/awslogs.yml")
    assert (group_vars.group, group_vars.mode) == (USER, 0o640)
    assert control.run_expect([1], "runuser -u nobody -- cat /opt/awslogs-drift/project/site.yml").rc == 1
    # pip's environment file lives only while pip runs.
    assert not control.file("/opt/awslogs-drift/.pip-environment").exists


def test_the_fact_cache_of_the_runs_is_private(control: Any) -> None:
    facts = control.file("/var/lib/awslogs-drift/facts")
    assert (facts.user, facts.mode) == (USER, 0o700)


def test_a_service_run_fixes_a_deleted_policy(control: Any) -> None:
    iam().delete_role_policy(RoleName=ROLE, PolicyName=POLICY)
    cursor = control.check_output("journalctl -n 0 --show-cursor --no-pager | tail -1").split("cursor: ")[-1]
    control.run_expect([0], "systemctl start awslogs-drift.service")
    status = control.check_output("systemctl show -p ExecMainStatus -p Result awslogs-drift.service")
    assert status.splitlines() == ["Result=success", "ExecMainStatus=2"]
    journal = control.check_output(f"journalctl -u awslogs-drift.service -o cat --no-pager --after-cursor='{cursor}'")
    assert "awslogs-drift: drift fixed (exit 2) in " in journal
    assert "  [fixed] localhost: awslogs_iam : Put the agent's inline policy on the instance role" in journal
    assert "Invoked with" not in journal
    assert "summary sent to CloudWatch Logs awslogs-drift-timer/timer%run$1" in journal
    assert iam().list_role_policies(RoleName=ROLE)["PolicyNames"] == [POLICY]
    report = control.file("/var/lib/awslogs-drift/reports/drift.json")
    # Written with the mode the unit's UMask=0077 gives: the runner's user only.
    assert (report.user, report.mode) == (USER, 0o600)
    assert json.loads(report.content_string)["exit_code"] == 2
