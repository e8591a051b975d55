#!/usr/bin/python
# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""Documentation of the action plugin awslogs_check_settings (plugins/action/): it runs on the controller only."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: awslogs_check_settings
short_description: Check the awslogs role's inputs against its argument spec and the agent's limits, in one task
description:
  - Validates every variable an entry point of the role's argument spec names, as ansible-core's role
    validation does (the same validator, the same message), and then, for the awslogs agent, the stream
    list and every setting the role renders into a file, each error naming the stream or variable and key.
  - It runs on the controller and touches no host. The awslogs role runs it first, so a bad input stops
    the host before anything is read or written there.
  - "The spec is read once a process, without its documentation. ansible-core's own validation templates
    and deep-copies the whole documented spec for every host; C(site.yml) imports the role with
    C(rolespec_validate: false) and lets this task do it."
options:
  argument_spec_file:
    description: The role's C(meta/argument_specs.yml).
    required: true
    type: path
  entry_point:
    description: The entry point whose options are validated.
    default: main
    type: str
  agent:
    description:
      - V(awslogs) checks the stream list and the settings too.
      - V(cloudwatch-agent) only the spec; the role's unified-agent tasks check the rest.
    required: true
    type: str
version_added: 0.1.0
author:
  - awslogs-ops maintainers (@awslogs-ops)
"""

EXAMPLES = r"""
- name: Check the settings before the host is touched
  awslogs_ops.awslogs.awslogs_check_settings:
    argument_spec_file: "{{ role_path }}/meta/argument_specs.yml"
    agent: "{{ awslogs_agent }}"
"""

RETURN = r"""
argument_errors:
  description: What the argument spec refused.
  returned: when the spec refuses a value
  type: list
  elements: str
"""
