"""SIGINT and SIGTERM stop a drift-fix at the phase they arrive in.

ansible-runner installs handlers of its own on every run unless it is given a
cancel callback; SignalWatch is that callback, installed once for the whole
drift-fix, so a signal between two phases is not lost either.
"""

from __future__ import annotations

import signal
from types import FrameType

from awslogs_drift.exitcodes import ExitCode

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopSignalError(Exception):
    """A stop signal arrived; the run stopped in this phase."""

    def __init__(self, signum: int, phase: str) -> None:
        self.signum = signum
        self.phase = phase
        super().__init__(f"{signal.Signals(signum).name} during the {phase} phase")

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> ExitCode:
        """130 for SIGINT, 143 for SIGTERM: 128 + the signal, as a shell reports it."""
        return ExitCode(128 + self.signum)


class SignalWatch:
    """Records the first stop signal; ansible-runner polls it to cancel its run."""

    def __init__(self) -> None:
        self.signum = 0

    def install(self) -> None:
        for number in STOP_SIGNALS:
            signal.signal(number, self._record)

    def _record(self, signum: int, frame: FrameType | None) -> None:
        self.signum = self.signum or signum

    def __call__(self) -> bool:
        return self.signum != 0

    def stop_if_signalled(self, phase: str) -> None:
        if self.signum:
            raise StopSignalError(self.signum, phase)
