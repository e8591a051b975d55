"""The awslogs agent's read positions as the unified CloudWatch agent's state files.

Runs on the host's own Python after awslogsd stopped. Reads the agent's SQLite
state (table ``push_state``: one row per file, keyed by the md5 of the section
name and the file's fingerprint lines; table ``stream_state``: per section, the
file it started on and where), finds each stream's current file the way the
agent does (the newest file the glob matches), and writes what the unified
agent restores (amazon-cloudwatch-agent, internal/state): a file in its state
folder named by the file's path with ``/``, `` `` and ``:`` as ``_``, holding
``<offset>\\n<path>\\n0-<offset>``, whose first line is the offset it seeks to.

Input on stdin (JSON): ``state_file``, ``state_dir``, ``write`` and
``streams`` (``name``, ``file``, ``file_fingerprint_lines``, or the
``options`` pairs of awslogs_agent_sections). Output on stdout
(JSON): one entry per stream with the offset and how exact it is.
"""

import glob
import hashlib
import json
import os
import sqlite3
import sys


def unified_state_name(path):
    """The state file's name for ``path`` (internal/state/state.go, escapeFilePath)."""
    return path.replace("/", "_").replace(" ", "_").replace(":", "_")


def unified_state_text(path, offset):
    """What the unified agent's single range tracker writes and reads back (its first line)."""
    return "%d\n%s\n0-%d" % (offset, path, offset)


def source_id(section, path, fingerprint_lines):
    """The agent's key of a file: md5 of the section name and lines N(-M), None until the file has them."""
    first, _dash, last = str(fingerprint_lines or "1").partition("-")
    first, last = int(first), int(last or first)
    picked = []
    with open(path, "rb") as handle:
        for number in range(1, last + 1):
            line = handle.readline()
            if not line:
                return None
            if number >= first:
                picked.append(line)
    return hashlib.md5(section.encode("utf-8") + b"".join(picked)).hexdigest()


def current_file(pattern):
    """The file the agent reads for a glob: the newest by mtime, archives left out."""
    found = [path for path in glob.glob(pattern) if os.path.isfile(path) and not path.endswith((".gz", ".bz2", ".zip"))]
    return max(found, key=os.path.getmtime) if found else None


def read_table(connection, table):
    try:
        rows = connection.execute("SELECT k, v FROM %s" % table).fetchall()
    except sqlite3.OperationalError:
        return {}
    return {key: json.loads(value) for key, value in rows}


def position(stream, path, pushed, started):
    """(offset, exact, note) of one stream's current file."""
    key = source_id(stream["name"], path, stream.get("file_fingerprint_lines"))
    size = os.path.getsize(path)
    state = pushed.get(key) if key else None
    if state is None:
        start = started.get(stream["name"]) or {}
        if key and start.get("source_id") == key:
            return start["initial_position"], True, "nothing sent yet: from the agent's initial position"
        return 0, True, "a file the agent has not read: from its start"
    if state["end_position"] > size:
        return 0, False, "the file is shorter than the recorded position (truncated): from its start"
    if state["start_position"] == state["end_position"]:
        return state["end_position"], True, "the position after the last delivered batch (patched agent)"
    with open(path, "rb") as handle:
        handle.seek(state["start_position"])
        batch = handle.read(state["end_position"] - state["start_position"])
    return (
        state["start_position"],
        False,
        "an unpatched agent's last batch (%d lines, %d bytes) may or may not have been delivered: sent again"
        % (batch.count(b"\n"), len(batch)),
    )


def convert(request):
    connection = sqlite3.connect(request["state_file"])
    try:
        pushed = read_table(connection, "push_state")
        started = read_table(connection, "stream_state")
    finally:
        connection.close()
    results = []
    for given in request["streams"]:
        stream = dict(dict(given.get("options", [])), **given)
        path = current_file(stream["file"])
        if path is None:
            note = "no file matches %s: nothing to carry over" % stream["file"]
            summary = stream["name"] + ": " + note
            results.append({"stream": stream["name"], "file": None, "note": note, "summary": summary})
            continue
        offset, exact, note = position(stream, path, pushed, started)
        state_path = os.path.join(request["state_dir"], unified_state_name(path))
        results.append(
            {"stream": stream["name"], "file": path, "offset": offset, "exact": exact, "note": note,
             "state_path": state_path, "content": unified_state_text(path, offset),
             "summary": "%s: %s from byte %d (%s): %s" % (
                 stream["name"], path, offset, "exact" if exact else "not exact", note)}
        )  # fmt: skip
    return results


def write(results, state_dir):
    if not os.path.isdir(state_dir):
        os.makedirs(state_dir, 0o755)
    for result in results:
        if result.get("state_path"):
            with open(result["state_path"], "w") as handle:
                handle.write(result["content"])
            os.chmod(result["state_path"], 0o644)


def main():
    request = json.load(sys.stdin)
    results = convert(request)
    if request.get("write"):
        write(results, request["state_dir"])
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
