# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""Action plugin: the awslogs role's drift check of one host in one task (docs: plugins/modules/awslogs_host_state.py).

A converged host used to cost a task per step (the instance id check, the rendering, the probe, the
pins, the compare, the file checks), each a worker process per host on the controller. Here the host
is read by one module run (awslogs_host_probe) and the rest is plain Python in this process. Only
paths leave it: the rendered files (secrets among them) stay in the task's arguments.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from typing import Any

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible_collections.awslogs_ops.awslogs.plugins.filter.awslogs_files import awslogs_stale_files
from ansible_collections.awslogs_ops.awslogs.plugins.filter.awslogs_streams import (
    awslogs_file_errors,
    awslogs_instance_id_streams,
    awslogs_stream_files,
)
from ansible_collections.awslogs_ops.awslogs.plugins.plugin_utils.awslogs_role_inputs import validated

ARGUMENT_SPEC: dict[str, dict[str, Any]] = {
    "config_dir": {"type": "str", "required": True},
    "marker": {"type": "str", "required": True},
    "streams_file": {"type": "str", "required": True},
    "streams": {"type": "list", "elements": "dict", "default": []},
    "files": {"type": "list", "elements": "dict", "default": [], "no_log": True},
    "rotation_policies": {"type": "list", "elements": "dict", "default": []},
    "install_method": {"type": "str", "choices": ["pip", "package"], "default": "pip"},
    "pins_file": {"type": "str", "required": True},
    "pins_table": {"type": "dict", "default": {}},
    "pip_packages": {"type": "list", "elements": "str", "default": []},
    "venv_python": {"type": "str"},
    "agent_command": {"type": "str"},
    "push_probe": {"type": "str"},
    "cwlogs_cache": {"type": "str"},
    "service": {"type": "str", "default": "awslogsd"},
    "state_file": {"type": "str", "default": ""},
    "log_file": {"type": "str", "default": ""},
    "overwritten_push_sha256": {"type": "str", "default": ""},
    "instance_id": {"type": "str", "default": ""},
    "ec2_metadata": {"type": "str", "default": "auto"},
    "purge_config_dir": {"type": "bool", "default": False},
}

ROTATION_DIR = "/etc/logrotate.d"
ROTATION_PREFIX = ROTATION_DIR + "/awslogs-"


def unresolved_instance_id(args: Mapping[str, Any]) -> str | None:
    """Why {instance_id} cannot be resolved on this host, or None."""
    streams = awslogs_instance_id_streams(args["streams"])
    if args["instance_id"] or args["ec2_metadata"] != "auto" or not streams:
        return None
    return (
        ", ".join(f"awslogs_streams[{name}].log_stream_name" for name in streams)
        + " uses {instance_id}, but this host is not an EC2 instance (by its DMI vendor) and awslogs_instance_id"
        " is empty: the agent would wait 5 s for the instance metadata service and name the stream after the"
        " host instead. Set awslogs_instance_id, or use {hostname} in log_stream_name."
    )


def pins_from_table(args: Mapping[str, Any]) -> bool:
    """The pins come from the table only when the inventory pins nothing and the pip method builds a virtualenv."""
    return args["install_method"] == "pip" and not args["pip_packages"]


def chosen_pins(args: Mapping[str, Any], venv_python: Mapping[str, Any] | None, host: str) -> list[str]:
    """The pins of this host; AnsibleActionFail naming the interpreter when the table has none for it."""
    if not pins_from_table(args):
        return list(args["pip_packages"])
    table = args["pins_table"]
    version = (venv_python or {}).get("version")
    if version in table:
        return list(table[version])
    seen = f"Python {version}" if version else f"not there ({(venv_python or {}).get('error', '')})"
    raise AnsibleActionFail(
        f"awslogs_venv_python ({args['venv_python']}) on {host} is {seen}; the role's pins (__awslogs_pip_pins in "
        f"roles/awslogs/vars/main.yml) are for Python {', '.join(table)}. Set awslogs_venv_python to one of "
        "those the OS packages (python3.11 on Amazon Linux 2023 and RHEL 9), or set awslogs_pip_packages."
    )


def probe_request(args: Mapping[str, Any]) -> dict[str, Any]:
    """What awslogs_host_probe reads: the wanted files' and policies' checksums among the rest."""
    paths = [str(entry["path"]) for entry in args["files"]] + [args["pins_file"]]
    yielded_to = [str(policy["unless_policy"]) for policy in args["rotation_policies"] if policy.get("unless_policy")]
    return {
        "config_dir": args["config_dir"],
        "marker": args["marker"],
        "globs": awslogs_stream_files(args["streams"]),
        "agent_command": args["agent_command"],
        "push_probe": args["push_probe"],
        "checksum_dirs": [posixpath.dirname(path) for path in paths]
        + [ROTATION_DIR]
        + [posixpath.dirname(path) for path in yielded_to],
        "checksum_patterns": [posixpath.basename(path) for path in paths]
        + ["awslogs-*"]
        + [posixpath.basename(path) for path in yielded_to],
        "venv_python": args["venv_python"] if pins_from_table(args) else None,
        "service": args["service"],
        "cwlogs_cache": args["cwlogs_cache"],
    }


def compare(args: Mapping[str, Any], host: Mapping[str, Any], pins: Sequence[str]) -> dict[str, Any]:
    """What differs between the wanted state and what the host said (the role's later tasks read it)."""
    on_host = [entry["path"] for entry in host["files"]]
    wanted = list(args["files"])
    if args["install_method"] == "pip":
        wanted.append({"path": args["pins_file"], "content": "\n".join(pins) + "\n", "mode": "0644", "secret": False})
    stale = [entry["path"] for entry in awslogs_stale_files(wanted, host["files"])]
    rotation = [
        {**policy, "mode": "0644", "secret": False}
        for policy in args["rotation_policies"]
        if policy.get("unless_policy") not in on_host
    ]
    stale_rotation = awslogs_stale_files(rotation, host["files"])
    retired = [
        path for path in on_host if path.startswith(ROTATION_PREFIX) and path not in {p["path"] for p in rotation}
    ]
    foreign = [path for path in host["config_files"] if path != args["streams_file"]]
    service = host["service"] or {}
    push = host["cwlogs_push"]
    converge = bool(
        stale + stale_rotation + retired + foreign
        or host["restart_pending"]
        or not (service.get("enabled") and service.get("active"))
        or push is None
        or push.get("problems", ["no self-check"])
        or push.get("push_sha256", "") == args["overwritten_push_sha256"]
    )
    return {
        "stale_files": stale,
        "stale_rotation": stale_rotation,
        "retired_rotation": retired,
        "foreign_files": foreign,
        "removed_files": foreign if args["purge_config_dir"] else [],
        "agent_missing": args["install_method"] == "pip" and args["pins_file"] not in on_host,
        "pip_packages": list(pins),
        "converge": converge,
    }


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp: str | None = None, task_vars: dict | None = None) -> dict:
        result = super().run(tmp, task_vars)
        errors, args = validated(ARGUMENT_SPEC, self._task.args)
        if errors:
            raise AnsibleActionFail("Validation of arguments failed:\n" + "\n".join(errors))
        unresolved = unresolved_instance_id(args)
        if unresolved:
            raise AnsibleActionFail(unresolved)
        probed = self._execute_module(
            module_name="awslogs_ops.awslogs.awslogs_host_probe",
            module_args=probe_request(args),
            task_vars=task_vars,
        )
        if probed.get("failed"):
            return {**result, **{key: value for key, value in probed.items() if key != "invocation"}}
        host = probed["host"]
        pins = chosen_pins(args, host["venv_python"], str((task_vars or {}).get("inventory_hostname", "")))
        errors = awslogs_file_errors(
            args["streams"], host["matches"], host["dirs"], args["state_file"], args["log_file"]
        )
        if errors:
            raise AnsibleActionFail(str(errors))
        result.update(changed=False, host=host, **compare(args, host, pins))
        return result
