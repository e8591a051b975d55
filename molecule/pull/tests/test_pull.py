"""Hosts that converge themselves: each host's own service run (pull mode of the schedule role).

converge.yml installed, on each host, the runner in its virtualenv, a git
checkout of the project and the timer's service. The tests start those
services, in file order: the first runs converge the hosts (drift fixed),
a second run finds nothing, a tamper on one host is fixed by that host's
next run and reported, a line written afterwards arrives; then the same
entry under ansible-pull and under the command SSM State Manager runs.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import testinfra

PROJECT_DIR = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
sys.path.insert(0, str(PROJECT_DIR))

from awslogs_drift.exitcodes import ExitCode  # noqa: E402
from tests.bench import git_server  # noqa: E402
from tests.bench.logs import logs_client, messages, wait_for_messages  # noqa: E402

INVENTORY_FILE = os.environ["MOLECULE_INVENTORY_FILE"]
PORT = int(os.environ.get("AWSLOGS_BENCH_PORT", "5136"))
GIT_URL = git_server.url(int(os.environ.get("AWSLOGS_BENCH_GIT_PORT", "5135")))
HOSTS = {f"pull-host{n}": f"i-0f0110000000000{n:02x}" for n in (1, 2, 3)}
SUMMARY_GROUP = "awslogs-drift"
BACKEND_GROUP = "/aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log"
REPORT = "/var/lib/awslogs-drift/reports/drift.json"
SERVICE = "awslogs-drift.service"
VENV = "/opt/awslogs-drift"
PROJECT = f"{VENV}/project"


def host(name: str) -> Any:
    return testinfra.get_host(f"ansible://{name}", ansible_inventory=INVENTORY_FILE)


def service_run(name: str) -> dict[str, Any]:
    """Start the host's own service (as its timer does) and wait for it; its status, journal and report."""
    target = host(name)
    cursor = target.check_output("journalctl -n 0 --show-cursor --no-pager | tail -1").split("cursor: ")[-1]
    started = time.monotonic()
    target.run_expect([0, 1, 3], f"systemctl start {SERVICE}")  # 1, 3: the unit failed; its status says why
    seconds = time.monotonic() - started
    status = dict(
        line.split("=", 1)
        for line in target.check_output(f"systemctl show -p Result -p ExecMainStatus {SERVICE}").splitlines()
    )
    journal = target.check_output(f"journalctl -u {SERVICE} -o cat --no-pager --after-cursor='{cursor}'")
    print(f"--- {name}: {SERVICE} in {seconds:.0f} s, {status}\n{journal}")
    report = json.loads(target.file(REPORT).content_string)
    return {"status": status, "journal": journal, "report": report, "seconds": seconds}


def summaries(instance_id: str) -> list[dict[str, Any]]:
    return [json.loads(message) for message in messages(logs_client(PORT), SUMMARY_GROUP, instance_id)]


def _items(run: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(i["host"], i["role"], i["action"]) for i in run["report"]["drift"]}


@pytest.fixture(scope="module")
def first_runs() -> dict[str, dict[str, Any]]:
    with ThreadPoolExecutor(len(HOSTS)) as pool:
        return dict(zip(HOSTS, pool.map(service_run, HOSTS), strict=True))


@pytest.fixture(scope="module")
def second_run(first_runs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return service_run("pull-host1")


@pytest.fixture(scope="module")
def tampered_run(second_run: dict[str, Any]) -> dict[str, Any]:
    target = host("pull-host2")
    target.run_expect(
        [0], "sed -i 's/^datetime_format = .*$/datetime_format = %d\\/%b\\/%Y:%H:%M:%S/' /etc/awslogs/config/logs.conf"
    )
    target.run_expect([0], "systemctl disable --now awslogsd")
    return service_run("pull-host2")


def test_the_hosts_checked_the_project_out_of_the_git_repository() -> None:
    for name in HOSTS:
        origin = host(name).check_output(f"git -C {PROJECT} remote get-url origin")
        assert origin == GIT_URL
        assert host(name).file(f"{PROJECT}/playbooks/local.yml").is_file


def test_the_timer_runs_the_runner_on_the_per_instance_entry_as_root() -> None:
    target = host("pull-host1")
    unit = target.file(f"/etc/systemd/system/{SERVICE}").content_string
    assert "\nUser=root\n" in unit
    assert (
        f"\nExecStartPre={VENV}/bin/ansible localhost -i localhost, -c local -m ansible.builtin.git"
        f" -a 'repo={GIT_URL} dest={PROJECT} version=main depth=1 force=true'\n"
    ) in unit
    assert (
        f"\nExecStart={VENV}/bin/awslogs-drift --project-dir {PROJECT} --playbook playbooks/local.yml"
        f" --report {REPORT} --timeout 50min --inventory=localhost, --cloudwatch-group {SUMMARY_GROUP}"
        f" --cloudwatch-stream={HOSTS['pull-host1']}"
    ) in unit
    assert "ProtectSystem" not in unit  # the host converges itself: /etc and /usr are written
    target.run_expect([0], f"systemd-analyze verify /etc/systemd/system/{SERVICE}")
    assert target.service("awslogs-drift.timer").is_enabled
    assert "1 timers listed." in target.check_output("systemctl list-timers --all --no-pager awslogs-drift.timer")


def test_each_host_converges_itself_and_reports_drift_fixed(first_runs: dict[str, dict[str, Any]]) -> None:
    for name, run in first_runs.items():
        assert run["status"] == {"Result": "success", "ExecMainStatus": str(int(ExitCode.DRIFT_FIXED))}, name
        assert run["report"]["exit_code"] == ExitCode.DRIFT_FIXED
        assert run["report"]["hosts"] == ["localhost"]
        assert {i["outcome"] for i in run["report"]["drift"]} == {"fixed"}, name
        assert run["report"]["runs"]["verify"] == {"rc": 0, "changed_tasks": 0}
        assert "awslogs-drift: drift fixed (exit 2) in " in run["journal"]
        assert host(name).service("awslogsd").is_running


def test_each_host_streams_under_its_own_instance_id(first_runs: dict[str, dict[str, Any]]) -> None:
    for name, instance_id in HOSTS.items():
        assert first_runs[name]["status"]["Result"] == "success"
        logs_conf = host(name).file("/etc/awslogs/config/logs.conf").content_string
        assert f"log_stream_name = {instance_id}\n" in logs_conf


def test_each_summary_is_one_event_in_the_runners_group(first_runs: dict[str, dict[str, Any]]) -> None:
    for name, instance_id in HOSTS.items():
        finished = first_runs[name]["report"]["finished_at"]
        (summary,) = [s for s in summaries(instance_id) if s["finished_at"] == finished]
        assert (summary["exit_code"], summary["hosts"]) == (ExitCode.DRIFT_FIXED, ["localhost"])
        assert f"summary sent to CloudWatch Logs {SUMMARY_GROUP}/{instance_id}" in first_runs[name]["journal"]


def test_a_second_run_finds_no_drift(second_run: dict[str, Any]) -> None:
    assert second_run["status"] == {"Result": "success", "ExecMainStatus": str(int(ExitCode.NO_DRIFT))}
    assert second_run["report"]["drift"] == []
    assert list(second_run["report"]["runs"]) == ["check"]


def test_a_tamper_is_fixed_by_that_hosts_next_run_and_reported(tampered_run: dict[str, Any]) -> None:
    assert tampered_run["status"] == {"Result": "success", "ExecMainStatus": str(int(ExitCode.DRIFT_FIXED))}
    assert _items(tampered_run) == {
        ("localhost", "awslogs", "ansible.builtin.copy"),
        ("localhost", "awslogs", "ansible.builtin.systemd_service"),
    }
    logs_conf = next(i for i in tampered_run["report"]["drift"] if i["action"] == "ansible.builtin.copy")
    assert "-datetime_format = %d/%b/%Y:%H:%M:%S\n+datetime_format = %Y-%m-%d %H:%M:%S,%f\n" in logs_conf["diff"]
    assert {i["outcome"] for i in tampered_run["report"]["drift"]} == {"fixed"}
    target = host("pull-host2")
    assert target.service("awslogsd").is_running
    assert target.service("awslogsd").is_enabled
    finished = tampered_run["report"]["finished_at"]
    (summary,) = [s for s in summaries(HOSTS["pull-host2"]) if s["finished_at"] == finished]
    assert summary["exit_code"] == ExitCode.DRIFT_FIXED
    assert len(summary["drift"]) == 2


def test_a_line_written_afterwards_arrives(tampered_run: dict[str, Any]) -> None:
    assert tampered_run["status"]["Result"] == "success"
    line = f"{time.strftime('%Y-%m-%d %H:%M:%S')},000 INFO after the host own fix {uuid.uuid4()}"
    host("pull-host2").run_expect([0], f"echo '{line}' >> /var/log/containers/backend.log")
    wait_for_messages(logs_client(PORT), BACKEND_GROUP, HOSTS["pull-host2"], lambda found: line in found, timeout=90)


def changes_nothing_on_a_converged_host(command: str) -> str:
    """Run the command on pull-host3 (converged by its first run); it must succeed and change nothing."""
    done = host("pull-host3").run(command)
    print(done.stdout, done.stderr)
    assert done.rc == 0, done.stdout + done.stderr
    recap = done.stdout.split("PLAY RECAP")[-1]
    assert "localhost                  : ok=" in recap
    assert " changed=0 " in recap
    return done.stdout


def test_ansible_pull_runs_the_same_entry(first_runs: dict[str, dict[str, Any]]) -> None:
    assert first_runs["pull-host3"]["status"]["Result"] == "success"
    out = changes_nothing_on_a_converged_host(
        f"cd / && {VENV}/bin/ansible-pull --url {GIT_URL} --checkout main --directory /root/pull-entry"
        " --inventory localhost, playbooks/local.yml"
    )
    assert "Starting Ansible Pull at " in out


def test_the_entry_runs_as_ssm_state_manager_runs_it(first_runs: dict[str, dict[str, Any]]) -> None:
    # AWS-ApplyAnsiblePlaybooks' command (tests/unit/fixtures/aws-apply-ansible-playbooks.json), Check=True.
    assert first_runs["pull-host3"]["status"]["Result"] == "success"
    changes_nothing_on_a_converged_host(
        f'cd {PROJECT} && PATH={VENV}/bin:$PATH ansible-playbook -i "localhost," --check -c local'
        ' -e "ansible_python_interpreter=$(which python3)" -e "SSM=True" -v playbooks/local.yml'
    )
