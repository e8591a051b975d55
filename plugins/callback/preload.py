# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""Callback: load the plugins every host's tasks template with once, in the controller, before any fork."""

from __future__ import annotations

DOCUMENTATION = r"""
name: preload
short_description: Load this collection's filters and the template lookups once, before the first task
version_added: 0.1.0
description:
  - Ansible runs each task of each host in a worker process forked from the controller. A filter or lookup
    plugin the controller has not loaded yet is imported again by every worker that templates with it,
    so on a converged fleet, where nothing is written, those imports are much of what a drift check costs.
  - At the start of the playbook this callback loads, in the controller, every filter file of
    awslogs_ops.awslogs, ansible-core's own filters and tests, and the lookups the roles call
    (this collection's template, and ansible-core's template, file, pipe, vars, varnames), and reads the
    argument specs of this collection's roles for M(awslogs_ops.awslogs.awslogs_check_settings).
    The workers then inherit them from the fork.
  - It keeps the code Jinja compiles each template string into in C(~/.cache/awslogs-ops) (or under
    E(XDG_CACHE_HOME)), so that a string is compiled once, not once per host and run
    (plugins/plugin_utils/awslogs_compile_cache.py).
  - It freezes, in every worker as it starts, the objects the worker inherited from the controller, so
    that the worker's garbage collections do not walk them (Python's advice for a fork without exec).
  - It changes no result and prints nothing. Enable it in ansible.cfg with
    C(callbacks_enabled = awslogs_ops.awslogs.preload).
type: aggregate
requirements:
  - enabled in the configuration (callbacks_enabled)
"""

import gc
import os
from typing import Any

from ansible.plugins.callback import CallbackBase
from ansible.plugins.loader import filter_loader, lookup_loader, test_loader
from ansible_collections.awslogs_ops.awslogs.plugins.plugin_utils import awslogs_compile_cache, awslogs_role_inputs

# Any one filter name of a collection loads all of that collection's filter files, and the first lookup
# of a loader loads ansible-core's own plugins of its kind (Jinja2Loader).
FILTERS = ("awslogs_ops.awslogs.awslogs_stream_errors",)
TESTS = ("ansible.builtin.match",)
LOOKUPS = (
    "awslogs_ops.awslogs.template",
    *(f"ansible.builtin.{name}" for name in ("template", "file", "pipe", "vars", "varnames")),
)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "awslogs_ops.awslogs.preload"
    CALLBACK_NEEDS_ENABLED = True
    _fork_hook = False

    def v2_playbook_on_start(self, playbook: Any) -> None:
        # A worker's garbage collections need not walk the controller's objects it inherited: frozen in the
        # child, they are left out of every collection there (as the gc module's documentation advises
        # for a fork without exec), and the worker collects only what it made itself.
        if not CallbackModule._fork_hook:
            CallbackModule._fork_hook = True
            os.register_at_fork(after_in_child=gc.freeze)
        for loader, names in ((filter_loader, FILTERS), (test_loader, TESTS), (lookup_loader, LOOKUPS)):
            for name in names:
                if loader.get(name) is None:
                    self._display.warning(f"awslogs_ops.awslogs.preload: no {loader.type} plugin {name} to load")
        awslogs_role_inputs.preload()
        awslogs_compile_cache.install(lambda message: self._display.warning(f"awslogs_ops.awslogs.preload: {message}"))
