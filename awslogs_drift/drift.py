"""The drift-fix flow: check + diff, apply, verify; and each item's outcome."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from awslogs_drift.events import HostProblem, RunResult, TaskChange
from awslogs_drift.exitcodes import ExitCode
from awslogs_drift.signals import StopSignalError

# Outcomes of a drift item.
DETECTED = "detected"  # --detect-only: found, left as it is
FIXED = "fixed"  # the apply run changed it and the verification shows no change
REMAINS = "remains"  # the verification check still changes it
NOT_FIXED = "not fixed"  # the apply run failed or never reached it
UNVERIFIED = "unverified"  # a signal stopped the apply or the verification run


@dataclass
class DriftItem:
    """One task that would change one host: that is drift."""

    change: TaskChange
    outcome: str = DETECTED
    verified_diff: str = ""


@dataclass
class DriftRun:
    """The whole drift-fix: the runs' results, the items and their outcomes."""

    detect_only: bool
    check: RunResult = field(default_factory=RunResult)
    apply: RunResult | None = None
    verify: RunResult | None = None
    items: list[DriftItem] = field(default_factory=list)
    # Changes the verification found that the first check did not.
    new_drift: list[TaskChange] = field(default_factory=list)
    seconds: float = 0.0
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    # The signal that stopped the run, and the phase it stopped.
    interrupted: StopSignalError | None = None
    # With --limit a play may rightly match no host, and with --tags or
    # --skip-tags a play whose tasks are all left out may too (the project's
    # own guard plays, tagged like the play they guard, cover that case);
    # otherwise every play must match a host.
    limited: bool = False

    @property
    def hosts(self) -> list[str]:
        names = set(self.check.hosts)
        for run in (self.apply, self.verify):
            if run is not None:
                names.update(run.hosts)
        return sorted(names)

    @property
    def problems(self) -> list[HostProblem]:
        seen: dict[tuple[str, str, str], HostProblem] = {}
        for run in (self.check, self.apply, self.verify):
            if run is not None:
                for problem in run.problems:
                    seen.setdefault((problem.host, problem.kind, problem.task), problem)
        return list(seen.values())

    @property
    def plays_without_hosts(self) -> list[str]:
        """Plays that matched no host where every play should have hosts (a run with no fleet is no success)."""
        return [] if self.limited else list(self.check.plays_without_hosts)

    @property
    def exit_code(self) -> ExitCode:
        if self.interrupted is not None:
            return self.interrupted.exit_code
        runs = (run for run in (self.check, self.apply, self.verify) if run is not None)
        if self.plays_without_hosts or self.problems or any(run.rc != 0 for run in runs):
            return ExitCode.RUN_FAILED
        if self.new_drift or any(item.outcome != FIXED for item in self.items):
            return ExitCode.DRIFT_REMAINS
        return ExitCode.DRIFT_FIXED if self.items else ExitCode.NO_DRIFT


RunFn = Callable[[bool, str, list[str]], RunResult]
"""run(check, ident, hosts_to_exclude) -> the result of one playbook run."""


def drift_fix(run: RunFn, *, detect_only: bool, limited: bool = False) -> DriftRun:
    """Check, and unless detect_only apply and verify; classify every item.

    A run that raises StopSignalError stops the flow there: no later phase runs.
    """
    started = time.monotonic()
    result = DriftRun(detect_only=detect_only, limited=limited)
    try:
        _phases(run, result)
    except StopSignalError as stop:
        result.interrupted = stop
        if stop.phase not in ("check", "check-reachable"):
            for item in result.items:
                item.outcome = UNVERIFIED
    result.seconds = time.monotonic() - started
    return result


def _phases(run: RunFn, result: DriftRun) -> None:
    check = result.check = run(True, "check", [])
    skip = check.unreachable
    if skip and set(check.hosts) - set(skip):
        # A host that is down stops a play with any_errors_fatal for every
        # host: check the others again without it so their drift is seen.
        check = merge_checks(check, run(True, "check-reachable", skip))
    result.check = check
    result.items = [DriftItem(change) for change in check.drift]
    # Fix only what the check could read: a failed task (bad settings, a
    # broken host) would fail the apply run the same way.
    if not result.detect_only and result.items and not check.failed and check.rc in (0, 4):
        result.apply = run(False, "apply", skip)
        result.verify = run(True, "verify", skip)
        classify(result)


def merge_checks(first: RunResult, again: RunResult) -> RunResult:
    """The check of every host: who was unreachable first, what the rest would change."""
    if not again.started:
        return first
    problems = list(first.problems) + [p for p in again.problems if p not in first.problems]
    return RunResult(
        changes=again.changes,
        problems=problems,
        hosts=sorted(set(first.hosts) | set(again.hosts)),
        # The second run excludes hosts with --limit: only the first says whether a play found none.
        plays_without_hosts=first.plays_without_hosts,
        started=True,
        rc=first.rc or again.rc,
        error=again.error,
    )


def classify(result: DriftRun) -> None:
    """Set each item's outcome from the apply and verification runs."""
    if result.apply is None or result.verify is None:
        return
    still = {change.key: change for change in result.verify.drift}
    troubled = {problem.host for problem in result.apply.problems} | {p.host for p in result.verify.problems}
    for item in result.items:
        key = item.change.key
        if key in still:
            item.outcome = REMAINS
            item.verified_diff = still.pop(key).diff
        elif item.change.host in troubled:
            item.outcome = NOT_FIXED
        else:
            item.outcome = FIXED
    result.new_drift = list(still.values())
