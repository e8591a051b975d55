"""The check -> apply -> verify flow, replayed from recorded runs."""

from __future__ import annotations

import signal

from awslogs_drift.drift import DETECTED, FIXED, NOT_FIXED, REMAINS, UNVERIFIED, drift_fix
from awslogs_drift.events import HostProblem, RunResult
from awslogs_drift.exitcodes import ExitCode
from awslogs_drift.signals import StopSignalError
from tests.unit.fixtures.drift_replay import replay, result


def test_tampered_hosts_are_checked_fixed_and_verified() -> None:
    calls: list[tuple[bool, str, list[str]]] = []
    outcome = drift_fix(replay("tampered", calls), detect_only=False)
    assert calls == [(True, "check", []), (False, "apply", []), (True, "verify", [])]
    assert len(outcome.items) == 4
    assert {item.outcome for item in outcome.items} == {FIXED}
    assert outcome.new_drift == []
    assert outcome.exit_code == ExitCode.DRIFT_FIXED


def test_detect_only_runs_the_check_alone() -> None:
    calls: list[tuple[bool, str, list[str]]] = []
    outcome = drift_fix(replay("tampered", calls), detect_only=True)
    assert calls == [(True, "check", [])]
    assert {item.outcome for item in outcome.items} == {DETECTED}
    assert outcome.exit_code == ExitCode.DRIFT_REMAINS


def test_converged_hosts_need_one_check_run() -> None:
    calls: list[tuple[bool, str, list[str]]] = []
    outcome = drift_fix(replay("converged", calls), detect_only=False)
    assert calls == [(True, "check", [])]
    assert outcome.items == []
    assert outcome.exit_code == ExitCode.NO_DRIFT


def test_a_host_down_is_reported_and_the_others_are_still_fixed() -> None:
    calls: list[tuple[bool, str, list[str]]] = []
    outcome = drift_fix(replay("host_down", calls), detect_only=False)
    down = ["drift-host2"]
    assert calls == [
        (True, "check", []),
        (True, "check-reachable", down),
        (False, "apply", down),
        (True, "verify", down),
    ]
    assert [(i.change.host, i.change.task, i.outcome) for i in outcome.items] == [
        ("drift-host1", "Enable and start awslogsd", FIXED)
    ]
    assert [(p.host, p.kind) for p in outcome.problems] == [("drift-host2", "unreachable")]
    assert "drift-host2" in outcome.hosts
    assert outcome.exit_code == ExitCode.RUN_FAILED


def test_drift_that_survives_the_fix_remains() -> None:
    runs = {"check": "tampered/check", "apply": "tampered/apply", "verify": "tampered/check"}
    outcome = drift_fix(lambda check, ident, exclude: result(runs[ident]), detect_only=False)
    assert {item.outcome for item in outcome.items} == {REMAINS}
    assert all(item.verified_diff == item.change.diff for item in outcome.items)
    assert outcome.exit_code == ExitCode.DRIFT_REMAINS


def test_drift_the_fix_itself_brings_is_new_drift() -> None:
    runs = {"check": "host_down/check-reachable", "apply": "tampered/apply", "verify": "tampered/check"}
    # check-reachable was recorded with a --limit that leaves the control-node play without hosts.
    outcome = drift_fix(lambda check, ident, exclude: result(runs[ident]), detect_only=False, limited=True)
    assert [item.outcome for item in outcome.items] == [REMAINS]
    assert len(outcome.new_drift) == 3
    assert outcome.exit_code == ExitCode.DRIFT_REMAINS


def test_a_failed_check_is_not_followed_by_an_apply() -> None:
    check = result("tampered/check")
    check.problems.append(HostProblem("drift-host1", "failed", "Check the agent settings", "bad region"))
    check.rc = 2
    calls: list[str] = []

    def run(is_check: bool, ident: str, exclude: list[str]) -> RunResult:
        calls.append(ident)
        return check

    outcome = drift_fix(run, detect_only=False)
    assert calls == ["check"]
    assert {item.outcome for item in outcome.items} == {DETECTED}
    assert outcome.exit_code == ExitCode.RUN_FAILED


def test_an_item_on_a_host_the_apply_lost_is_not_fixed() -> None:
    apply = result("tampered/apply")
    apply.problems.append(HostProblem("localhost", "failed", "Put the agent's inline policy", "AccessDenied"))
    apply.rc = 2
    runs = {"check": result("tampered/check"), "apply": apply, "verify": result("tampered/verify")}
    outcome = drift_fix(lambda check, ident, exclude: runs[ident], detect_only=False)
    assert {(i.change.host, i.outcome) for i in outcome.items} == {("localhost", NOT_FIXED), ("drift-host1", FIXED)}
    assert outcome.exit_code == ExitCode.RUN_FAILED


def test_a_signal_in_the_apply_phase_stops_the_flow_there() -> None:
    calls: list[str] = []

    def run(check: bool, ident: str, exclude: list[str]) -> RunResult:
        calls.append(ident)
        if ident == "apply":
            raise StopSignalError(signal.SIGTERM, ident)
        return result("tampered/check")

    outcome = drift_fix(run, detect_only=False)
    assert calls == ["check", "apply"]
    assert (outcome.apply, outcome.verify) == (None, None)
    assert {item.outcome for item in outcome.items} == {UNVERIFIED}
    assert outcome.exit_code == ExitCode.TERMINATED == 143
