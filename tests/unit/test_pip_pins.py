"""The pip method's pins: one complete, exact set per interpreter, chosen by the host's Python.

The table (__awslogs_pip_pins in roles/awslogs/vars/main.yml) is checked for its shape here; the
role's choice from it runs for real (its awslogs_host_state action with ansible-playbook on this
machine: the host probe's version read of the interpreter, then the choice); that each set installs
and ships on its interpreter is the platforms scenario's job.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROLE = Path(__file__).resolve().parents[2] / "roles" / "awslogs"
PINS = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())["__awslogs_pip_pins"]


def test_every_supported_interpreter_has_its_set():
    assert list(PINS) == ["3.9", "3.10", "3.11", "3.12", "3.13"]


@pytest.mark.parametrize("python", PINS)
def test_a_set_pins_every_package_exactly_once(python):
    names = [pin.split("==")[0].lower() for pin in PINS[python]]
    assert all(pin.count("==") == 1 and " " not in pin for pin in PINS[python]), PINS[python]
    assert len(set(names)) == len(names)
    assert "awscli-cwlogs==1.4.6" in PINS[python]


def test_python_3_9_gets_the_last_awscli_that_installs_there():
    # awscli 1.46 requires Python >= 3.10; 1.44.87 is the last release for 3.9 and needs botocore beside it.
    assert {"awscli==1.44.87", "botocore==1.42.97", "urllib3==1.26.20"} <= set(PINS["3.9"])
    assert all(PINS[v] == PINS["3.10"] for v in ("3.11", "3.12", "3.13"))
    assert "awscli==1.46.3" in PINS["3.10"]


PLAY = """\
- name: Choose the pins the way the awslogs role does
  hosts: all
  gather_facts: false
  tasks:
    - name: Read this machine as the role reads a host, and choose them
      awslogs_ops.awslogs.awslogs_host_state:
        config_dir: "{{ work }}/config"
        marker: "{{ work }}/pending"
        streams_file: "{{ work }}/config/logs.conf"
        pins_file: "{{ work }}/venv/awslogs-ops.pins"
        pins_table: "{{ pins_table }}"
        pip_packages: "{{ awslogs_pip_packages }}"
        venv_python: "{{ awslogs_venv_python }}"
        service: awslogs-ops-no-such-unit
      register: chosen
    - name: Show them
      ansible.builtin.debug:
        msg: "pins {{ chosen.pip_packages | join(' ') }}"
"""


def choose(tmp_path: Path, **variables: str | list[str]) -> subprocess.CompletedProcess:
    """The role's action (plugins/action/awslogs_host_state.py) on this machine, with the role's table."""
    (tmp_path / "play.yml").write_text(PLAY)
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_COLLECTIONS_PATH=str(ROLE.parents[1] / "collections"))
    extra = {"awslogs_venv_python": sys.executable, "awslogs_pip_packages": [], **variables}
    extra.update(work=str(tmp_path), pins_table=PINS)
    return subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", "-c", "local",
         "-e", json.dumps(extra), "-e", f"ansible_python_interpreter={sys.executable}",
         str(tmp_path / "play.yml")],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


def test_the_set_of_the_interpreter_that_builds_the_virtualenv_is_chosen(tmp_path):
    done = choose(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert f"pins {' '.join(PINS[here])}" in " ".join(done.stdout.split())


def test_pins_set_by_hand_win(tmp_path):
    done = choose(tmp_path, awslogs_pip_packages=["awscli==1.46.2", "awscli-cwlogs==1.4.6"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pins awscli==1.46.2 awscli-cwlogs==1.4.6" in " ".join(done.stdout.split())


def test_an_interpreter_without_a_set_stops_the_run_naming_it(tmp_path):
    old = tmp_path / "python3.8"
    old.write_text("#!/bin/sh\necho 3.8\n")
    old.chmod(0o755)
    done = choose(tmp_path, awslogs_venv_python=str(old))
    assert done.returncode != 0
    said = " ".join(done.stdout.split())
    assert f"awslogs_venv_python ({old}) on localhost is Python 3.8" in said
    assert "are for Python 3.9, 3.10, 3.11, 3.12, 3.13" in said
    missing = choose(tmp_path, awslogs_venv_python="python3.99")
    assert missing.returncode != 0
    assert "awslogs_venv_python (python3.99) on localhost is not there" in " ".join(missing.stdout.split())
