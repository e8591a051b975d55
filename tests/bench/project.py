"""The project's own content, read by the bench: the stream list, the role's defaults, the filter plugins."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime, timedelta
from functools import cache
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from tests.bench.process import PROJECT_DIR

GROUP_VARS = PROJECT_DIR / "inventory" / "group_vars"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def default_streams() -> list[dict[str, Any]]:
    return yaml.safe_load((GROUP_VARS / "all" / "awslogs.yml").read_text())["awslogs_streams"]


def bench_streams() -> list[dict[str, Any]]:
    """The stream list of the demo host and the django scenario (Asia/Seoul, $time_iso8601, Korean)."""
    return yaml.safe_load((PROJECT_DIR / "inventory" / "host_vars" / "awslogs-demo.yml").read_text())["awslogs_streams"]


def role_defaults() -> dict[str, Any]:
    return yaml.safe_load((PROJECT_DIR / "roles" / "awslogs" / "defaults" / "main.yml").read_text())


def role_pip_pins(python: str) -> list[str]:
    """The role's pins for the virtualenv of this Python version (__awslogs_pip_pins in roles/awslogs/vars/main.yml)."""
    table = yaml.safe_load((PROJECT_DIR / "roles" / "awslogs" / "vars" / "main.yml").read_text())
    return table["__awslogs_pip_pins"][python]


@cache
def filter_plugin(name: str) -> ModuleType:
    """One of the project's filter plugins, imported from its file (its siblings and the stream model importable,
    as in the unit tests)."""
    for folder in (str(PROJECT_DIR / "plugins" / "filter"), str(PROJECT_DIR / "plugins" / "module_utils")):
        if folder not in sys.path:
            sys.path.append(folder)
    spec = importlib.util.spec_from_file_location(name, PROJECT_DIR / "plugins" / "filter" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def line_time_ms(datetime_format: str, message: str, time_zone: str = "UTC") -> int | None:
    """The time written in an event's first line, read the agent's way, in ms.

    A naive time is in the stream's ``time_zone``: an IANA name, or UTC (LOCAL is UTC on the bench's hosts).
    """
    parsed = filter_plugin("awslogs_streams").agent_datetime_parse(datetime_format, message.splitlines()[0])
    if parsed is None:
        return None
    zone = ZoneInfo(time_zone) if time_zone not in ("UTC", "LOCAL") else UTC
    aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    return (aware - EPOCH) // timedelta(milliseconds=1)
