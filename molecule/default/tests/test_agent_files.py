"""The agent is installed, configured from the stream list and running."""

import hashlib
import json

import pytest
import yaml
from conftest import FILES, GROUPS, INSTANCE_ID

from tests.bench.process import PROJECT_DIR

CONFIG_FILES = ["/etc/awslogs/awscli.conf", "/etc/awslogs/awslogs.conf", "/etc/awslogs/config/logs.conf"]


@pytest.mark.parametrize("path", CONFIG_FILES)
def test_config_files_are_root_only(host, path):
    config = host.file(path)
    assert config.exists
    assert (config.user, config.group, config.mode) == ("root", "root", 0o600)


def test_awscli_conf_loads_the_plugin_and_points_at_the_endpoint(host):
    text = host.file("/etc/awslogs/awscli.conf").content_string
    assert "[plugins]\ncwlogs = awslogs_ops_cwlogs" in text
    assert "region = ap-northeast-2" in text
    assert "endpoint_url = http://127.0.0.1:5101" in text


def test_the_agent_runs_with_the_extension_and_its_own_package_untouched(host):
    """The extension is the role's file on the agent's PYTHONPATH; the package's push.py is AWS's; it applied."""
    shipped = PROJECT_DIR / "roles" / "awslogs" / "files" / "awslogs_ops_cwlogs.py"
    module = host.file("/usr/local/lib/awslogs-ops/awslogs_ops_cwlogs.py")
    assert (module.user, module.mode) == ("root", 0o644)
    assert module.sha256sum == hashlib.sha256(shipped.read_bytes()).hexdigest()
    assert "PYTHONPATH=/usr/local/lib/awslogs-ops" in host.check_output("systemctl show awslogsd -p Environment")
    role_vars = yaml.safe_load((PROJECT_DIR / "roles" / "awslogs" / "vars" / "main.yml").read_text())
    push_py = host.check_output("find /opt/awslogs -path '*/site-packages/cwlogs/push.py'")
    assert host.file(push_py).sha256sum == role_vars["__awslogs_cwlogs_push_sha256"]
    answer = json.loads(host.check_output(f"/opt/awslogs/bin/python {module.path}"))
    assert answer["problems"] == [] and answer["cwlogs"] == "1.4.6"
    assert "not applied" not in host.check_output("journalctl -u awslogsd --no-pager --output cat")


def test_general_section_sets_the_state_file(host):
    text = host.file("/etc/awslogs/awslogs.conf").content_string
    assert "[general]\nstate_file = /var/lib/awslogs/agent-state" in text


def test_logs_conf_has_one_section_per_stream(host):
    text = host.file("/etc/awslogs/config/logs.conf").content_string
    for name, group in GROUPS.items():
        glob = FILES[name].replace("backend.log", "backend*.log")
        assert f"[{name}]\nfile = {glob}\nlog_group_name = {group}" in text
    assert text.count(f"log_stream_name = {INSTANCE_ID}") == 3
    assert "{instance_id}" not in text


def test_agent_is_the_pinned_one(host):
    version = host.run("/opt/awslogs/bin/pip freeze")
    assert "awscli==1.46.3" in version.stdout
    assert "awscli-cwlogs==1.4.6" in version.stdout


def test_service_is_enabled_and_running(host):
    service = host.service("awslogsd")
    assert service.is_enabled
    assert service.is_running
    pid = host.check_output("systemctl show --property MainPID --value awslogsd")
    command = host.file(f"/proc/{pid}/cmdline").content_string.replace("\0", " ")
    assert "/opt/awslogs/bin/aws logs push --config-file /etc/awslogs/awslogs.conf" in command


def test_the_metadata_address_was_never_asked(host):
    journal = host.run("journalctl -u awslogsd --no-pager").stdout
    assert "Unable to get instance id" not in journal
