"""The exit codes users alert on (documented in the README)."""

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
    # Stopped by SIGINT (130) or SIGTERM (143) in the phase the report names.
    INTERRUPTED = 130
    TERMINATED = 143
