"""The run lock: one holder at a time, released however the holder ends."""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path

import pytest

from awslogs_drift.cli import build_parser
from awslogs_drift.lock import LockError, LockHeldError, exclusive


def test_a_second_holder_is_refused_and_told_who_holds_it(tmp_path: Path) -> None:
    lock = tmp_path / "drift.lock"
    held = pytest.raises(LockHeldError, match=r"another drift-fix run \(pid \d+\) holds")
    with exclusive(lock), held, exclusive(lock):
        pass
    with exclusive(lock):
        assert lock.read_text().strip().isdigit()


def test_the_lock_is_released_when_the_holder_fails(tmp_path: Path) -> None:
    lock = tmp_path / "drift.lock"
    with pytest.raises(RuntimeError), exclusive(lock):
        raise RuntimeError("run failed")
    with exclusive(lock):
        pass


def test_a_lock_file_that_cannot_be_opened_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LockError, match="cannot open the lock file"), exclusive(tmp_path / "missing" / "lock"):
        pass


def test_a_symbolic_link_is_never_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("precious\n")
    (tmp_path / "drift.lock").symlink_to(target)
    with pytest.raises(LockError, match="it is a symbolic link"), exclusive(tmp_path / "drift.lock"):
        pass
    assert target.read_text() == "precious\n"


def test_a_hard_link_is_refused_and_its_file_left_as_it_is(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("precious\n")
    os.link(target, tmp_path / "drift.lock")
    with pytest.raises(LockError, match="it has 2 hard links; remove it"), exclusive(tmp_path / "drift.lock"):
        pass
    assert target.read_text() == "precious\n"


def test_a_lock_file_of_another_user_is_refused(tmp_path: Path) -> None:
    lock = tmp_path / "drift.lock"
    lock.write_text("")
    os.chown(lock, 65534, 65534)
    with pytest.raises(LockError, match=r"it belongs to uid 65534, not to this user \(uid 0\)"), exclusive(lock):
        pass


def test_a_new_lock_file_is_private(tmp_path: Path) -> None:
    with exclusive(tmp_path / "drift.lock"):
        assert stat.S_IMODE((tmp_path / "drift.lock").stat().st_mode) == 0o600


def test_manual_and_timer_runs_share_one_default_lock(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = Path(pwd.getpwuid(os.geteuid()).pw_dir)
    seen = set()
    # The timer's environment (HOME set, a runtime directory) and a shell's.
    for env in ({"HOME": str(tmp_path), "RUNTIME_DIRECTORY": str(tmp_path), "TMPDIR": str(tmp_path)}, {}):
        for name in ("HOME", "RUNTIME_DIRECTORY", "TMPDIR", "AWSLOGS_DRIFT_LOCK_FILE"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        seen.add(build_parser().parse_args([]).lock_file)
    assert seen == {home / ".awslogs-drift.lock"}
