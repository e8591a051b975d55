#!/usr/bin/python
# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""Ansible module: read what the awslogs role compares on an agent host, in one process."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: awslogs_host_probe
short_description: Read the agent's files, service, cwlogs and the streams' files of one host in one call
description:
  - Reads, in one process, what the awslogs role compares with the wanted state; the action
    M(awslogs_ops.awslogs.awslogs_host_state) runs it and compares the answer on the controller.
  - Changes nothing but the cache of the agent extension's self-check (O(cwlogs_cache)), also in check mode,
    as Ansible keeps facts.
options:
  globs:
    description: The streams' file globs, expanded with the agent's own glob call.
    type: list
    elements: str
    default: []
  checksum_dirs:
    description: Directories whose regular files matching O(checksum_patterns) are read (checksum, mode, owner).
    type: list
    elements: str
    default: []
  checksum_patterns:
    description: Shell patterns of the file names read in O(checksum_dirs).
    type: list
    elements: str
    default: []
  venv_python:
    description: An interpreter whose version is read.
    type: str
  service:
    description: A systemd unit whose enabled and active states are read.
    type: str
extends_documentation_fragment:
  - awslogs_ops.awslogs.awslogs_host_probe
attributes:
  check_mode:
    description: Reads the same in check mode; only the self-check's cache may be written, as facts are.
    support: full
  diff_mode:
    description: Returns no diff; the role's own tasks show the diffs of what it would change.
    support: none
version_added: 0.1.0
author:
  - awslogs-ops maintainers (@awslogs-ops)
"""

EXAMPLES = r"""
- name: Read the agent's configuration directory and service
  awslogs_ops.awslogs.awslogs_host_probe:
    config_dir: /etc/awslogs/config
    marker: /var/lib/awslogs/awslogs-ops.restart-pending
    service: awslogsd
  register: probed
"""

RETURN = r"""
host:
  description:
    - C(matches), C(dirs), C(config_files), C(restart_pending), C(cwlogs_push), C(files), C(venv_python) and
      C(service), as plugins/module_utils/awslogs_host_probe.py describes them.
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.awslogs_ops.awslogs.plugins.module_utils.awslogs_host_probe import probe


def main():
    module = AnsibleModule(
        argument_spec={
            "config_dir": {"type": "str", "required": True},
            "marker": {"type": "str", "required": True},
            "globs": {"type": "list", "elements": "str", "default": []},
            "agent_command": {"type": "str"},
            "push_probe": {"type": "str"},
            "checksum_dirs": {"type": "list", "elements": "str", "default": []},
            "checksum_patterns": {"type": "list", "elements": "str", "default": []},
            "venv_python": {"type": "str"},
            "service": {"type": "str"},
            "cwlogs_cache": {"type": "str"},
        },
        supports_check_mode=True,
    )
    module.exit_json(changed=False, host=probe(**module.params))


if __name__ == "__main__":
    main()
