# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""Lookup: ansible.builtin.template without its deep copy of every variable of the host.

ansible-core 2.19's template lookup copies all of the host's variables with copy.deepcopy
before it renders ("FIXME: why isn't this a chainmap with a sacrificial bottom layer?" in
its source). On a converged host the role renders its seven files through it on every run,
and those copies were 30 ms each, half of the controller's share of a drift check. This
lookup hands the builtin one the same variables in a mapping whose deep copy is one level
deep: the layer it adds its template_* variables to is new, the values below are shared,
which is what the role's templates need (they read variables and never change them).

It runs the builtin lookup itself, with all of its options, only when that lookup's
module is the one this was measured against (the sha256 of its file). Any other version
renders with the builtin lookup's own deep copy, and says so once per process.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: template
short_description: ansible.builtin.template, without the deep copy of the host's variables
version_added: 0.1.0
description:
  - Renders templates exactly as P(ansible.builtin.template#lookup) does and takes the same options,
    which it passes on to it.
  - The builtin lookup deep-copies every variable of the host before each template; this one gives it
    a copy one level deep. Templates rendered with it must not change the variables they read.
  - When the installed ansible-core's template lookup is not the one this collection was measured with,
    it renders with that lookup's own deep copy and warns once per process.
options:
  _terms:
    description: The templates, found as ansible.builtin.template finds them.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: A role's file, rendered for the host
  ansible.builtin.debug:
    msg: "{{ lookup('awslogs_ops.awslogs.template', 'awscli.conf.j2') }}"
"""

RETURN = r"""
_raw:
  description: The rendered templates, one string each.
  type: list
  elements: str
"""

import hashlib
import sys
from typing import Any

from ansible.plugins.loader import lookup_loader
from ansible.plugins.lookup import LookupBase
from ansible.plugins.lookup.template import LookupModule as BuiltinTemplate

# ansible-core 2.19's plugins/lookup/template.py, whose LookupModule.run deep-copies `variables`, adds the
# template_* variables to the copy, and renders with it; nothing else reads or writes the copy.
MEASURED_RUN_SHA256 = {"46a163dbe745c5f950366014e3af35be5638fb7bfdfa79a143682aa69c6563ab"}


class OneLevelCopy(dict):
    """Variables whose deep copy is a new top-level mapping over the same values."""

    def __deepcopy__(self, memo: dict) -> dict:
        return dict(self)


def run_sha256(lookup_class: type) -> str:
    # The module's bytes, not inspect.getsource: that walks every loaded module in the controller, and
    # each worker forked from it then ran slower.
    with open(sys.modules[lookup_class.__module__].__file__ or "", "rb") as module:
        return hashlib.sha256(module.read()).hexdigest()


# Once per process (the preload callback imports this before the workers fork), not per file and host.
BUILTIN_IS_MEASURED = run_sha256(BuiltinTemplate) in MEASURED_RUN_SHA256


class LookupModule(LookupBase):
    _warned = False

    def run(self, terms: list, variables: dict | None = None, **kwargs: Any) -> list:
        builtin = lookup_loader.get("ansible.builtin.template", loader=self._loader, templar=self._templar)
        if BUILTIN_IS_MEASURED:
            return builtin.run(terms, variables=OneLevelCopy(variables or {}), **kwargs)
        if not LookupModule._warned:
            LookupModule._warned = True
            self._display.warning(
                "awslogs_ops.awslogs.template: this ansible-core's template lookup is not the one it was measured "
                "with; rendering with ansible.builtin.template's own deep copy of the variables (correct, slower)"
            )
        return builtin.run(terms, variables=variables, **kwargs)
