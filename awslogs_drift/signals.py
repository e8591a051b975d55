"""SIGINT, SIGTERM and the overall timeout stop a drift-fix at the phase they arrive in.

ansible-runner installs handlers of its own on every run unless it is given a
cancel callback; SignalWatch is that callback, installed once for the whole
drift-fix, so a signal between two phases is not lost either. When it cancels
a run it first stops the run's processes (children.stop_children).
"""

from __future__ import annotations

import signal
import time
from types import FrameType

from awslogs_drift.children import stop_children
from awslogs_drift.exitcodes import ExitCode

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopSignalError(Exception):
    """A stop signal arrived, or the overall timeout passed; the run stopped in this phase."""

    def __init__(self, signum: int, phase: str, timeout_s: float = 0.0) -> None:
        self.signum = signum
        self.phase = phase
        self.timeout_s = timeout_s
        cause = f"the timeout of {timeout_s:g} s passed" if self.timed_out else signal.Signals(signum).name
        super().__init__(f"{cause} during the {phase} phase")

    @property
    def timed_out(self) -> bool:
        return self.signum == 0

    @property
    def signal_name(self) -> str:
        return "" if self.timed_out else signal.Signals(self.signum).name

    @property
    def exit_code(self) -> ExitCode:
        """TIMEOUT; or 130 for SIGINT, 143 for SIGTERM: 128 + the signal, as a shell reports it."""
        return ExitCode.TIMEOUT if self.timed_out else ExitCode(128 + self.signum)


class SignalWatch:
    """Records the first stop signal and the deadline; ansible-runner polls it to cancel its run."""

    def __init__(self, timeout_s: float = 0.0) -> None:
        self.signum = 0
        self.timeout_s = timeout_s
        self._deadline = time.monotonic() + timeout_s if timeout_s > 0 else float("inf")
        self._stopped = False

    def install(self) -> None:
        for number in STOP_SIGNALS:
            signal.signal(number, self._record)

    def _record(self, signum: int, frame: FrameType | None) -> None:
        self.signum = self.signum or signum

    @property
    def timed_out(self) -> bool:
        return not self.signum and time.monotonic() >= self._deadline

    def __call__(self) -> bool:
        """ansible-runner's cancel callback: True stops the run, once its processes are stopped."""
        if not (self.signum or self.timed_out):
            return False
        if not self._stopped:
            self._stopped = True
            stop_children()
        return True

    def stop_if_signalled(self, phase: str) -> None:
        if self.signum:
            raise StopSignalError(self.signum, phase)
        if self.timed_out:
            raise StopSignalError(0, phase, self.timeout_s)
