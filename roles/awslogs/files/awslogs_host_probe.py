"""What only the host can tell, read in one round trip before anything on it changes.

Usage: awslogs_host_probe.py < REQUEST (a JSON object, see probe()).

Prints JSON: the paths each stream's glob matches (with the agent's own glob
call), whether each is a directory and, for a symlink, where it leads (with
the real path of its own directory); the owner and mode of each directory the
globs read (where a link could be planted), the files in config_dir (the agent
loads every one), whether a restart is still pending, and what the agent
extension's self-check says of the agent's cwlogs (push_probe run by the
interpreter of agent_command's shebang: a JSON object; null when the agent is
not installed). Also, so that a converged host costs this one call: the
checksum, mode and owner of each regular file in checksum_dirs whose name
matches checksum_patterns (what ansible.builtin.find reports), the version of
venv_python, and whether the agent's service is enabled and active.
Python 2.7 or 3.
"""

import fnmatch
import glob
import hashlib
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


def sha1(path):
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(65536), b""):
            digest.update(block)
    return digest.hexdigest()


def checksums(dirs, patterns):
    """Regular files (not links) of dirs matching patterns, as find reports them (path, checksum, mode, uid, gid)."""
    found = []
    for folder in sorted(set(dirs)):
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode) and any(fnmatch.fnmatch(name, pattern) for pattern in patterns):
                found.append(
                    {
                        "path": path,
                        "checksum": sha1(path),
                        "mode": "%04o" % stat.S_IMODE(info.st_mode),
                        "uid": info.st_uid,
                        "gid": info.st_gid,
                    }
                )
    return found


def python_version(python):
    """{"version": "3.11"} of that interpreter, or {"version": null, "error": why}."""
    if not python:
        return None
    try:
        process = subprocess.Popen(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as error:
        return {"version": None, "error": str(error)}
    out, err = process.communicate()
    if process.returncode != 0:
        return {"version": None, "error": err.decode("utf-8", "replace").strip()}
    return {"version": out.decode("utf-8").strip(), "error": ""}


def service_state(name):
    """Whether systemd has the unit enabled and active (both false without systemctl)."""
    if not name:
        return None
    state = {}
    for key, verb in (("enabled", "is-enabled"), ("active", "is-active")):
        try:
            process = subprocess.Popen(["systemctl", verb, name], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            said = process.communicate()[0].decode("utf-8").strip()
        except OSError:
            said = ""
        state[key] = said == key
    return state


def probe(  # noqa: PLR0917 - Python 2.7 has no keyword-only arguments
    config_dir,
    marker,
    globs,
    agent_command=None,
    push_probe=None,
    checksum_dirs=(),
    checksum_patterns=(),
    venv_python=None,
    service=None,
):
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
        "files": checksums(checksum_dirs, checksum_patterns),
        "venv_python": python_version(venv_python),
        "service": service_state(service),
    }


if __name__ == "__main__":
    print(json.dumps(probe(**json.load(sys.stdin))))
