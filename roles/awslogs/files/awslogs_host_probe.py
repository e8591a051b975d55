"""What only the host can tell, read before anything on it changes.

Usage: awslogs_host_probe.py CONFIG_DIR RESTART_MARKER AGENT_COMMAND PUSH_PROBE GLOB...

Prints JSON: the paths each stream's glob matches (with the agent's own glob
call), whether each is a directory and, for a symlink, where it leads (with
the real path of its own directory); the owner and mode of each directory the
globs read (where a link could be planted), the files in CONFIG_DIR (the agent
loads every one), whether a restart is still pending, and what the agent
extension's self-check says of the agent's cwlogs (PUSH_PROBE run by the
interpreter of AGENT_COMMAND's shebang: a JSON object; null when the agent is
not installed), so the extension needs no connection of its own on a
converged host. Python 2.7 or 3.
"""

import glob
import json
import os
import stat
import subprocess
import sys


def cwlogs_push(agent_command, push_probe):
    if not (agent_command and push_probe and os.path.isfile(agent_command)):
        return None
    with open(agent_command) as command:
        shebang = command.readline()
    if not shebang.startswith("#!"):
        return None
    try:
        return json.loads(subprocess.check_output(shebang[2:].split() + ["-c", push_probe]).decode("utf-8"))
    except (OSError, ValueError, subprocess.CalledProcessError):
        return None  # the extension's tasks ask again and show the real error


def match(path):
    link = os.path.islink(path)
    return {
        "path": path,
        "isdir": os.path.isdir(path),
        "target": os.path.realpath(path) if link else None,
        "realdir": os.path.realpath(os.path.dirname(path)) if link else None,
    }


def directory(path):
    info = os.stat(path)
    return {"path": path, "uid": info.st_uid, "gid": info.st_gid, "mode": stat.S_IMODE(info.st_mode)}


def probe(config_dir, marker, globs, agent_command=None, push_probe=None):
    names = sorted(os.listdir(config_dir)) if os.path.isdir(config_dir) else []
    folders = sorted(set(found for pattern in globs for found in glob.glob(os.path.dirname(pattern))))
    return {
        "matches": [match(path) for pattern in globs for path in glob.glob(pattern)],
        "dirs": [directory(path) for path in folders if os.path.isdir(path)],
        "config_files": [
            os.path.join(config_dir, name) for name in names if os.path.isfile(os.path.join(config_dir, name))
        ],
        "restart_pending": os.path.exists(marker),
        "cwlogs_push": cwlogs_push(agent_command, push_probe),
    }


if __name__ == "__main__":
    print(json.dumps(probe(sys.argv[1], sys.argv[2], sys.argv[5:], sys.argv[3], sys.argv[4])))
