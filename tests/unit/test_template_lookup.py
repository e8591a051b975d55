"""awslogs_ops.awslogs.template renders as ansible.builtin.template does, without the deep copy.

The rendering is compared with ansible-core's own lookup by a real ansible run on
localhost (the project's ansible.cfg), template variables, nested values and
lookup options included, with no warning (the preload callback of ansible.cfg names no plugin that is
missing); the fingerprint is checked against the installed
ansible-core, so an upgrade that changes its template lookup fails here first.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

from ansible.plugins.lookup.template import LookupModule as BuiltinTemplate
from ansible_collections.awslogs_ops.awslogs.plugins.lookup.template import (
    MEASURED_RUN_SHA256,
    OneLevelCopy,
    run_sha256,
)

PROJECT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_the_installed_template_lookup_is_the_one_measured() -> None:
    # A new ansible-core: read its LookupModule.run, check that it still only adds to the copy, add its hash.
    assert run_sha256(BuiltinTemplate) in MEASURED_RUN_SHA256


def test_the_deep_copy_is_a_new_top_level_over_the_same_values() -> None:
    streams = [{"name": "backend"}]
    variables = OneLevelCopy(awslogs_streams=streams, awslogs_region="ap-northeast-2")
    copied = copy.deepcopy(variables)
    copied["template_path"] = "x.j2"
    assert "template_path" not in variables
    assert copied["awslogs_streams"] is streams
    assert not isinstance(copied, OneLevelCopy)


def test_it_renders_what_the_builtin_lookup_renders(tmp_path: Path) -> None:
    template = tmp_path / "probe.j2"
    template.write_text(
        "{{ ansible_managed | comment }}\npath={{ template_path }} region={{ region }}\n"
        "{% for s in streams %}[{{ s.name }}] file = {{ s.file }}\n{% endfor %}{{ extra }}\n"
    )
    extra_vars = {"region": "ap-northeast-2", "streams": [{"name": "backend", "file": "/var/log/b*.log"}]}
    expression = "lookup('{plugin}', '" + str(template) + "', template_vars={{'extra': 'given'}})"
    plugins = ("awslogs_ops.awslogs.template", "ansible.builtin.template")
    ours, builtin = (expression.format(plugin=name) for name in plugins)
    completed = subprocess.run(
        [str(BIN / "ansible"), "localhost", "-i", "localhost,", "-c", "local", "-m", "ansible.builtin.debug",
         "-a", "msg={{ [" + ours + ", " + builtin + "] }}", "-e", json.dumps(extra_vars)],
        cwd=PROJECT, capture_output=True, text=True, check=False,
        env={**os.environ, "ANSIBLE_CONFIG": str(PROJECT / "ansible.cfg"), "ANSIBLE_STDOUT_CALLBACK": "json",
             "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1"},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "WARNING" not in completed.stderr, completed.stderr
    (task,) = json.loads(completed.stdout)["plays"][0]["tasks"]
    rendered, expected = task["hosts"]["localhost"]["msg"]
    assert rendered == expected
    assert f"path={template} region=ap-northeast-2\n[backend] file = /var/log/b*.log\ngiven" in rendered
