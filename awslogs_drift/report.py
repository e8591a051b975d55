"""The report: a JSON document with every drifted item, and a short summary."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from awslogs_drift import __version__
from awslogs_drift.drift import DriftItem, DriftRun
from awslogs_drift.events import TaskChange, hosts_with
from awslogs_drift.signals import StopSignalError


class ReportError(Exception):
    """The report cannot be written where it was asked to go."""


def _change_json(change: TaskChange) -> dict[str, Any]:
    return {
        "host": change.host,
        "task": change.task,
        "role": change.role,
        "action": change.action,
        "task_path": change.task_path,
        "diff": change.diff,
        "detail": change.detail,
    }


def _item_json(item: DriftItem) -> dict[str, Any]:
    data = _change_json(item.change)
    data["outcome"] = item.outcome
    if item.verified_diff:
        data["diff_after_fix"] = item.verified_diff
    return data


def _stop_json(stop: StopSignalError) -> dict[str, Any]:
    if stop.timed_out:
        return {"phase": stop.phase, "timeout_s": stop.timeout_s}
    return {"phase": stop.phase, "signal": stop.signal_name}


def build_report(result: DriftRun, *, playbook: str, limit: str = "", tags: str = "") -> dict[str, Any]:
    """The JSON report of a drift-fix run."""
    handlers = [change for change in result.check.changes if change.handler]
    stop = result.interrupted
    return {
        "tool": "awslogs-drift",
        "version": __version__,
        # A report whose started_at is older than the last timer run is stale.
        "started_at": result.started_at.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "playbook": playbook,
        "limit": limit,
        "tags": tags,
        "mode": "detect-only" if result.detect_only else "fix",
        "exit_code": int(result.exit_code),
        "status": "interrupted" if stop and not stop.timed_out else result.exit_code.name.lower(),
        # The phase a signal or the timeout stopped (check, check-reachable, apply, verify), and which.
        "interrupted": _stop_json(stop) if stop else None,
        "seconds": round(result.seconds, 1),
        "hosts": result.hosts,
        "unreachable": hosts_with(result.problems, "unreachable"),
        "failed": hosts_with(result.problems, "failed"),
        "plays_without_hosts": result.plays_without_hosts,
        "problems": [{"host": p.host, "kind": p.kind, "task": p.task, "message": p.message} for p in result.problems],
        "runs": {
            name: {"rc": run.rc, "changed_tasks": len(run.drift)}
            for name, run in (("check", result.check), ("apply", result.apply), ("verify", result.verify))
            if run is not None and not (stop and stop.phase == name)
        },
        "drift": [_item_json(item) for item in result.items],
        # Handlers the drift would trigger (a restart): consequences, not drift.
        "handlers": [{"host": c.host, "task": c.task, "role": c.role} for c in handlers],
        "new_drift_after_fix": [_change_json(change) for change in result.new_drift],
    }


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The short human summary: hosts, drifted tasks, what was fixed, time."""
    drift: list[dict[str, Any]] = report["drift"]
    hosts: list[str] = report["hosts"]
    drifted_hosts = sorted({item["host"] for item in drift})
    fixed = [item for item in drift if item["outcome"] == "fixed"]
    stop = report["interrupted"]
    where = ""
    if stop:
        cause = f"after {stop['timeout_s']:g} s" if "timeout_s" in stop else f"by {stop['signal']}"
        where = f" {cause} in the {stop['phase']} phase"
    lines = [
        f"awslogs-drift: {report['status'].replace('_', ' ')}{where} (exit {report['exit_code']}) "
        f"in {report['seconds']:.1f} s, {report['mode']}, playbook {report['playbook']}",
        f"hosts: {len(hosts)} checked, {len(drifted_hosts)} drifted, "
        f"{len(report['unreachable'])} unreachable, {len(report['failed'])} failed",
        f"drifted tasks: {len(drift)}, fixed: {len(fixed)}",
    ]
    for item in drift:
        role = f"{item['role']} : " if item["role"] else ""
        lines.append(f"  [{item['outcome']}] {item['host']}: {role}{item['task']}")
    for change in report["new_drift_after_fix"]:
        lines.append(f"  [new after fix] {change['host']}: {change['task']}")
    for problem in report["problems"]:
        lines.append(f"  [{problem['kind']}] {problem['host']}: {problem['task']}: {problem['message']}")
    for play in report.get("plays_without_hosts", []):
        lines.append(
            f"  [no hosts] play {play!r} matched no host: check the inventory "
            "(-i inventory/aws_ec2.yml: its filters and the credentials) or start the demo host (make demo)"
        )
    return lines


def check_writable(path: Path) -> None:
    """Fail before any run when the report could not be written at the end."""
    directory = path.parent
    if path.is_dir():
        raise ReportError(f"report path {path} is a directory")
    if directory.exists() and not directory.is_dir():
        raise ReportError(f"report directory {directory} is not a directory")
    if not directory.is_dir():
        raise ReportError(f"report directory {directory} does not exist")
    if not os.access(directory, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ReportError(f"report path {path} is not writable")


def _umask() -> int:
    """This process's umask, read without changing it where Linux says it."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def write_report(path: Path, report: dict[str, Any]) -> None:
    """Write the report atomically (a reader never sees half a report), with the mode the umask gives a new file."""
    temporary = ""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        # mkstemp makes 0600 whatever the umask: a report is as private as the user's other files.
        os.fchmod(handle, 0o666 & ~_umask())
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(report, stream, indent=2)
            stream.write("\n")
        os.replace(temporary, path)
    except OSError as exc:
        if temporary and os.path.exists(temporary):
            os.unlink(temporary)
        raise ReportError(f"cannot write the report {path}: {exc.strerror or exc}") from exc
