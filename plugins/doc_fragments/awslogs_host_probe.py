# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""The options of awslogs_host_probe that awslogs_host_state passes on to it."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  config_dir:
    description: The agent's configuration directory (it loads every file there); its regular files are listed.
    type: str
    required: true
  marker:
    description: The file that says a restart is still pending.
    type: str
    required: true
  agent_command:
    description: The agent's C(aws) command; its shebang names the interpreter that runs the self-check.
    type: str
  push_probe:
    description: The agent extension's source, run by the agent's interpreter as its self-check.
    type: str
  cwlogs_cache:
    description: Where the self-check's answer is kept (the agent's state directory) until what it read changes.
    type: str
"""
