"""A git repository of the project on 127.0.0.1, for hosts that pull it (molecule/pull).

The repository is a snapshot of the checkout as it is now (its tracked and
untracked, not ignored files, one commit on ``main``), served read-only by
``git daemon`` on 127.0.0.1: what a host pulls is what the tests run.
"""

from __future__ import annotations

import shutil

from tests.bench.process import (
    PROJECT_DIR,
    BenchError,
    listening,
    run,
    start_recorded,
    state_path,
    stop_recorded,
    wait_for,
)

HOST = "127.0.0.1"
REPOSITORY = "awslogs-ops"
BRANCH = "main"


def url(port: int) -> str:
    return f"git://{HOST}:{port}/{REPOSITORY}"


def snapshot() -> str:
    """The checkout's files as one commit of a fresh repository; its commit id."""
    base = state_path(f"git-{REPOSITORY}")
    shutil.rmtree(base, ignore_errors=True)
    work = base / REPOSITORY
    work.mkdir(parents=True)
    listed = run("git", "-C", str(PROJECT_DIR), "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.stdout.split("\0")):
        source = PROJECT_DIR / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the checkout, not yet in git
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    git = ("git", "-C", str(work), "-c", "user.name=bench", "-c", "user.email=bench@127.0.0.1")
    run(*git, "init", "--quiet", "--initial-branch", BRANCH)
    run(*git, "add", "--all")
    run(*git, "commit", "--quiet", "--message", "bench snapshot of the checkout")
    (work / ".git" / "git-daemon-export-ok").touch()
    return run(*git, "rev-parse", "HEAD").stdout.strip()


def start(port: int) -> str:
    """A fresh snapshot, served on the port (a daemon this bench started there is replaced)."""
    stop(port)
    if listening(HOST, port):
        raise BenchError(f"{HOST}:{port} is taken by a process this bench did not start")
    commit = snapshot()
    served = str(state_path(f"git-{REPOSITORY}"))
    start_recorded(
        f"git-{port}",
        ["git", "daemon", "--reuseaddr", "--informative-errors", f"--listen={HOST}", f"--port={port}",
         f"--base-path={served}", served],
    )  # fmt: skip
    wait_for(
        f"git daemon on {HOST}:{port} (log: .cache/bench/git-{port}.log)", lambda: listening(HOST, port), timeout=20
    )
    return f"git: serving {url(port)} ({BRANCH} at {commit[:12]})"


def stop(port: int) -> str:
    if not stop_recorded(state_path(f"git-{port}.pid")):
        return f"git: nothing started on {HOST}:{port}"
    return f"git: stopped {HOST}:{port}"
