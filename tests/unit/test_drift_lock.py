"""The run lock: one holder at a time, released however the holder ends."""

from __future__ import annotations

from pathlib import Path

import pytest

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
