"""One ansible-playbook run through ansible-runner, folded into a RunResult."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import ansible_runner

from awslogs_drift.events import RunResult, parse_events


@dataclass(frozen=True)
class PlaybookRun:
    """What every run of one drift-fix shares: the playbook and its targets."""

    project_dir: Path
    playbook: Path
    inventory: list[str] = field(default_factory=list)
    limit: str = ""
    tags: str = ""
    skip_tags: str = ""
    extravars: dict[str, Any] = field(default_factory=dict)
    forks: int = 0
    keep_artifacts: Path | None = None

    def excluding(self, hosts: list[str]) -> PlaybookRun:
        """The same run without these hosts (the unreachable ones)."""
        if not hosts:
            return self
        limit = ":".join([self.limit or "all", *(f"!{host}" for host in hosts)])
        return replace(self, limit=limit)


def _path() -> str:
    """PATH with this Python's bin first: the ansible-playbook installed beside the
    runner is found even when a service or cron starts it with a bare PATH."""
    here = str(Path(sys.executable).parent)
    rest = [entry for entry in os.environ.get("PATH", os.defpath).split(os.pathsep) if entry and entry != here]
    return os.pathsep.join([here, *rest])


def write_extravars(private_dir: Path, extravars: dict[str, Any]) -> None:
    """env/extravars, mode 0600, in the run's private directory (mode 0700).

    ansible-runner passes the file as ``-e @<path>``: only the path is on the
    command line. A dict given as its ``extravars`` argument would be put on
    the command line whole, where every user sees it in the process list.
    """
    env_dir = private_dir / "env"
    env_dir.mkdir(mode=0o700, exist_ok=True)
    descriptor = os.open(env_dir / "extravars", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        json.dump(extravars, stream)


def runner_arguments(
    spec: PlaybookRun, *, check: bool, ident: str, private_dir: Path, cancel: Callable[[], bool] | None = None
) -> dict[str, Any]:
    """ansible_runner.run's arguments for one run; the extra vars go to a file in private_dir."""
    kwargs: dict[str, Any] = {
        "private_data_dir": str(private_dir),
        "project_dir": str(spec.project_dir),
        "playbook": str(spec.playbook),
        "ident": ident,
        "cmdline": "--check --diff" if check else "--diff",
        "quiet": True,
        "suppress_env_files": True,
        "envvars": {"ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "0", "PATH": _path()},
    }
    if spec.keep_artifacts is not None:
        kwargs["artifact_dir"] = str(spec.keep_artifacts)
    # No inventory given: ansible.cfg's default applies. Always a list: a lone
    # string that is not a path is written to an inventory file by
    # ansible-runner, so "h1,h2" would be one host named "h1,h2".
    if spec.inventory:
        kwargs["inventory"] = list(spec.inventory)
    if spec.limit:
        kwargs["limit"] = spec.limit
    if spec.tags:
        kwargs["tags"] = spec.tags
    if spec.skip_tags:
        kwargs["skip_tags"] = spec.skip_tags
    if spec.extravars:
        write_extravars(private_dir, spec.extravars)
    if spec.forks:
        kwargs["forks"] = spec.forks
    if cancel is not None:
        # Our callback instead of ansible-runner's own signal handlers,
        # polled every pexpect_timeout seconds while the playbook runs.
        kwargs["cancel_callback"] = cancel
        kwargs["settings"] = {"pexpect_timeout": 0.5}
    return kwargs


def run_playbook(spec: PlaybookRun, *, check: bool, ident: str, cancel: Callable[[], bool] | None = None) -> RunResult:
    """Run the playbook once (check + diff, or apply + diff) and read its events."""
    with tempfile.TemporaryDirectory(prefix="awslogs-drift-") as private_dir:
        kwargs = runner_arguments(spec, check=check, ident=ident, private_dir=Path(private_dir), cancel=cancel)
        outcome = ansible_runner.run(**kwargs)
        return parse_events(outcome.events, outcome.rc if isinstance(outcome.rc, int) else 1)
