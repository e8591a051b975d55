"""Run site.yml from a test and read its per-host stats."""

from __future__ import annotations

import json
import os
import subprocess

from tests.bench.process import PROJECT_DIR


def run_site(inventory: str, *args: str) -> dict:
    """Run site.yml with the JSON callback; return {'stats': ..., 'output': ...}."""
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(PROJECT_DIR / "ansible.cfg"),
        "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
        "ANSIBLE_FORCE_COLOR": "0",
    }
    completed = subprocess.run(
        ["ansible-playbook", "-i", inventory, str(PROJECT_DIR / "site.yml"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_DIR,
        check=False,
    )
    try:
        result = json.loads(completed.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"no JSON from ansible-playbook: {completed.stdout}\n{completed.stderr}") from exc
    return {"rc": completed.returncode, "stats": result["stats"], "plays": result["plays"], "stderr": completed.stderr}


def changed_tasks(result: dict, host: str) -> list[str]:
    return [
        task["task"]["name"]
        for play in result["plays"]
        for task in play["tasks"]
        if task["hosts"].get(host, {}).get("changed")
    ]
