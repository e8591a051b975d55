"""requirements.yml and galaxy.yml list exactly the collections the content
calls, in ranges the pinned ansible package satisfies."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import yaml
from ansible.galaxy.dependency_resolution.versioning import meets_requirements

ROOT = Path(__file__).resolve().parents[2]
OWN = {"ansible.builtin", "awslogs_ops.awslogs"}
FQCN = re.compile(r"\b([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\.[a-z][a-z0-9_]*\b")


def _installed() -> dict[str, str]:
    """Every collection the ansible package brings: name -> version."""
    spec = importlib.util.find_spec("ansible_collections")
    assert spec is not None and spec.submodule_search_locations
    found = {}
    for location in spec.submodule_search_locations:
        for manifest in Path(location).glob("*/*/MANIFEST.json"):
            info = json.loads(manifest.read_text())["collection_info"]
            found[f"{info['namespace']}.{info['name']}"] = info["version"]
    return found


INSTALLED = _installed()


def _used(*parts: str) -> set[str]:
    """Collections named by a full module, plugin or filter name in these parts of the repository."""
    used = set()
    for part in parts:
        paths = [ROOT / part] if (ROOT / part).is_file() else (ROOT / part).rglob("*")
        for path in paths:
            if path.suffix in {".yml", ".yaml", ".j2", ".py", ".cfg"} and path.is_file():
                for namespace, name in FQCN.findall(path.read_text(encoding="utf-8")):
                    used.add(f"{namespace}.{name}")
    return (used & set(INSTALLED)) - OWN


def test_requirements_yml_lists_exactly_what_the_playbooks_roles_and_inventories_call() -> None:
    listed = yaml.safe_load((ROOT / "requirements.yml").read_text())["collections"]
    assert sorted(entry["name"] for entry in listed) == sorted(
        _used("site.yml", "playbooks", "roles", "plugins", "inventory", "ansible.cfg")
    )


def test_galaxy_yml_depends_on_exactly_what_the_collection_calls() -> None:
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    assert sorted(galaxy["dependencies"]) == sorted(_used("playbooks", "roles", "plugins"))


def test_the_pinned_ansible_package_meets_every_range() -> None:
    listed = yaml.safe_load((ROOT / "requirements.yml").read_text())["collections"]
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())["dependencies"]
    wanted = [(entry["name"], entry["version"]) for entry in listed] + list(galaxy.items())
    for name, version_range in wanted:
        assert meets_requirements(INSTALLED[name], version_range), (name, INSTALLED[name], version_range)


def test_the_ansible_core_range_is_the_one_tested() -> None:
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())["requires_ansible"]
    pins = (ROOT / "requirements.txt").read_text()
    core = re.search(r"^ansible-core==(\S+)$", pins, re.M)
    assert core, "requirements.txt pins ansible-core"
    assert meets_requirements(core.group(1), runtime)
    for meta in (ROOT / "roles").glob("*/meta/main.yml"):
        assert yaml.safe_load(meta.read_text())["galaxy_info"]["min_ansible_version"] == runtime.lstrip(">=")[:4]
