"""Check, after a restart, that the agent runs healthy on its new configuration.

Usage: awslogs_health_check.py UNIT SETTLE_SECONDS [LOG_FILE]

Healthy: the agent has read its whole configuration (its main process has
started its worker threads, which it does after every stream is set up), is
still active and running SETTLE_SECONDS later with the same main process
(systemd restarts a crashing agent by itself), and its log since the restart
(the journal, and LOG_FILE when it logs to one) holds no configuration error.
Runs on the host's Python (2.7 or 3). Exit 1 with the reasons.
"""

import os
import re
import subprocess
import sys
import time

# Starting Python and awscli takes seconds, more on a busy host.
STARTUP_TIMEOUT = 120
PROPERTIES = ("ActiveState", "SubState", "MainPID", "NRestarts", "ActiveEnterTimestamp")
# What awscli-cwlogs logs when it cannot use its configuration (and falls back or dies).
CONFIG_ERRORS = re.compile(
    r"Traceback|Failed to parse additional config|Detected wrong logging config|is invalid, using"
    r"|is unknown, using|Unable to get instance id|but datetime_format is invalid|aws: error|usage: aws"
)
# The asctime our logging.conf puts first on each line of the log file.
TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")


def show(unit):
    args = ["systemctl", "show", unit] + ["--property=" + name for name in PROPERTIES]
    output = subprocess.check_output(args).decode("utf-8", "replace")
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


def since_restart(state):
    """ActiveEnterTimestamp ('Wed 2026-11-25 05:00:00 UTC') as 'YYYY-MM-DD HH:MM:SS' local time."""
    parts = state.get("ActiveEnterTimestamp", "").split()
    return " ".join(parts[1:3]) if len(parts) >= 3 else None


def journal_errors(unit, since):
    output = subprocess.check_output(
        ["journalctl", "--unit", unit, "--since", since, "--output", "cat", "--no-pager"]
    ).decode("utf-8", "replace")
    return [line for line in output.splitlines() if CONFIG_ERRORS.search(line)]


def log_file_errors(path, since):
    """Lines logged since the restart (a line without a timestamp belongs to the one above)."""
    try:
        with open(path, "rb") as log:
            lines = log.read().decode("utf-8", "replace").splitlines()
    except (IOError, OSError):
        return []
    errors, recent = [], False
    for line in lines:
        stamp = TIMESTAMP.match(line)
        if stamp:
            recent = stamp.group(1) >= since
        if recent and CONFIG_ERRORS.search(line):
            errors.append(line)
    return errors


def threads(pid):
    try:
        return len(os.listdir("/proc/%s/task" % pid))
    except OSError:
        return 0


def wait_for_startup(unit, state):
    """Until the agent's main process runs more than one thread (it has set up every stream), or it is gone."""
    deadline = time.time() + STARTUP_TIMEOUT
    while time.time() < deadline and threads(state.get("MainPID")) == 1:
        time.sleep(0.5)
    if threads(state.get("MainPID")) == 1:
        return ["%s has not finished reading its configuration %d s after its restart" % (unit, STARTUP_TIMEOUT)]
    return []


def problems_of(unit, settle, log_file):
    before = show(unit)
    problems = wait_for_startup(unit, before)
    time.sleep(settle)
    after = show(unit)
    if (after.get("ActiveState"), after.get("SubState")) != ("active", "running"):
        problems.append(
            "%s is %s (%s) %d s after its restart, not running"
            % (unit, after.get("ActiveState"), after.get("SubState"), settle)
        )
    elif after.get("MainPID") != before.get("MainPID") or after.get("NRestarts") != before.get("NRestarts"):
        problems.append("%s exited and was started again by systemd within %d s of its restart" % (unit, settle))
    since = since_restart(before)
    if since:
        errors = journal_errors(unit, since) + (log_file_errors(log_file, since) if log_file else [])
        problems.extend("%s logged a configuration error: %s" % (unit, line.strip()) for line in errors[:5])
    return problems


def main(argv):
    problems = problems_of(argv[1], int(argv[2]), argv[3] if len(argv) > 3 else "")
    for problem in problems:
        sys.stderr.write(problem + "\n")
    if problems:
        sys.stderr.write(
            "The new configuration stays in place and the restart stays pending: fix the cause and run again.\n"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
