# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""Action plugin: awslogs_aws_state's read in the controller's worker when the connection is local.

The module's run cost a drift check of a converged account 0.9 s of its 1.2 s: a Python process, its
AnsiballZ payload (built anew by every ansible-playbook process), amazon.aws's module_utils and boto3
imported there. The read here is the module's own (module_utils/awslogs_aws_read.py), with the same
options, including amazon.aws's (region, endpoint, credentials and their environment variables), and
the same messages. Elsewhere (a connection to another host, a task environment, a controller without
boto3) the module runs as usual.
"""

from __future__ import annotations

from typing import Any, NoReturn

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.action import ActionBase
from ansible_collections.awslogs_ops.awslogs.plugins.module_utils.awslogs_aws_read import ARGUMENT_SPEC, ReadError, read

MODULE = "awslogs_ops.awslogs.awslogs_aws_state"

try:
    import boto3  # noqa: F401 # pylint: disable=unused-import # whether the controller's Python can run the read
    import botocore  # noqa: F401 # pylint: disable=unused-import
    from ansible_collections.amazon.aws.plugins.module_utils.botocore import gather_sdk_versions
    from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec
    from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
    from ansible_collections.amazon.aws.plugins.plugin_utils.base import AWSPluginBase
except ImportError:
    AWSPluginBase = object
    IN_CONTROLLER = False
else:
    IN_CONTROLLER = True


class _Connection(AWSPluginBase):
    """amazon.aws's client factory for plugins (the same connection options as its modules')."""

    ansible_name = MODULE

    def __init__(self, params: dict[str, Any]) -> None:
        self._params = params

    def get_options(self) -> dict[str, Any]:
        return self._params

    def _do_fail(self, message: str) -> NoReturn:
        raise AnsibleActionFail(message)


def failure(exc: ReadError) -> dict[str, Any]:
    """What AnsibleAWSModule.fail_json_aws returns for the same error."""
    cause = exc.__cause__
    detail = to_native(getattr(cause, "message", None) or cause)
    response = getattr(cause, "response", None) or {}
    versions = gather_sdk_versions()
    return {"failed": True, "msg": f"{exc.message}: {detail}", **versions, **camel_dict_to_snake_dict(response)}


class ActionModule(ActionBase):
    _supports_check_mode = True  # it reads, and changes nothing

    def _in_controller(self) -> bool:
        # A task's environment (an AWS_PROFILE, say) reaches only a module's process.
        return IN_CONTROLLER and self._connection.transport == "local" and not any(self._task.environment or [])

    def run(self, tmp: str | None = None, task_vars: dict | None = None) -> dict:
        result = super().run(tmp, task_vars)
        if not self._in_controller():
            return {**result, **self._execute_module(module_name=MODULE, task_vars=task_vars)}
        params = self.validate_argument_spec(argument_spec={**aws_argument_spec(), **ARGUMENT_SPEC})[1]
        connection = _Connection(params)
        connection.require_aws_sdk()
        retry = AWSRetry.jittered_backoff()
        try:
            return {**result, **read(lambda service: connection.client(service, retry_decorator=retry), params)}
        except ReadError as exc:
            return {**result, **failure(exc)}
