# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""What only the host can tell, read in one round trip before anything on it changes.

The awslogs_host_state module runs probe() on the host; its action plugin compares the answer with
the wanted state on the controller. The answer: the paths each stream's glob matches (with the
agent's own glob call), whether each is a directory and, for a symlink, where it leads (with the real
path of its own directory); the owner and mode of each directory the globs read (where a link could
be planted), the files in config_dir (the agent loads every one), whether a restart is still pending,
and what the agent extension's self-check says of the agent's cwlogs (push_probe run by the
interpreter of agent_command's shebang: a JSON object; null when the agent is not installed; kept in
cwlogs_cache until what it read changes). Also, so that a converged host costs this one call: the
checksum, mode and owner of each regular file in checksum_dirs whose name matches checksum_patterns
(what ansible.builtin.find reports), the version of venv_python, and whether the agent's service is
enabled and active. Python 2.7 or 3, standard library only.
"""

import fnmatch
import glob
import hashlib
import json
import os
import stat
import subprocess


def self_check(agent_command, push_probe):
    with open(agent_command) as command:
        shebang = command.readline()
    if not shebang.startswith("#!"):
        return None
    try:
        return json.loads(subprocess.check_output(shebang[2:].split() + ["-c", push_probe]).decode("utf-8"))
    except (OSError, ValueError, subprocess.CalledProcessError):
        return None  # the extension's tasks ask again and show the real error


def cache_key(agent_command, push_probe, answer):
    """What the self-check's answer depends on: the extension's source, the agent's command and cwlogs' files."""
    push = (answer or {}).get("push")
    if not push or not os.path.isdir(os.path.dirname(push)):
        return None
    folder = os.path.dirname(push)
    files = [agent_command] + [os.path.join(folder, name) for name in sorted(os.listdir(folder))]
    stats = [(path, os.stat(path).st_size, os.stat(path).st_mtime) for path in files if os.path.isfile(path)]
    return hashlib.sha256(json.dumps([push_probe, stats]).encode("utf-8")).hexdigest()


def cwlogs_push(agent_command, push_probe, cache=None):
    """The extension's self-check of the agent's cwlogs (PUSH_PROBE), from the cache while nothing it reads changed.

    Importing the agent costs about a second of the host's CPU: the answer is kept in CACHE (the agent's
    state directory, root only) and asked again when the extension's source or a file of cwlogs changes.
    """
    if not (agent_command and push_probe and os.path.isfile(agent_command)):
        return None
    try:
        with open(cache) as kept:
            cached = json.load(kept)
        if cached["key"] is not None and cached["key"] == cache_key(agent_command, push_probe, cached["answer"]):
            return cached["answer"]
    except (TypeError, IOError, OSError, ValueError, KeyError):
        pass
    answer = self_check(agent_command, push_probe)
    key = cache_key(agent_command, push_probe, answer)
    if cache and key and os.path.isdir(os.path.dirname(cache)):
        partial = cache + ".new"
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as kept:
            json.dump({"key": key, "answer": answer}, kept)
        os.rename(partial, cache)
    return answer


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
            [python, "-S", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
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
    try:
        process = subprocess.Popen(
            ["systemctl", "show", "--property=UnitFileState,ActiveState", name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        said = dict(line.split("=", 1) for line in process.communicate()[0].decode("utf-8").splitlines() if "=" in line)
    except OSError:
        said = {}
    return {"enabled": said.get("UnitFileState") == "enabled", "active": said.get("ActiveState") == "active"}


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
    cwlogs_cache=None,
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
        "cwlogs_push": cwlogs_push(agent_command, push_probe, cwlogs_cache),
        "files": checksums(checksum_dirs, checksum_patterns),
        "venv_python": python_version(venv_python),
        "service": service_state(service),
    }
