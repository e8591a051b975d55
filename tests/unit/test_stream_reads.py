"""What a stream may read: normal paths, the sensitive deny-list, links and writable directories on the host."""

from __future__ import annotations

import pytest
from awslogs_logrotate import awslogs_logrotate_policies
from awslogs_streams import awslogs_file_errors, awslogs_stream_errors, sensitive_match

GROUP = "/aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log"
DENIED = [
    "/etc/shadow",
    "/etc/gshadow",
    "/etc/sudoers",
    "/etc/sudoers.d/90-cloud-init-users",
    "/root/.ssh/id_rsa",
    "/etc/ssh/ssh_host_ed25519_key",
    "/root/.aws/credentials",
    "/home/ec2-user/.ssh/authorized_keys",
    "/proc/self/environ",
    "/sys/kernel/notes",
    "/opt/awslogs/.pip-environment",
    "/opt/awslogs-drift/.pip-environment",
    "/etc/awslogs-drift/drift.env",
    # Globs that can reach one of them.
    "/etc/*",
    "/etc/sh*",
    "/etc/s[gh]adow",
    "/*/shadow",
    "/home/*/.s*/*",
    "/opt/*/.*",
    # Written around the check: normalised before it.
    "/var/log/../../etc/shadow",
    "/etc/./shadow",
]
OWN = ["/etc/awslogs//awscli.conf", "/etc/./awslogs/awscli.conf", "/var/log/../../etc/awslogs/proxy.conf"]
ALLOWED = ["/var/log/containers/backend*.log", "/var/log/nginx/access.log", "/home/*/app/*.log", "/opt/*/*.log"]


def errors(**stream) -> list[str]:
    return awslogs_stream_errors([{"name": "backend", "log_group_name": GROUP, **stream}])


@pytest.mark.parametrize("path", DENIED)
def test_a_sensitive_path_is_refused_naming_the_stream_and_key(path):
    found = errors(file=path)
    assert any(e.startswith("awslogs_streams[backend].file") and "sensitive path" in e for e in found), found


@pytest.mark.parametrize("path", DENIED[:13])
def test_allow_sensitive_lets_it_through(path):
    assert errors(file=path, allow_sensitive=True) == []


@pytest.mark.parametrize("path", OWN)
def test_the_own_file_guard_reads_the_normal_path(path):
    found = errors(file=path)
    assert any("matches the agent's own file" in e for e in found), found
    assert any("must be written in normal form" in e for e in found), found


@pytest.mark.parametrize("path", ALLOWED)
def test_an_ordinary_log_is_not_sensitive(path):
    assert sensitive_match(path) is None
    assert errors(file=path) == []


def test_allow_sensitive_is_a_boolean():
    assert errors(file="/var/log/x.log", allow_sensitive="yes") == [
        "awslogs_streams[backend].allow_sensitive must be true or false, got 'yes'"
    ]


def test_no_logrotate_policy_for_a_sensitive_path():
    streams = [{"name": "auth", "file": "/etc/shadow", "log_group_name": GROUP, "allow_sensitive": True}]
    defaults = {"method": "create", "frequency": "daily", "rotate": 7}
    assert awslogs_logrotate_policies(streams, defaults) == []


STREAM = {"name": "backend", "file": "/var/log/containers/backend*.log", "log_group_name": GROUP}
ROOT_DIR = {"path": "/var/log/containers", "uid": 0, "gid": 0, "mode": 0o755}


def link(target: str, realdir: str = "/var/log/containers") -> dict:
    return {"path": "/var/log/containers/backend-x.log", "isdir": False, "target": target, "realdir": realdir}


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("/etc/shadow", "the sensitive path '/etc/shadow*'"),
        ("/etc/awslogs/awscli.conf", "the agent's own file"),
        ("/etc/nginx/nginx.conf", "a file outside the stream's directory"),
    ],
)
def test_a_symlink_out_of_the_directory_is_refused_on_the_host(target, problem):
    found = awslogs_file_errors([STREAM], [link(target)], [ROOT_DIR])
    assert len(found) == 1, found
    assert found[0].startswith("awslogs_streams[backend].file '/var/log/containers/backend*.log' matches ")
    assert problem in found[0]


def test_a_symlink_inside_the_directory_and_a_plain_file_pass():
    plain = {"path": "/var/log/containers/backend.log", "isdir": False, "target": None, "realdir": None}
    assert awslogs_file_errors([STREAM], [plain, link("/var/log/containers/backend.log")], [ROOT_DIR]) == []


@pytest.mark.parametrize(
    "folder",
    [
        {**ROOT_DIR, "uid": 999},
        {**ROOT_DIR, "gid": 999, "mode": 0o775},
        {**ROOT_DIR, "mode": 0o1777},
    ],
)
def test_a_directory_others_can_write_is_refused_unless_allowed(folder):
    found = awslogs_file_errors([STREAM], [], [folder])
    assert len(found) == 1 and "which a user other than root can write to" in found[0], found
    assert "chown root" in found[0]
    assert awslogs_file_errors([{**STREAM, "allow_writable_dir": True}], [], [folder]) == []


def test_a_group_writable_directory_of_root_s_group_passes():
    assert awslogs_file_errors([STREAM], [], [{**ROOT_DIR, "mode": 0o775}]) == []
