"""One port, one owner: the bench's ports on 127.0.0.1 never collide.

Every scenario, bench command and the demo run at the same time as any other
(make runs scenarios side by side, and several checkouts share the machine),
so a port written anywhere in a scenario's folder belongs to that scenario
alone, and one in a bench command's module to that command alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from test_scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parents[2]
# The bench's ranges: moto, metadata services, proxies (51xx) and web servers (18xxx).
PORT = re.compile(r"(?<![\d.])(51\d\d|18\d\d\d)(?![\d.])")
SUFFIXES = {".py", ".yml", ".j2", ".cfg"}
# Files that share one owner: the demo's inventory and app, the fault benchmark's two modules.
SHARED = {
    "inventory": "demo",
    "examples": "demo",
    "tests/bench/demo.py": "demo",
    "tests/bench/faults_host.py": "faults",
}


def owner(path: Path) -> str:
    relative = path.relative_to(ROOT).as_posix()
    for prefix, name in SHARED.items():
        if relative.startswith(prefix):
            return name
    if relative.startswith("molecule/"):
        return relative.split("/")[1]
    return path.stem


def ports() -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    roots = [ROOT / "molecule", ROOT / "tests" / "bench", ROOT / "inventory", ROOT / "examples"]
    for path in (p for root in roots for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file()):
        for match in PORT.finditer(path.read_text(errors="replace")):
            found[int(match[1])].add(owner(path))
    return found


def test_every_port_has_one_owner():
    shared = {port: sorted(owners) for port, owners in ports().items() if len(owners) > 1}
    assert not shared, f"ports used by more than one scenario or bench command: {shared}"


def test_each_scenario_owns_the_port_of_its_endpoint():
    found = ports()
    for name, config in SCENARIOS.items():
        port = int(config["provisioner"]["env"]["AWSLOGS_BENCH_PORT"])
        assert found[port] == {name}, f"{name}: AWSLOGS_BENCH_PORT {port} is also {sorted(found[port] - {name})}'s"


def test_the_scan_sees_the_bench():
    # The demo (5100), a scenario (5101) and the fault benchmark (5110): the pattern still finds ports.
    assert {5100: {"demo"}, 5101: {"default"}, 5110: {"faults"}}.items() <= ports().items()
