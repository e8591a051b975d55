"""awslogs_check_settings refuses what ansible-core's role validation refuses, with its message, and the stream
list's errors by stream and key; the host is never reached (the inventory's host does not exist)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible_collections.awslogs_ops.awslogs.plugins.plugin_utils.awslogs_role_inputs import argument_spec

ROOT = Path(__file__).resolve().parents[2]
SPEC_FILE = ROOT / "roles" / "awslogs" / "meta" / "argument_specs.yml"
# A host that cannot be reached: a check that touched it would fail with "unreachable" instead.
INVENTORY = {
    "all": {
        "children": {
            "awslogs_hosts": {
                "hosts": {"nowhere": {"ansible_host": "192.0.2.1", "ansible_connection": "ssh", "ansible_timeout": 1}}
            }
        }
    }
}


def _run(tmp_path: Path, playbook: list[dict], **extra_vars: object) -> str:
    tmp_path = tmp_path / str(len(list(tmp_path.iterdir())))
    tmp_path.mkdir()
    (tmp_path / "inventory").mkdir(exist_ok=True)
    (tmp_path / "inventory" / "hosts.yml").write_text(yaml.safe_dump(INVENTORY))
    (tmp_path / "inventory" / "group_vars").mkdir(exist_ok=True)
    group_vars = tmp_path / "inventory" / "group_vars" / "all"
    if not group_vars.exists():
        group_vars.symlink_to(ROOT / "inventory" / "group_vars" / "all")
    (tmp_path / "play.yml").write_text(yaml.safe_dump(playbook))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "AWS_"))}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", ANSIBLE_NOCOLOR="1")
    done = subprocess.run(
        ["ansible-playbook", "-i", str(tmp_path / "inventory" / "hosts.yml"), str(tmp_path / "play.yml"),
         "-e", yaml.safe_dump(extra_vars, default_flow_style=True).strip()],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "UNREACHABLE" not in output, output
    return output


def _argument_errors(output: str) -> list[str]:
    """The failed task's argument_errors, as the yaml result format prints them."""
    assert "Validation of arguments failed:" in output, output
    listed = output.split("argument_errors:\n", 1)[1]
    return re.findall(r"^ +- (.+)$", listed.split("\n    argument_spec_data", 1)[0].split("\n\n", 1)[0], re.M)


def _play(role: dict) -> list[dict]:
    return [{"name": "Agent", "hosts": "awslogs_hosts", "gather_facts": False, **role}]


ROLE = {"name": "awslogs_ops.awslogs.awslogs", "rolespec_validate": False}
SITE_WAY = {"tasks": [{"ansible.builtin.import_role": ROLE}]}
CORE_WAY = {"roles": [{"role": "awslogs_ops.awslogs.awslogs"}]}


@pytest.mark.parametrize(
    "bad",
    [{"awslogs_agent": "fluentd"}, {"awslogs_purge_config_dir": "sometimes"}, {"awslogs_pip_packages": {"a": 1}}],
    ids=lambda bad: next(iter(bad)),
)
def test_a_value_the_spec_refuses_fails_with_ansible_cores_own_message(tmp_path: Path, bad: dict) -> None:
    ours = _argument_errors(_run(tmp_path, _play(SITE_WAY), **bad))
    cores = _argument_errors(_run(tmp_path, _play(CORE_WAY), **bad))
    assert ours == cores
    assert len(ours) == 1
    assert next(iter(bad)) in ours[0]


def test_a_stream_error_names_the_stream_and_key_before_the_host_is_reached(tmp_path: Path) -> None:
    streams = yaml.safe_load((ROOT / "inventory" / "group_vars" / "all" / "awslogs.yml").read_text())["awslogs_streams"]
    streams[0]["retention_in_days"] = 31
    flat = " ".join(_run(tmp_path, _play(SITE_WAY), awslogs_streams=streams).split())
    assert f"awslogs_streams[{streams[0]['name']}].retention_in_days" in flat, flat


def test_the_spec_is_read_without_its_documentation() -> None:
    spec = argument_spec(str(SPEC_FILE), "main")
    full = yaml.safe_load(SPEC_FILE.read_text())["argument_specs"]["main"]["options"]
    assert set(spec) == set(full)
    assert not any("description" in option for option in spec.values())
    assert spec["awslogs_agent"]["choices"] == full["awslogs_agent"]["choices"]
