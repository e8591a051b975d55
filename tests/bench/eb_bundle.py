"""The sample Elastic Beanstalk bundle (examples/eb-bundle/) and playbooks/eb_artifacts.yml run against a copy of it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.bench.process import PROJECT_DIR

SAMPLE_BUNDLE = PROJECT_DIR / "examples" / "eb-bundle"
SAMPLE_STREAMS = PROJECT_DIR / "examples" / "eb-bundle.streams.yml"
ACCOUNT = "123456789012"
RECAP_RE = re.compile(r"localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)")


def copy_sample(directory: Path) -> Path:
    """A copy of the sample bundle in ``directory`` (modes kept: the hooks are executable)."""
    bundle = directory / "bundle"
    shutil.copytree(SAMPLE_BUNDLE, bundle, symlinks=True)
    return bundle


def ansible_env() -> dict[str, str]:
    """ansible-playbook of this virtualenv, without the caller's Ansible, AWS and molecule settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "AWS_", "MOLECULE_"))}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", ANSIBLE_NOCOLOR="1")
    return env


def write_artifacts(bundle: Path, *args: str, account: str = ACCOUNT) -> subprocess.CompletedProcess[str]:
    """ansible-playbook playbooks/eb_artifacts.yml with the sample's stream list, on ``bundle``."""
    argv = ["ansible-playbook", "playbooks/eb_artifacts.yml", "-e", f"@{SAMPLE_STREAMS}",
            "-e", f"awslogs_eb_app_dir={bundle}", "-e", f"awslogs_eb_account_id={account}", *args]  # fmt: skip
    return subprocess.run(
        argv, cwd=PROJECT_DIR, env=ansible_env(), capture_output=True, text=True, timeout=180, check=False
    )


def changed(done: subprocess.CompletedProcess[str]) -> int:
    """The recap's changed count of a run that succeeded."""
    match = RECAP_RE.search(done.stdout)
    assert done.returncode == 0 and match, done.stdout[-3000:] + done.stderr[-3000:]
    return int(match.group(2))
