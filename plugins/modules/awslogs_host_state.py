#!/usr/bin/python
# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""Documentation of the action plugin awslogs_host_state (plugins/action/): the host is read by awslogs_host_probe."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: awslogs_host_state
short_description: Read an agent host and compare it with the awslogs role's wanted state, in one task
description:
  - The awslogs role's drift check of one host, so that a converged host costs one task and one module run.
    On the host M(awslogs_ops.awslogs.awslogs_host_probe) reads, in one process, the checksum, mode and owner
    of every file the role manages, the files in the agent's configuration directory, what the streams' globs
    match and the directories they read, a pending restart, the service's state, the version of the Python that
    builds the agent's virtualenv, and the agent extension's self-check of the agent's cwlogs.
  - Its action plugin then compares that answer, on the controller, with the wanted files (O(files), the
    logrotate policies of O(rotation_policies), the pins file) and returns what differs. It stops the host with
    the reason when a stream's file is unsafe to read, when no pins are for the virtualenv's Python, or when
    C({instance_id}) cannot be resolved.
  - The self-check imports the agent (about a second of the host's CPU); its answer is kept in O(cwlogs_cache)
    and asked again only when the extension's source or a file of cwlogs changes, also in check mode, as Ansible
    keeps facts. Nothing else on the host is written.
options:
  streams_file:
    description: The one file of O(config_dir) the role writes; any other there is foreign.
    type: str
    required: true
  streams:
    description: The stream list (C(awslogs_streams)), with the role's defaults applied where it reads them.
    type: list
    elements: dict
    default: []
  files:
    description:
      - The files the role renders, each with C(path), C(content), C(mode) and C(secret); C(check) and
        C(sections) are passed through. Only their paths are returned, never their content.
    type: list
    elements: dict
    default: []
  rotation_policies:
    description: The logrotate policies of the streams, each with C(path), C(content) and C(unless_policy).
    type: list
    elements: dict
    default: []
  install_method:
    description: V(pip) writes and compares the pins file; V(package) does not.
    type: str
    choices: [pip, package]
    default: pip
  pins_file:
    description: The pins file in the agent's virtualenv.
    type: str
    required: true
  pins_table:
    description: The pins by the version of the Python that builds the virtualenv, used when O(pip_packages) is empty.
    type: dict
    default: {}
  pip_packages:
    description: Pins set by hand; when given, O(pins_table) is not read.
    type: list
    elements: str
    default: []
  venv_python:
    description: The Python that builds the agent's virtualenv (its version chooses the pins).
    type: str
  service:
    description: The agent's systemd unit.
    type: str
    default: awslogsd
  state_file:
    description: The agent's state file (never a stream's file).
    type: str
    default: ""
  log_file:
    description: The agent's own log (never a stream's file).
    type: str
    default: ""
  overwritten_push_sha256:
    description: The sha256 of the cwlogs C(push.py) an earlier version of the role wrote over the package's.
    type: str
    default: ""
  instance_id:
    description: The instance id the inventory gives; empty when the agent resolves it.
    type: str
    default: ""
  ec2_metadata:
    description: V(auto) refuses C({instance_id}) in a stream name on a host that is not an EC2 instance.
    type: str
    default: auto
  purge_config_dir:
    description: Whether foreign files of O(config_dir) are to be removed.
    type: bool
    default: false
extends_documentation_fragment:
  - awslogs_ops.awslogs.awslogs_host_probe
attributes:
  check_mode:
    description: Reads the same in check mode; only the self-check's cache may be written, as facts are.
    support: full
  diff_mode:
    description: Returns no diff; the role's own tasks show the diffs of what it would change.
    support: none
  action:
    description: The compare runs in the action plugin on the controller; the host runs only the probe.
    support: full
notes:
  - Runs on the host with its Python (3.8 or newer under ansible-core 2.19); the probe itself also runs on 2.7.
version_added: 0.1.0
author:
  - awslogs-ops maintainers (@awslogs-ops)
"""

EXAMPLES = r"""
- name: Read the host, once, and compare it with the wanted state
  awslogs_ops.awslogs.awslogs_host_state:
    config_dir: /etc/awslogs/config
    marker: /var/lib/awslogs/awslogs-ops.restart-pending
    streams_file: /etc/awslogs/config/logs.conf
    pins_file: /opt/awslogs/awslogs-ops.pins
    files:
      - path: /etc/awslogs/config/logs.conf
        content: "{{ lookup('ansible.builtin.template', 'logs.conf.j2') }}"
        mode: "0600"
        secret: false
  register: _awslogs_state
"""

RETURN = r"""
host:
  description: What the host said (the probe's answer), as the role's later tasks read it.
  returned: always
  type: dict
stale_files:
  description: The paths of the wanted files (and the pins file) that are missing or differ.
  returned: always
  type: list
  elements: str
stale_rotation:
  description: The logrotate policies to write (path, content, mode).
  returned: always
  type: list
  elements: dict
retired_rotation:
  description: Policies the role wrote before that no stream has now.
  returned: always
  type: list
  elements: str
foreign_files:
  description: Files of the configuration directory the role did not write.
  returned: always
  type: list
  elements: str
agent_missing:
  description: Whether the pip method's agent is not installed yet.
  returned: always
  type: bool
pip_packages:
  description: The pins of this host.
  returned: always
  type: list
  elements: str
converge:
  description: Whether anything differs, so that the rest of the role has to run.
  returned: always
  type: bool
"""
