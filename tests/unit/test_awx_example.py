"""examples/awx/controller.yml: it parses, and every awx.awx module and option it uses exists.

No controller runs here: the playbook's syntax is checked by ansible-playbook,
and each task's options against its module's documentation (ansible-doc) in
the awx.awx collection of the pinned ansible package.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROJECT = Path(__file__).resolve().parents[2]
PLAYBOOK = PROJECT / "examples" / "awx" / "controller.yml"
BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "ANSIBLE_CONFIG": str(PROJECT / "ansible.cfg")}


def _tasks() -> list[dict[str, Any]]:
    return [task for play in yaml.safe_load(PLAYBOOK.read_text()) for task in play["tasks"]]


def _module(task: dict[str, Any]) -> str:
    (name,) = [key for key in task if key.startswith("awx.awx.")]
    return name


@cache
def _docs() -> dict[str, Any]:
    modules = sorted({_module(task) for task in _tasks()})
    done = subprocess.run(
        ["ansible-doc", "-j", *modules], env=ENV, cwd=PROJECT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_the_playbook_parses() -> None:
    command = ["ansible-playbook", "--syntax-check", str(PLAYBOOK)]
    done = subprocess.run(command, env=ENV, cwd=PROJECT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_it_sets_up_project_inventory_source_sliced_job_and_schedule() -> None:
    modules = [_module(task) for task in _tasks()]
    for wanted in ("project", "inventory", "inventory_source", "job_template", "schedule"):
        assert f"awx.awx.{wanted}" in modules, wanted
    sliced = [t["awx.awx.job_template"] for t in _tasks() if "awx.awx.job_template" in t]
    assert [t.get("job_slice_count") is not None for t in sliced] == [False, True]
    (source,) = [t["awx.awx.inventory_source"] for t in _tasks() if "awx.awx.inventory_source" in t]
    assert (PROJECT / source["source_path"]).read_text().count("plugin: amazon.aws.aws_ec2") == 1


def test_every_module_is_documented_in_the_installed_collection() -> None:
    docs = _docs()
    for task in _tasks():
        assert _module(task) in docs, _module(task)


def test_every_option_is_one_of_its_module() -> None:
    docs = _docs()
    for task in _tasks():
        module = _module(task)
        options = docs[module]["doc"]["options"]
        known = set(options) | {alias for spec in options.values() for alias in spec.get("aliases", [])}
        assert set(task[module]) <= known, (module, set(task[module]) - known)
        for option, value in task[module].items():
            choices = options.get(option, {}).get("choices")
            if choices and "{{" not in str(value):
                assert value in choices, (module, option, value)
