"""The JSON report and the human summary, built from recorded runs."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from awslogs_drift.drift import drift_fix
from awslogs_drift.events import RunResult
from awslogs_drift.report import ReportError, build_report, check_writable, summary_lines, write_report
from awslogs_drift.signals import StopSignalError
from tests.unit.fixtures.drift_replay import replay, result


def _report(scenario: str, *, detect_only: bool = False) -> dict:
    outcome = drift_fix(replay(scenario, []), detect_only=detect_only)
    outcome.seconds = 36.14
    # What goes to the file must survive a JSON round trip unchanged.
    report = build_report(outcome, playbook="site.yml", limit="awslogs_hosts", tags="agent")
    return json.loads(json.dumps(report))


def test_the_report_has_every_drifted_item_its_diff_and_outcome() -> None:
    report = _report("tampered")
    assert (report["exit_code"], report["status"], report["mode"]) == (2, "drift_fixed", "fix")
    assert (report["playbook"], report["limit"], report["tags"], report["seconds"]) == (
        "site.yml",
        "awslogs_hosts",
        "agent",
        36.1,
    )
    assert report["hosts"] == ["drift-host1", "drift-host2", "localhost"]
    assert report["runs"] == {
        "check": {"rc": 0, "changed_tasks": 4},
        "apply": {"rc": 0, "changed_tasks": 4},
        "verify": {"rc": 0, "changed_tasks": 0},
    }
    items = {(i["host"], i["action"]): i for i in report["drift"]}
    assert len(items) == 4
    assert {i["outcome"] for i in items.values()} == {"fixed"}
    logs_conf = items["drift-host1", "ansible.builtin.copy"]
    assert logs_conf["role"] == "awslogs"
    assert logs_conf["task"] == "Write the agent's configuration, unit and pins"
    assert "+[nginx-error]\n" in logs_conf["diff"]
    assert items["localhost", "awslogs_log_group"]["diff"].endswith(
        "-retention_in_days: 7\n+retention_in_days: 90\n tags: {}\n"
    )
    assert report["handlers"] == [{"host": "drift-host1", "task": "Restart awslogsd", "role": "awslogs"}]
    assert report["new_drift_after_fix"] == []
    assert report["unreachable"] == report["failed"] == report["problems"] == []


def test_the_summary_names_hosts_drifted_tasks_fixes_and_time() -> None:
    lines = summary_lines(_report("tampered"))
    assert lines[0] == "awslogs-drift: drift fixed (exit 2) in 36.1 s, fix, playbook site.yml"
    assert lines[1] == "hosts: 3 checked, 2 drifted, 0 unreachable, 0 failed"
    assert lines[2] == "drifted tasks: 4, fixed: 4"
    assert sorted(lines[3:]) == [
        "  [fixed] drift-host1: awslogs : Enable and start awslogsd",
        "  [fixed] drift-host1: awslogs : Write the agent's configuration, unit and pins",
        "  [fixed] localhost: awslogs_iam : Create each log group with its retention, KMS key and tags",
        "  [fixed] localhost: awslogs_iam : Put the agent's inline policy on the instance role",
    ]


def test_no_drift_is_an_empty_report() -> None:
    report = _report("converged")
    assert (report["exit_code"], report["drift"], report["handlers"]) == (0, [], [])
    assert list(report["runs"]) == ["check"]
    assert summary_lines(report)[2:] == ["drifted tasks: 0, fixed: 0"]


def test_detect_only_reports_what_it_left() -> None:
    report = _report("tampered", detect_only=True)
    assert (report["exit_code"], report["mode"]) == (3, "detect-only")
    assert {i["outcome"] for i in report["drift"]} == {"detected"}
    assert summary_lines(report)[2] == "drifted tasks: 4, fixed: 0"


def test_an_unreachable_host_is_in_the_report_and_the_summary() -> None:
    report = _report("host_down")
    assert (report["exit_code"], report["unreachable"]) == (4, ["drift-host2"])
    lines = summary_lines(report)
    assert lines[1] == "hosts: 3 checked, 1 drifted, 1 unreachable, 0 failed"
    assert lines[-1].startswith(
        "  [unreachable] drift-host2: Gather the distribution facts the install method depends on: Task failed:"
    )


def test_the_report_file_is_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "drift.json"
    path.write_text("old")
    write_report(path, _report("tampered"))
    assert json.loads(path.read_text())["exit_code"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drift.json"]


def test_an_unwritable_report_path_is_refused_before_any_run(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="does not exist"):
        check_writable(tmp_path / "missing" / "drift.json")
    with pytest.raises(ReportError, match="is a directory"):
        check_writable(tmp_path)
    (tmp_path / "file").write_text("")
    with pytest.raises(ReportError, match="is not a directory"):
        check_writable(tmp_path / "file" / "drift.json")
    check_writable(tmp_path / "drift.json")
    assert not (tmp_path / "drift.json").exists()


@pytest.mark.parametrize(("umask", "mode"), [(0o077, 0o600), (0o027, 0o640), (0o022, 0o644)])
def test_the_report_has_the_mode_the_umask_gives(tmp_path: Path, umask: int, mode: int) -> None:
    path = tmp_path / "drift.json"
    previous = os.umask(umask)
    try:
        write_report(path, _report("tampered"))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_a_timeout_is_reported_with_its_phase_and_its_own_exit_code() -> None:
    def run(check: bool, ident: str, exclude: list[str]) -> RunResult:
        if ident == "apply":
            raise StopSignalError(0, "apply", 3000.0)
        return result(f"tampered/{ident}")

    report = json.loads(json.dumps(build_report(drift_fix(run, detect_only=False), playbook="site.yml")))
    assert (report["exit_code"], report["status"]) == (124, "timeout")
    assert report["interrupted"] == {"phase": "apply", "timeout_s": 3000.0}
    assert {item["outcome"] for item in report["drift"]} == {"unverified"}
    assert summary_lines(report)[0].startswith("awslogs-drift: timeout after 3000 s in the apply phase (exit 124)")
