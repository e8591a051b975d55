"""An exclusive, non-blocking flock: two drift-fix runs never overlap."""

from __future__ import annotations

import fcntl
import os
import pwd
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".awslogs-drift.lock"


class LockError(Exception):
    """The lock file cannot be opened, or is not one this user may trust."""


class LockHeldError(LockError):
    """Another run holds the lock."""


def default_lock_file() -> Path:
    """The lock in the home directory of the user the run is (from the password
    database, not $HOME): a manual run and the timer's run as the same user take
    the same lock, whatever their environment."""
    return Path(pwd.getpwuid(os.geteuid()).pw_dir) / LOCK_NAME


def _open(path: Path) -> int:
    """Open the lock file: never through a symbolic link, never a hard link, never one another user owns."""
    flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
    try:
        descriptor = os.open(path, flags, 0o600)
    except OSError as exc:
        reason = "it is a symbolic link" if os.path.islink(path) else exc.strerror or str(exc)
        raise LockError(f"cannot open the lock file {path}: {reason}") from exc
    info = os.fstat(descriptor)
    problem = ""
    if not stat.S_ISREG(info.st_mode):
        problem = "it is not a regular file"
    elif info.st_nlink > 1:
        # Another name for a file elsewhere (another user's lock, a file of the fleet's): never truncate it.
        problem = f"it has {info.st_nlink} hard links; remove it"
    elif info.st_uid != os.geteuid():
        problem = f"it belongs to uid {info.st_uid}, not to this user (uid {os.geteuid()}); remove it"
    if problem:
        os.close(descriptor)
        raise LockError(f"cannot use the lock file {path}: {problem}")
    return descriptor


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold the lock on path for the duration, or raise LockHeldError at once.

    The kernel drops an flock when its holder exits, however it exits: a
    killed run never leaves a stale lock behind.
    """
    descriptor = _open(path)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 64, 0).decode(errors="replace").strip() or "another process"
            raise LockHeldError(f"another drift-fix run (pid {holder}) holds {path}") from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)
