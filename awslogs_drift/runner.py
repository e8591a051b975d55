"""One ansible-playbook run through ansible-runner, folded into a RunResult."""

from __future__ import annotations

import os
import sys
import tempfile
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


def run_playbook(spec: PlaybookRun, *, check: bool, ident: str) -> RunResult:
    """Run the playbook once (check + diff, or apply + diff) and read its events."""
    with tempfile.TemporaryDirectory(prefix="awslogs-drift-") as private_dir:
        kwargs: dict[str, Any] = {
            "private_data_dir": private_dir,
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
        # No inventory given: ansible.cfg's default inventory applies.
        if spec.inventory:
            kwargs["inventory"] = spec.inventory if len(spec.inventory) > 1 else spec.inventory[0]
        if spec.limit:
            kwargs["limit"] = spec.limit
        if spec.tags:
            kwargs["tags"] = spec.tags
        if spec.skip_tags:
            kwargs["skip_tags"] = spec.skip_tags
        if spec.extravars:
            kwargs["extravars"] = spec.extravars
        if spec.forks:
            kwargs["forks"] = spec.forks
        outcome = ansible_runner.run(**kwargs)
        return parse_events(outcome.events, outcome.rc if isinstance(outcome.rc, int) else 1)
