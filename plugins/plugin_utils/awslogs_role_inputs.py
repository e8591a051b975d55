# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""The awslogs role's inputs, checked before a host is touched: its argument spec, then the agent's limits.

Used by the action plugin awslogs_check_settings, which does in one task, in the controller's worker,
what ansible-core's role argument validation and an assert task did in two: the spec is read once a
process, without its documentation, instead of being templated and deep-copied for every host.
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Mapping
from functools import cache
from typing import Any

import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.awslogs_ops.awslogs.plugins.filter.awslogs_streams import (
    awslogs_setting_errors,
    awslogs_stream_errors,
)

COLLECTION = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The settings the role renders into a file, each checked by the rule of its name's ending.
SETTINGS = (
    "awslogs_env_name",
    "awslogs_region",
    "awslogs_endpoint_url",
    "awslogs_aws_access_key_id",
    "awslogs_aws_secret_access_key",
    "awslogs_aws_session_token",
    "awslogs_instance_id",
    "awslogs_http_proxy",
    "awslogs_https_proxy",
    "awslogs_no_proxy",
    "awslogs_venv",
    "awslogs_pip_packages",
    "awslogs_pip_environment",
    "awslogs_package_name",
    "awslogs_state_file",
    "awslogs_log_file",
)
# Every variable agent_errors reads.
AGENT_INPUTS = (
    "awslogs_streams",
    "awslogs_stream_defaults",
    "awslogs_agent_patch",
    "awslogs_install_method",
    *SETTINGS,
)
PATCHED_PIN = "awscli-cwlogs==1.4.6"
# What an option's spec says to readers only; ArgumentSpecValidator ignores it.
DOC_KEYS = frozenset({"description", "short_description", "version_added", "author", "notes", "seealso"})


def _bare(options: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: {key: _bare(value) if key == "options" else value for key, value in spec.items() if key not in DOC_KEYS}
        for name, spec in options.items()
    }


def argument_spec(path: str, entry_point: str) -> dict[str, Any]:
    """The options of one entry point of a role's meta/argument_specs.yml, without their documentation."""
    return _entry_points(os.path.realpath(path))[entry_point]


@cache
def _entry_points(path: str) -> dict[str, dict[str, Any]]:
    with open(path, encoding="utf-8") as spec_file:
        entry_points = yaml.load(spec_file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["argument_specs"]
    return {name: _bare(entry.get("options", {})) for name, entry in entry_points.items()}


def preload() -> None:
    """Read this collection's role specs in the controller, before the workers fork (plugins/callback/preload.py)."""
    for path in sorted(glob.glob(os.path.join(COLLECTION, "roles", "*", "meta", "argument_specs.yml"))):
        _entry_points(os.path.realpath(path))


def plain(value: Any) -> Any:
    """The value without Ansible's data tags: ArgumentSpecValidator deep-copies what it validates, and a
    tagged string costs it a pickle round trip (a tenth of a converged host's worker time)."""
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return value


def validated(spec: Mapping[str, Any], values: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """ansible-core's own validation (validate_argument_spec) of these values: the errors, and the values with
    the spec's defaults and types."""
    result = ArgumentSpecValidator(dict(spec)).validate(plain(dict(values)), validate_role_argument_spec=True)
    return list(result.error_messages), result.validated_parameters


def spec_errors(spec: Mapping[str, Any], values: Mapping[str, Any]) -> list[str]:
    return validated(spec, values)[0]


def agent_errors(values: Mapping[str, Any]) -> list[str]:
    """Every value the awslogs agent's files are rendered from, against the agent's limits."""
    errors = awslogs_stream_errors(
        values["awslogs_streams"],
        values["awslogs_stream_defaults"],
        values["awslogs_state_file"],
        values["awslogs_log_file"],
    )
    errors += awslogs_setting_errors({name: values[name] for name in SETTINGS})
    pins = values["awslogs_pip_packages"]
    patched = boolean(values["awslogs_agent_patch"]) and values["awslogs_install_method"] != "package"
    if patched and pins and PATCHED_PIN not in pins:
        errors.append(
            f"awslogs_pip_packages must pin {PATCHED_PIN} while awslogs_agent_patch is true: the reliability patch "
            "(docs/reliability.md) fits only that version; set awslogs_agent_patch to false to install another one "
            "unpatched."
        )
    return errors
