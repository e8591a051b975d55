"""Every bench host of every molecule scenario boots and stops as a real host does."""

from pathlib import Path

import pytest
import yaml

MOLECULE = Path(__file__).resolve().parents[2] / "molecule"
SYSTEMD_HOSTS = [
    pytest.param(platform, id=f"{scenario.parent.name}/{platform['name']}")
    for scenario in sorted(MOLECULE.glob("*/molecule.yml"))
    for platform in yaml.safe_load(scenario.read_text()).get("platforms", [])
    if platform.get("command") == "/lib/systemd/systemd"
]


def test_there_are_systemd_hosts():
    assert len(SYSTEMD_HOSTS) >= 6


@pytest.mark.parametrize("platform", SYSTEMD_HOSTS)
def test_a_systemd_host_stops_as_a_clean_shutdown(platform):
    # systemd as PID 1 takes SIGRTMIN+3 as a shutdown request; Docker's default SIGTERM is not one.
    assert platform.get("stop_signal") == "SIGRTMIN+3"
