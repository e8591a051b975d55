"""The pip method on each interpreter: the role's pins for it, installed, and an agent that runs on them."""

import json
import re


def test_the_virtualenv_is_built_by_the_hosts_python_with_its_pins(host, platform):
    version = host.check_output("/opt/awslogs/bin/python -c 'import sys; print(\"%d.%d\" % sys.version_info[:2])'")
    assert version == platform.python
    assert host.file("/opt/awslogs/awslogs-ops.pins").content_string.splitlines() == platform.pins
    frozen = host.check_output("/opt/awslogs/bin/pip freeze --disable-pip-version-check")
    # pip's names are case-insensitive, and older pips print them lowercased (pyyaml for PyYAML).
    installed = {line.split("==")[0].lower(): line.lower() for line in frozen.splitlines() if "==" in line}
    assert [installed.get(pin.split("==")[0].lower()) for pin in platform.pins] == [p.lower() for p in platform.pins]


def test_the_aws_command_names_its_release(host, platform):
    awscli = next(pin for pin in platform.pins if pin.startswith("awscli=="))
    version = host.check_output("/opt/awslogs/bin/aws --version 2>&1")
    assert f"aws-cli/{awscli.split('==')[1]} Python/{platform.python}" in version


def test_the_agent_runs_without_a_python_error(host):
    assert host.service("awslogsd").is_running
    journal = host.check_output("journalctl --unit awslogsd --no-pager --output cat")
    assert "Traceback" not in journal, journal[-3000:]
    # The agent's first PutLogEvents to a new stream fails by design; it then creates the stream.
    new_stream = re.compile(r"Caught exception: .*\(ResourceNotFoundException\).*PutLogEvents.*stream does not exist")
    said = "\n".join(line for line in journal.splitlines() if not new_stream.search(line))
    assert not re.findall(r"\b\w*(?:Error|Exception)\b", said), said[-3000:]


def test_the_rest_of_the_interpreter_the_agent_imports_is_there(host):
    # Modules 3.12 and 3.13 removed (imp, distutils, asyncore...) would fail here, not only warn.
    probe = "import json, sys, awscli, cwlogs.push, cwlogs.threads; print(json.dumps(sorted(sys.modules)))"
    modules = json.loads(host.check_output(f"/opt/awslogs/bin/python -c '{probe}'"))
    assert "cwlogs.push" in modules
