"""Every bench command's inventory and settings pass the checks a user's pass (the role's validate.yml).

The smoke forms (tests/smoke) run each command's cheapest case for real;
here, without a host, every host of every bench inventory and every set of
settings the benchmarks converge with goes through the same filter calls
validate.yml makes, so a case that is not run cannot rot either.
"""

from __future__ import annotations

import re
from typing import Any

import jinja2
import pytest
import yaml

from tests.bench import drift_cost, faults, faults_host, project, throughput
from tests.bench.process import PROJECT_DIR

VALIDATE = (PROJECT_DIR / "roles" / "awslogs" / "tasks" / "validate.yml").read_text()
# The settings validate.yml hands awslogs_setting_errors: {'awslogs_x': awslogs_x, ...}.
CHECKED_SETTINGS = re.findall(r"'(awslogs_\w+)': \1\b", VALIDATE)
STREAMS = project.filter_plugin("awslogs_streams")


def _rendered(variables: dict[str, Any]) -> dict[str, Any]:
    """The templates in the values ({{ awslogs_env_name }}) rendered, as Ansible does before the checks."""
    return yaml.safe_load(jinja2.Template(yaml.safe_dump(variables)).render(**variables))


def errors(host_vars: dict[str, Any], extra_vars: dict[str, Any] | None = None) -> list[str]:
    """What validate.yml would say of a host with these variables (role defaults < group_vars < host < extra)."""
    group_vars = yaml.safe_load((project.GROUP_VARS / "all" / "awslogs.yml").read_text())
    merged = _rendered({**project.role_defaults(), **group_vars, **host_vars, **(extra_vars or {})})
    found = STREAMS.awslogs_stream_errors(
        merged["awslogs_streams"],
        merged["awslogs_stream_defaults"],
        merged["awslogs_state_file"],
        merged["awslogs_log_file"],
    )
    found += STREAMS.awslogs_setting_errors({name: merged[name] for name in CHECKED_SETTINGS})
    pins = merged["awslogs_pip_packages"]
    if merged["awslogs_agent_patch"] and pins and "awscli-cwlogs==1.4.6" not in pins:
        found.append("awslogs_pip_packages must pin awscli-cwlogs==1.4.6 while awslogs_agent_patch is true")
    return found


def _agent_hosts(inventory: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return inventory["all"]["children"]["awslogs_hosts"]["hosts"]


def test_validate_yml_still_checks_the_settings_this_test_reads() -> None:
    assert {"awslogs_instance_id", "awslogs_endpoint_url", "awslogs_region"} <= set(CHECKED_SETTINGS)


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
