"""playbooks/eb_artifacts.yml on a copy of the sample bundle: every target, idempotent, honest in check mode."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml
from ansible_collections.awslogs_ops.awslogs.plugins.filter.awslogs_unified_agent import awslogs_unified_agent_config

from tests.bench.eb_bundle import (
    ACCOUNT,
    SAMPLE_BUNDLE,
    SAMPLE_STREAMS,
    ansible_env,
    changed,
    copy_sample,
    write_artifacts,
)
from tests.bench.process import PROJECT_DIR

SCHEMA = json.loads((Path(__file__).parent / "data" / "amazon-cloudwatch-agent.schema.json").read_text())
STREAMS = yaml.safe_load(SAMPLE_STREAMS.read_text())["awslogs_streams"]
USERS_FILES = sorted(
    str(path.relative_to(SAMPLE_BUNDLE)) for path in SAMPLE_BUNDLE.rglob("*") if path.is_file()
)  # fmt: skip
HOOKS = (".platform/hooks/postdeploy", ".platform/confighooks/postdeploy")
AGENT_JSON = "/opt/aws/amazon-cloudwatch-agent/etc/awslogs-ops.json"


def tree(root: Path) -> dict[str, tuple[str, int]]:
    """{path: (sha256, mode)} of every file under root, and of the policy beside it."""
    files = [*root.rglob("*"), root.parent / f"{root.name}.instance-profile-policy.json"]
    return {
        str(path): (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode)
        for path in files
        if path.is_file()
    }


def unchanged_users_files(bundle: Path) -> None:
    """The bundle's own files are byte for byte the sample's, modes included (the compose file is merged)."""
    for name in USERS_FILES:
        if name == "docker-compose.yml":
            continue
        ours, theirs = bundle / name, SAMPLE_BUNDLE / name
        assert ours.read_bytes() == theirs.read_bytes(), name
        assert ours.stat().st_mode == theirs.stat().st_mode, name


@pytest.fixture(scope="module")
def al2023(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str], dict]:
    bundle = copy_sample(tmp_path_factory.mktemp("al2023"))
    before = tree(bundle)
    check = write_artifacts(bundle, "--check", "--diff")
    assert changed(check) > 0
    assert tree(bundle) == before, "check mode wrote into the bundle"
    assert changed(write_artifacts(bundle)) > 0
    return bundle, check, before


def test_al2023_check_mode_shows_every_file_as_a_diff(al2023):
    bundle, check, _third = al2023
    hooks = [f"{hook}/99-awslogs-ops-cloudwatch-agent.sh" for hook in HOOKS]
    for name in (".ebextensions/awslogs-ops-cloudwatch-agent.config", *hooks, "docker-compose.yml"):
        assert f"+++ after: {bundle / name}" in check.stdout
    assert f"+++ after: {bundle}.instance-profile-policy.json" in check.stdout
    # What the unified agent and Docker's driver do not carry over is in the play's output.
    assert "awslogs_streams[nginx-error].initial_position: not carried over to the unified" in check.stdout


def test_al2023_second_run_changes_nothing_and_the_users_files_stay(al2023):
    bundle = al2023[0]
    after = tree(bundle)
    assert changed(write_artifacts(bundle)) == 0
    assert tree(bundle) == after
    unchanged_users_files(bundle)


def test_al2023_ebextension_carries_the_schema_valid_agent_json_and_append_config(al2023):
    bundle = al2023[0]
    config = yaml.safe_load((bundle / ".ebextensions" / "awslogs-ops-cloudwatch-agent.config").read_text())
    agent_json = json.loads(config["files"][AGENT_JSON]["content"])
    jsonschema.Draft4Validator(SCHEMA).validate(agent_json)
    assert agent_json == awslogs_unified_agent_config(STREAMS, default_retention_in_days=90)
    commands = [command["command"] for command in config["container_commands"].values()]
    assert commands == [
        "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a append-config -s -c file:" + AGENT_JSON,
        f"rm -f {AGENT_JSON}.bak",
    ]
    for hook in HOOKS:
        script = bundle / hook / "99-awslogs-ops-cloudwatch-agent.sh"
        assert os.access(script, os.X_OK)
        assert commands[0] in script.read_text()
        subprocess.run(["sh", "-n", str(script)], check=True)


def test_al2023_policy_beside_the_bundle_names_exactly_the_groups(al2023):
    bundle = al2023[0]
    policy = json.loads((bundle.parent / f"{bundle.name}.instance-profile-policy.json").read_text())
    groups = sorted({stream["log_group_name"] for stream in STREAMS})
    prefix = f"arn:aws:logs:ap-northeast-2:{ACCOUNT}:log-group:"
    assert sorted(policy["Statement"][0]["Resource"]) == [f"{prefix}{group}:*" for group in groups]


def role_logs_conf(tmp_path: Path) -> str:
    """logs.conf as the awslogs role writes it (its template, through Ansible) for the sample's list."""
    playbook = tmp_path / "render.yml"
    template = {
        "src": str(PROJECT_DIR / "roles" / "awslogs" / "templates" / "logs.conf.j2"),
        "dest": str(tmp_path / "logs.conf"),
        "mode": "0600",
    }
    task = {"ansible.builtin.template": template, "vars": {"_awslogs_instance_id": "", "awslogs_stream_defaults": {}}}
    play = {"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": [task]}
    playbook.write_text(yaml.safe_dump([play]))
    subprocess.run(["ansible-playbook", str(playbook), "-e", f"@{SAMPLE_STREAMS}"], cwd=PROJECT_DIR, env=ansible_env(),
                   check=True, capture_output=True, timeout=120)  # fmt: skip
    return (tmp_path / "logs.conf").read_text()


def test_al2_ebextension_holds_the_roles_logs_conf_byte_for_byte(al2023, tmp_path):
    bundle = al2023[0]
    assert changed(write_artifacts(bundle, "-e", "awslogs_eb_platform=al2")) > 0
    assert changed(write_artifacts(bundle, "-e", "awslogs_eb_platform=al2")) == 0
    config = yaml.safe_load((bundle / ".ebextensions" / "log-streaming.config").read_text())
    assert config["files"]["/etc/awslogs/config/logs.conf"]["content"] == role_logs_conf(tmp_path)
    assert 'region = `{"Ref": "AWS::Region"}`' in config["files"]["/etc/awslogs/awscli.conf"]["content"]
    assert config["packages"] == {"yum": {"awslogs": []}}
    assert [c["command"] for c in config["commands"].values()] == [
        "systemctl enable awslogsd",
        "systemctl restart awslogsd",
    ]
    assert config["option_settings"] == {
        "aws:elasticbeanstalk:cloudwatch:logs": {"StreamLogs": True, "DeleteOnTerminate": False, "RetentionInDays": 90}
    }
    # One agent ships the list: the AL2023 files this role wrote are gone, the user's stay.
    assert not (bundle / ".ebextensions" / "awslogs-ops-cloudwatch-agent.config").exists()
    assert not any((bundle / hook / "99-awslogs-ops-cloudwatch-agent.sh").exists() for hook in HOOKS)
    unchanged_users_files(bundle)


def test_a_file_the_role_did_not_write_is_never_replaced(tmp_path):
    bundle = copy_sample(tmp_path)
    (bundle / ".ebextensions" / "log-streaming.config").write_text("# the user's own\n")
    before = tree(bundle)
    done = write_artifacts(bundle, "-e", "awslogs_eb_platform=al2")
    assert done.returncode != 0
    flat = " ".join(done.stdout.split())
    assert f"{bundle}/.ebextensions/log-streaming.config: not written by awslogs-ops" in flat
    assert tree(bundle) == before


def test_a_bad_stream_stops_the_run_naming_stream_and_key(tmp_path):
    bundle = copy_sample(tmp_path)
    before = tree(bundle)
    done = write_artifacts(bundle, "-e", '{"awslogs_streams": [{"name": "x", "file": "/x.log", '
                                   '"log_group_name": "/x", "container": "no such"}]}')  # fmt: skip
    assert done.returncode != 0
    assert "awslogs_streams[x].container must name a Compose service" in done.stdout
    assert tree(bundle) == before
