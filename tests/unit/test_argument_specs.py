"""Each role's argument spec carries its defaults: the same values as
defaults/main.yml, and required only where there is no default."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROLES = sorted(
    path.parent.parent for path in (Path(__file__).resolve().parents[2] / "roles").glob("*/meta/argument_specs.yml")
)


def _load(path: Path) -> dict:
    return (yaml.safe_load(path.read_text()) or {}) if path.exists() else {}


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.name)
def test_the_spec_and_the_defaults_agree(role: Path) -> None:
    defaults = _load(role / "defaults" / "main.yml")
    entry_points = _load(role / "meta" / "argument_specs.yml")["argument_specs"]
    specified = {name for entry in entry_points.values() for name in entry.get("options", {})}
    assert set(defaults) <= specified, f"defaults without a spec: {sorted(set(defaults) - specified)}"
    for entry_point in entry_points.values():
        for name, spec in entry_point.get("options", {}).items():
            _check_option(name, spec, defaults)


def _check_option(name: str, spec: dict, defaults: dict) -> None:
    if name not in defaults:
        assert spec.get("required") is True, f"{name}: no default, so the spec must say required: true"
        assert "default" not in spec, f"{name}: the spec names a default that defaults/main.yml does not have"
        return
    assert not spec.get("required"), f"{name} has a default: not required"
    value = defaults[name]
    if isinstance(value, str) and "{{" in value:
        # A computed default: the spec says in words what it is.
        assert isinstance(spec.get("default"), str), f"{name}: say the computed default in the spec"
    elif "default" not in spec and "options" in spec:
        # A mapping: its sub-options carry the defaults.
        carried = {key: sub.get("default") for key, sub in spec["options"].items()}
        assert carried == value, f"{name}: sub-option defaults {carried!r} != {value!r}"
    else:
        assert spec.get("default") == value, f"{name}: spec default {spec.get('default')!r} != {value!r}"
