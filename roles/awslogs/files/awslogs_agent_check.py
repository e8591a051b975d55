"""Run each stream of the new logs.conf through the agent's own code, on its sample lines, with a time bound.

Usage: awslogs_agent_check.py AGENT_COMMAND < {"logs_conf": TEXT, "extension": SOURCE, "streams": [{"name", "samples"}]}

The agent's interpreter (AGENT_COMMAND's shebang), per stream in a child process, applies the agent
extension the new configuration names (SOURCE, the role's awslogs_ops_cwlogs.py; empty when it is off),
builds its StreamConfig from logs.conf as the agent loads it, then for each sample line (and one line of
this check's own) runs the agent's multi-line start test (FileEventsReader._is_new_entry), its decoding
(LogEvent, the stream's encoding) and its DateTimeParser. A child that has spent SECONDS of CPU time
on the lines after it imported the agent is killed (CPU time, not the clock: a busy host is no stall):
a pattern that backtracks catastrophically on a sample stops this run, not the agent's reader later.
Exit 1 with one message per problem; a host without the agent yet (check mode) is said on stdout.
Python 2.7 or 3.
"""

import json
import os
import subprocess
import sys
import time

SECONDS = 3.0
# A child that gets so little CPU that it is still running after this long is reported too.
WALL_SECONDS = 120.0
CHILD = r"""
import io, json, os, shutil, sys, tempfile, threading, types
import awscli  # cwlogs needs the botocore awscli vendors
item = json.loads(sys.stdin.read())
if item["extension"]:
    # The agent extension as the new configuration will load it (not the host's current one).
    extension = types.ModuleType("awslogs_ops_cwlogs")
    exec(compile(item["extension"], "awslogs_ops_cwlogs.py", "exec"), extension.__dict__)
    sys.modules["awslogs_ops_cwlogs"] = extension
    extension.apply()
from cwlogs.push import FileEventsReader, LogEvent, LogsPushCommand, StreamConfig
folder = tempfile.mkdtemp()
try:
    with open(os.path.join(folder, "awslogs.conf"), "w") as general:
        general.write("[general]\nstate_file = %s/state\n" % folder)
    os.mkdir(os.path.join(folder, "config"))
    with io.open(os.path.join(folder, "config", "logs.conf"), "w", encoding="utf-8") as logs_conf:
        logs_conf.write(item["logs_conf"])
    open(os.path.join(folder, "empty.log"), "w").close()
    get_config = LogsPushCommand.__dict__["_get_config"]
    config = get_config(None, os.path.join(folder, "awslogs.conf"), os.path.join(folder, "config"))
    stream = StreamConfig(config, item["name"])
    reader = FileEventsReader(item["name"], threading.Event(), None, stream.dt_format, stream.time_zone,
                              os.path.join(folder, "empty.log"), None, None, stream.encoding,
                              stream.multi_line_start_pattern, stream.ignore_pattern_case)
finally:
    shutil.rmtree(folder)
sys.stdout.write("ready\n")
sys.stdout.flush()
for line in item["samples"]:
    raw = line.encode("utf-8")
    reader._is_new_entry(raw)
    event = LogEvent(message=raw, dt_parser=reader.dt_parser, encoding=stream.encoding)
    if reader.dt_parser:
        reader.dt_parser.parse(event.message)
"""
PROBE_LINE = "2026-11-24 10:00:00,000 INFO awslogs-ops agent check"


def interpreter(agent_command):
    with open(agent_command) as command:
        shebang = command.readline()
    return shebang[2:].split() if shebang.startswith("#!") else None


def cpu_seconds(pid):
    """The user and system CPU time a running process has used (Linux /proc; 0 once it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / float(os.sysconf("SC_CLK_TCK"))
    except (IOError, OSError, ValueError, IndexError):
        return 0.0


def run_stream(argv, logs_conf, extension, stream):
    item = {
        "logs_conf": logs_conf,
        "extension": extension,
        "name": stream["name"],
        "samples": list(stream["samples"]) + [PROBE_LINE],
    }
    child = subprocess.Popen(  # noqa: S603 (the agent's own interpreter)
        argv + ["-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    child.stdin.write(json.dumps(item).encode("utf-8"))
    child.stdin.close()
    child.stdout.readline()  # the agent is imported and the stream built: the clock starts
    started = cpu_seconds(child.pid)
    deadline = time.time() + WALL_SECONDS
    while child.poll() is None and cpu_seconds(child.pid) - started < SECONDS and time.time() < deadline:
        time.sleep(0.05)
    if child.poll() is None:
        child.kill()
        child.wait()
        return [
            "[%s] the agent's code took more than %.0f s of CPU on a sample line (a multi_line_start_pattern or "
            "datetime_format that backtracks): its reader would stall" % (stream["name"], SECONDS)
        ]
    if child.returncode != 0:
        last = child.stderr.read().decode("utf-8", "replace").strip().splitlines()[-1:]
        return ["[%s] the agent's code fails on a sample line: %s" % (stream["name"], "".join(last))]
    return []


def main(agent_command, given):
    if not os.path.isfile(agent_command):
        print("the agent is not installed yet (%s): its own code checks the streams on the next run" % agent_command)
        return 0
    argv = interpreter(agent_command)
    problems = []
    for stream in given["streams"]:
        problems.extend(run_stream(argv, given["logs_conf"], given["extension"], stream))
    for problem in problems:
        sys.stderr.write(problem + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], json.load(sys.stdin)))
