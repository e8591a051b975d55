"""The exit codes users alert on: the one place they are defined.

The CLI's help is built from SUMMARY; the schedule role's accepted codes
(roles/awslogs_drift_schedule) and the table in docs/drift.md are checked
against this module by tests/unit/test_drift_exitcodes.py.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a run found, most severe last among the run outcomes."""

    NO_DRIFT = 0
    # Bad input: no inventory or no host matched, a playbook that fails its
    # syntax check, a report path that cannot be written, bad arguments.
    USAGE = 1
    DRIFT_FIXED = 2
    # Drift remains: after the fix the verification check still changes
    # something, or --detect-only found drift and left it.
    DRIFT_REMAINS = 3
    # A host was unreachable, a run failed (a task failed on a host), or a
    # play matched no host (without --limit or tags: the inventory has no fleet).
    RUN_FAILED = 4
    # Another run holds the lock: this one did nothing.
    LOCKED = 5
    # The overall --timeout passed: the phase in progress was stopped (124, as
    # coreutils' timeout reports it).
    TIMEOUT = 124
    # Stopped by SIGINT (130) or SIGTERM (143) in the phase the report names.
    INTERRUPTED = 130
    TERMINATED = 143


# One short line per code, for the CLI's help (docs/drift.md says more).
SUMMARY = {
    ExitCode.NO_DRIFT: "no drift",
    ExitCode.USAGE: "bad input (no inventory or no host matched, a playbook that fails its syntax check, "
    "a report path that cannot be written, bad arguments)",
    ExitCode.DRIFT_FIXED: "drift found and fixed",
    ExitCode.DRIFT_REMAINS: "drift remains (after the fix, or with --detect-only)",
    ExitCode.RUN_FAILED: "a host was unreachable, a run failed, or a play matched no host "
    "(without --limit, --tags, --skip-tags)",
    ExitCode.LOCKED: "another run holds the lock",
    ExitCode.TIMEOUT: "the --timeout passed (the report says in which phase)",
    ExitCode.INTERRUPTED: "stopped by SIGINT (the report says in which phase)",
    ExitCode.TERMINATED: "stopped by SIGTERM (the report says in which phase)",
}

# The codes a schedule may count as a successful run (systemd's
# SuccessExitStatus): what a run found, never bad input or a stop signal.
SCHEDULE_CODES = (
    ExitCode.NO_DRIFT,
    ExitCode.DRIFT_FIXED,
    ExitCode.DRIFT_REMAINS,
    ExitCode.RUN_FAILED,
    ExitCode.LOCKED,
    ExitCode.TIMEOUT,
)


def help_text() -> str:
    """The exit codes, as the CLI's help lists them."""
    return "Exit codes: " + "; ".join(f"{int(code)} {text}" for code, text in SUMMARY.items()) + "."
