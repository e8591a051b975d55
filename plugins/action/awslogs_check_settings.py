# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""Action plugin: the awslogs role's inputs checked in one task, before the host is touched.

Documented in plugins/modules/awslogs_check_settings.py; the checks are plugin_utils/awslogs_role_inputs.py.
"""

from __future__ import annotations

from typing import Any

from ansible.plugins.action import ActionBase
from ansible_collections.awslogs_ops.awslogs.plugins.plugin_utils.awslogs_role_inputs import (
    AGENT_INPUTS,
    agent_errors,
    argument_spec,
    plain,
    spec_errors,
)

ARGUMENT_SPEC: dict[str, dict[str, Any]] = {
    "argument_spec_file": {"type": "path", "required": True},
    "entry_point": {"type": "str", "default": "main"},
    # No choices here: a bad awslogs_agent is the spec's to refuse, by its own name.
    "agent": {"type": "str", "required": True},
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp: str | None = None, task_vars: dict | None = None) -> dict:
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)[1]
        spec = argument_spec(args["argument_spec_file"], args["entry_point"])
        # As validate_argument_spec does: every variable the spec names, templated (and those the agent's checks read).
        names = set(spec) | set(AGENT_INPUTS if args["agent"] == "awslogs" else ())
        values = self._templar.template({name: task_vars[name] for name in names if name in task_vars})
        errors = spec_errors(spec, {name: value for name, value in values.items() if name in spec})
        if errors:
            return {
                **result,
                "failed": True,
                "msg": "Validation of arguments failed:\n" + "\n".join(errors),
                "argument_errors": errors,
            }
        errors = agent_errors(plain(values)) if args["agent"] == "awslogs" else []
        if errors:
            return {**result, "failed": True, "msg": errors}
        return {**result, "changed": False, "msg": "The settings and the stream list pass"}
