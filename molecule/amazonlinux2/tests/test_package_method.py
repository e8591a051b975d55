"""The package method: the awslogs package, its awslogsd, our configuration."""

import pytest
from test_delivery import (  # noqa: F401 - collected here too  # pylint: disable=unused-import
    test_a_line_arrives_in_its_group_and_stream,
    test_a_line_written_before_the_agent_started_arrives_once_even_after_a_restart,
    test_a_traceback_arrives_as_one_event,
)


def test_the_awslogs_package_is_installed(host):
    assert host.package("awslogs").is_installed


@pytest.mark.parametrize(
    "path", ["/etc/awslogs/awscli.conf", "/etc/awslogs/awslogs.conf", "/etc/awslogs/config/logs.conf"]
)
def test_config_files_are_root_only(host, path):
    config = host.file(path)
    assert (config.user, config.group, config.mode) == ("root", "root", 0o600)


def test_no_virtualenv_and_no_unit_of_our_own(host):
    assert not host.file("/opt/awslogs").exists
    assert not host.file("/etc/systemd/system/awslogsd.service").exists


def test_the_package_service_runs(host):
    service = host.service("awslogsd")
    assert service.is_enabled
    assert service.is_running
