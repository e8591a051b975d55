"""Every bench command's inventory and settings pass the checks a user's pass (awslogs_check_settings).

The smoke forms (tests/smoke) run each command's cheapest case for real;
here, without a host, every host of every bench inventory and every set of
settings the benchmarks converge with goes through the same checks the
role's first task makes, so a case that is not run cannot rot either.
"""

from __future__ import annotations

from typing import Any

import jinja2
import pytest
import yaml
from ansible_collections.awslogs_ops.awslogs.plugins.plugin_utils.awslogs_role_inputs import (
    SETTINGS,
    agent_errors,
    argument_spec,
    spec_errors,
)

from tests.bench import drift_cost, faults, faults_host, project, throughput
from tests.bench.process import PROJECT_DIR

SPEC = argument_spec(str(PROJECT_DIR / "roles" / "awslogs" / "meta" / "argument_specs.yml"), "main")


def _rendered(variables: dict[str, Any]) -> dict[str, Any]:
    """The templates in the values ({{ awslogs_env_name }}) rendered, as Ansible does before the checks."""
    return yaml.safe_load(jinja2.Template(yaml.safe_dump(variables)).render(**variables))


def errors(host_vars: dict[str, Any], extra_vars: dict[str, Any] | None = None) -> list[str]:
    """What the role's first task says of a host with these variables (defaults < group_vars < host < extra)."""
    group_vars = yaml.safe_load((project.GROUP_VARS / "all" / "awslogs.yml").read_text())
    merged = _rendered({**project.role_defaults(), **group_vars, **host_vars, **(extra_vars or {})})
    return spec_errors(SPEC, {name: value for name, value in merged.items() if name in SPEC}) or agent_errors(merged)


def _agent_hosts(inventory: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return inventory["all"]["children"]["awslogs_hosts"]["hosts"]


def test_the_role_still_checks_the_settings_the_bench_sets() -> None:
    assert {"awslogs_instance_id", "awslogs_endpoint_url", "awslogs_region"} <= set(SETTINGS)


def test_the_cost_inventory_passes_with_one_instance_id_per_host() -> None:
    hosts = _agent_hosts(drift_cost.inventory([f"cost-host-{n:02d}" for n in range(32)]))
    for name, host_vars in hosts.items():
        assert errors(host_vars) == [], name
    ids = [host_vars["awslogs_instance_id"] for host_vars in hosts.values()]
    assert len(set(ids)) == len(ids)


def test_the_fault_and_throughput_host_passes(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(faults_host, "state_path", lambda name: tmp_path / name)
    inventory = yaml.safe_load((faults_host._inventory_dir() / "inventory.yml").read_text())
    (host_vars,) = _agent_hosts(inventory).values()
    assert errors(host_vars) == []


def test_the_demo_inventory_passes() -> None:
    inventory = yaml.safe_load((PROJECT_DIR / "inventory" / "demo.yml").read_text())
    for name, host_vars in _agent_hosts(inventory).items():
        assert errors(host_vars) == [], name


@pytest.mark.parametrize("name", list(throughput.SETTINGS))
def test_every_throughput_setting_passes(name: str) -> None:
    assert errors({}, throughput.extra_vars(throughput.SETTINGS[name])) == []


@pytest.mark.parametrize("extra_vars", [{"awslogs_queue_size": 11}, faults._other_awscli_pin()], ids=str)
def test_the_fault_cases_that_converge_again_pass(extra_vars: dict[str, Any]) -> None:
    assert errors({}, extra_vars) == []


def test_a_bad_instance_id_is_refused_as_the_role_refuses_it() -> None:
    # The id the cost bench once gave every host: not hex.
    (message,) = errors({"awslogs_instance_id": "i-0c0s7000000000001"})
    assert message.startswith("awslogs_instance_id ")


def test_the_cost_bench_refuses_a_fleet_the_inotify_limit_cannot_boot() -> None:
    # 28 booted containers held this machine's default of 128; the 29th and later exited with 255.
    message = drift_cost.inotify_shortfall(32, limit=128, in_use=2)
    assert message and "fs.inotify.max_user_instances is 128" in message
    assert "sysctl -w fs.inotify.max_user_instances=1024" in message
    assert drift_cost.inotify_shortfall(32, limit=1024, in_use=128) is None
    assert drift_cost.inotify_in_use() >= 0
