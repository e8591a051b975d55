"""The awslogs role's one-task drift check of a host (plugins/action/awslogs_host_state.py): its pure parts.

The action runs for real against this machine in test_pip_pins.py, and against every bench host in the
molecule scenarios (a converged host reports nothing, a tampered one converges).
"""

from __future__ import annotations

import hashlib

import pytest
from ansible.errors import AnsibleActionFail
from ansible_collections.awslogs_ops.awslogs.plugins.action import awslogs_host_state as state

PINS = ["awscli==1.46.3", "awscli-cwlogs==1.4.6"]
STREAM = {"name": "backend", "file": "/var/log/app/backend.log", "log_group_name": "g", "log_stream_name": "s"}


def args(**overrides):
    given = {
        "config_dir": "/etc/awslogs/config",
        "marker": "/var/lib/awslogs/pending",
        "streams_file": "/etc/awslogs/config/logs.conf",
        "streams": [STREAM],
        "files": [{"path": "/etc/awslogs/config/logs.conf", "content": "[backend]\n", "mode": "0600", "secret": False}],
        "rotation_policies": [
            {"path": "/etc/logrotate.d/awslogs-backend", "content": "policy\n", "unless_policy": "/etc/logrotate.d/app"}
        ],
        "install_method": "pip",
        "pins_file": "/opt/awslogs/awslogs-ops.pins",
        "pins_table": {"3.11": PINS},
        "pip_packages": [],
        "venv_python": "python3",
        "agent_command": "/opt/awslogs/bin/aws",
        "push_probe": "print(1)",
        "cwlogs_cache": "/var/lib/awslogs/cache.json",
        "service": "awslogsd",
        "state_file": "/var/lib/awslogs/agent-state",
        "log_file": "/var/log/awslogs.log",
        "overwritten_push_sha256": "f" * 64,
        "instance_id": "i-0123456789abcdef0",
        "ec2_metadata": "auto",
        "purge_config_dir": False,
    }
    given.update(overrides)
    return given


def on_host(path, content, mode):
    return {"path": path, "checksum": hashlib.sha1(content.encode()).hexdigest(), "mode": mode, "uid": 0, "gid": 0}


def converged_host(**overrides):
    host = {
        "matches": [],
        "dirs": [],
        "config_files": ["/etc/awslogs/config/logs.conf"],
        "restart_pending": False,
        "cwlogs_push": {"problems": [], "push_sha256": "0" * 64},
        "files": [
            on_host("/etc/awslogs/config/logs.conf", "[backend]\n", "0600"),
            on_host("/opt/awslogs/awslogs-ops.pins", "\n".join(PINS) + "\n", "0644"),
            on_host("/etc/logrotate.d/awslogs-backend", "policy\n", "0644"),
        ],
        "venv_python": {"version": "3.11", "error": ""},
        "service": {"enabled": True, "active": True},
    }
    host.update(overrides)
    return host


def test_the_probe_reads_the_wanted_files_the_pins_and_every_logrotate_policy_a_stream_yields_to():
    request = state.probe_request(args())
    assert request["globs"] == ["/var/log/app/backend.log"]
    assert request["checksum_dirs"] == ["/etc/awslogs/config", "/opt/awslogs", "/etc/logrotate.d", "/etc/logrotate.d"]
    assert request["checksum_patterns"] == ["logs.conf", "awslogs-ops.pins", "awslogs-*", "app"]
    assert request["venv_python"] == "python3"
    assert "files" not in request and "content" not in str(request)  # the rendered files never leave the controller
    assert state.probe_request(args(pip_packages=PINS))["venv_python"] is None


def test_a_converged_host_needs_nothing():
    found = state.compare(args(), converged_host(), PINS)
    assert found == {
        "stale_files": [],
        "stale_rotation": [],
        "retired_rotation": [],
        "foreign_files": [],
        "removed_files": [],
        "agent_missing": False,
        "pip_packages": PINS,
        "converge": False,
    }


@pytest.mark.parametrize(
    "drift",
    [
        {"restart_pending": True},
        {"service": {"enabled": True, "active": False}},
        {"service": {"enabled": False, "active": True}},
        {"cwlogs_push": None},
        {"cwlogs_push": {"push_sha256": "0" * 64}},
        {"cwlogs_push": {"problems": ["cwlogs 1.4.7, not 1.4.6"], "push_sha256": "0" * 64}},
        {"cwlogs_push": {"problems": [], "push_sha256": "f" * 64}},
    ],
)
def test_the_agent_state_alone_makes_a_host_converge(drift):
    found = state.compare(args(), converged_host(**drift), PINS)
    assert found["converge"] is True
    assert found["stale_files"] == []


def test_only_the_files_that_differ_are_named_by_path():
    host = converged_host()
    host["files"][0]["checksum"] = "0" * 40
    found = state.compare(args(), host, ["awscli==1.44.87", "awscli-cwlogs==1.4.6"])
    assert found["stale_files"] == ["/etc/awslogs/config/logs.conf", "/opt/awslogs/awslogs-ops.pins"]
    assert found["converge"] is True


def test_a_missing_pins_file_is_an_agent_to_install():
    host = converged_host(files=converged_host()["files"][::2])
    found = state.compare(args(), host, PINS)
    assert found["agent_missing"] is True
    assert found["stale_files"] == ["/opt/awslogs/awslogs-ops.pins"]
    assert state.compare(args(install_method="package"), host, PINS)["agent_missing"] is False


def test_foreign_config_files_are_removed_only_when_asked():
    host = converged_host(config_files=["/etc/awslogs/config/extra.conf", "/etc/awslogs/config/logs.conf"])
    kept = state.compare(args(), host, PINS)
    assert kept["foreign_files"] == ["/etc/awslogs/config/extra.conf"]
    assert kept["removed_files"] == []
    assert kept["converge"] is True
    assert state.compare(args(purge_config_dir=True), host, PINS)["removed_files"] == ["/etc/awslogs/config/extra.conf"]


def test_logrotate_policies_stale_retired_and_yielded():
    host = converged_host()
    host["files"][2]["checksum"] = "0" * 40
    host["files"].append(on_host("/etc/logrotate.d/awslogs-old", "old\n", "0644"))
    found = state.compare(args(), host, PINS)
    assert [policy["path"] for policy in found["stale_rotation"]] == ["/etc/logrotate.d/awslogs-backend"]
    assert found["stale_rotation"][0]["mode"] == "0644"
    assert found["retired_rotation"] == ["/etc/logrotate.d/awslogs-old"]
    # The application's own policy is there: the role's yields to it (and its own is retired).
    host["files"].append(on_host("/etc/logrotate.d/app", "theirs\n", "0644"))
    yielded = state.compare(args(), host, PINS)
    assert yielded["stale_rotation"] == []
    assert "/etc/logrotate.d/awslogs-backend" in yielded["retired_rotation"]


def test_the_pins_come_from_the_table_by_version_unless_set_by_hand():
    assert state.chosen_pins(args(), {"version": "3.11", "error": ""}, "web1") == PINS
    assert state.chosen_pins(args(pip_packages=["awscli==1.46.2"]), None, "web1") == ["awscli==1.46.2"]
    with pytest.raises(AnsibleActionFail, match=r"awslogs_venv_python \(python3\) on web1 is Python 3.8; .* 3.11\."):
        state.chosen_pins(args(), {"version": "3.8", "error": ""}, "web1")
    with pytest.raises(AnsibleActionFail, match=r"on web1 is not there \(No such file\)"):
        state.chosen_pins(args(), {"version": None, "error": "No such file"}, "web1")


def test_instance_id_streams_need_an_id_off_ec2():
    uses_id = [{**STREAM, "log_stream_name": "{instance_id}"}]
    assert state.unresolved_instance_id(args(streams=uses_id)) is None
    said = state.unresolved_instance_id(args(streams=uses_id, instance_id=""))
    assert said and said.startswith("awslogs_streams[backend].log_stream_name uses {instance_id}")
    assert state.unresolved_instance_id(args(streams=uses_id, instance_id="", ec2_metadata="never")) is None
    assert state.unresolved_instance_id(args(instance_id="")) is None
