"""Every bench host of every molecule scenario boots and stops as a real host does.

A scenario's molecule.yml is read over the base configuration
(.config/molecule/config.yml), as molecule merges them: mappings key by key,
a list (platforms) replaced whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MOLECULE = ROOT / "molecule"
BASE = ROOT / ".config" / "molecule" / "config.yml"


def merged(base: dict, over: dict) -> dict:
    result = dict(base)
    for key, value in over.items():
        result[key] = merged(base[key], value) if isinstance(base.get(key), dict) and isinstance(value, dict) else value
    return result


def scenario_config(scenario: Path) -> dict:
    base = BASE.read_text().replace("${MOLECULE_SCENARIO_NAME}", scenario.parent.name)
    return merged(yaml.safe_load(base), yaml.safe_load(scenario.read_text()) or {})


SCENARIOS = {path.parent.name: scenario_config(path) for path in sorted(MOLECULE.glob("*/molecule.yml"))}
SYSTEMD_HOSTS = [
    pytest.param(platform, id=f"{name}/{platform['name']}")
    for name, config in SCENARIOS.items()
    for platform in config.get("platforms", [])
    if platform.get("command") == "/lib/systemd/systemd"
]


def test_there_are_systemd_hosts():
    assert len(SYSTEMD_HOSTS) >= 9


@pytest.mark.parametrize("platform", SYSTEMD_HOSTS)
def test_a_systemd_host_stops_as_a_clean_shutdown(platform):
    # systemd as PID 1 takes SIGRTMIN+3 as a shutdown request; Docker's default SIGTERM is not one.
    assert platform.get("stop_signal") == "SIGRTMIN+3"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_scenario_says_only_how_it_differs_from_the_base(name):
    own = yaml.safe_load((MOLECULE / name / "molecule.yml").read_text()) or {}
    base = yaml.safe_load(BASE.read_text())
    repeated = [
        f"{section}.{key}"
        for section, values in own.items()
        if isinstance(values, dict) and isinstance(base.get(section), dict)
        for key, value in values.items()
        if base[section].get(key) == value
    ]
    assert not repeated, f"molecule/{name}/molecule.yml repeats the base configuration: {repeated}"
