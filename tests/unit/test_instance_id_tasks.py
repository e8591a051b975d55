"""The instance id lookup: IMDSv2 with a token, the instance id alone, nothing logged, no facts.

The metadata address is never contacted on the bench; these tests read the
role's tasks, and run them (the platform probe included, on files of their
own) against the bench's IMDSv2-only metadata service on 127.0.0.1
(tests/bench/imds.py): a success, an IMDSv1 request refused, a token answer
lost at the hop limit, and a host that is no EC2 instance at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.bench import imds

ROLE = Path(__file__).resolve().parents[2] / "roles" / "awslogs"
INSTANCE_ID = "i-0123456789abcdef0"


def _tasks(node: object) -> Iterator[dict]:
    if isinstance(node, list):
        for item in node:
            yield from _tasks(item)
    elif isinstance(node, dict):
        yield node
        for key in ("block", "rescue", "always"):
            yield from _tasks(node.get(key, []))


def test_no_task_of_the_role_gathers_ec2_metadata_facts() -> None:
    for path in (ROLE / "tasks").glob("*.yml"):
        for task in _tasks(yaml.safe_load(path.read_text())):
            assert not [key for key in task if key.endswith("ec2_metadata_facts")], (path, task)


def test_the_metadata_calls_use_a_token_read_only_the_instance_id_and_log_nothing() -> None:
    tasks = list(_tasks(yaml.safe_load((ROLE / "tasks" / "instance_id.yml").read_text())))
    calls = [task for task in tasks if "ansible.builtin.uri" in task]
    assert [call["ansible.builtin.uri"]["url"].split("}}")[1] for call in calls] == [
        "/latest/api/token",
        "/latest/meta-data/instance-id",
    ]
    token, instance_id = (call["ansible.builtin.uri"] for call in calls)
    assert (token["method"], token["headers"]) == ("PUT", {"X-aws-ec2-metadata-token-ttl-seconds": "60"})
    assert "X-aws-ec2-metadata-token" in instance_id["headers"]
    assert all(call["no_log"] is True for call in calls)
    assert not [task for task in tasks if "ansible.builtin.set_fact" in task and task.get("cacheable")]


PLAY = """\
- name: Resolve the instance id the way the awslogs role does
  hosts: all
  gather_facts: false
  vars:
    awslogs_instance_id: ""
    awslogs_ec2_metadata: auto
    awslogs_streams: [{log_stream_name: "{instance_id}"}]
  tasks:
    - name: Look it up
      ansible.builtin.include_tasks: TASKS
    - name: Show it
      ansible.builtin.debug:
        msg: "instance id [{{ _awslogs_instance_id }}]"
"""


def lookup(tmp_path: Path, endpoint: str, vendor: str) -> subprocess.CompletedProcess:
    """The role's instance_id.yml on this machine, the platform identifiers read from a file saying vendor."""
    (tmp_path / "sys_vendor").write_text(vendor + "\n")
    (tmp_path / "play.yml").write_text(PLAY.replace("TASKS", str(ROLE / "tasks" / "instance_id.yml")))
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_NOCOLOR="1")
    extra = {
        "awslogs_imds_endpoint": endpoint,
        "awslogs_platform_id_files": [str(tmp_path / "sys_vendor")],
        "ansible_python_interpreter": sys.executable,
    }
    return subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", "-c", "local", "-vvv",
         "-e", json.dumps(extra), str(tmp_path / "play.yml")],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


@pytest.fixture
def service() -> Iterator[imds.Imds]:
    with imds.serving(INSTANCE_ID) as server:
        yield server


def endpoint(server: imds.Imds) -> str:
    return imds.url(server.server_address[1])


def test_the_instance_id_is_read_with_a_token_and_the_token_never_shows(service: imds.Imds, tmp_path: Path) -> None:
    done = lookup(tmp_path, endpoint(service), "Amazon EC2")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"instance id [{INSTANCE_ID}]" in done.stdout
    (token,) = service.tokens
    assert token not in done.stdout + done.stderr
    asked = [(r["method"], r["path"], r["token"]) for r in service.requests]
    assert asked == [("PUT", "/latest/api/token", False), ("GET", "/latest/meta-data/instance-id", True)]
    results = json.loads(done.stdout[done.stdout.index("{") :])
    facts = {
        name
        for play in results["plays"]
        for task in play["tasks"]
        for result in task["hosts"].values()
        for name in result.get("ansible_facts", {})
    }
    assert facts == {"_awslogs_instance_id"}  # set_fact without cacheable: never in the fact cache


def test_the_service_refuses_an_imdsv1_request_as_httptokens_required_does(service: imds.Imds) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{endpoint(service)}/latest/meta-data/instance-id", timeout=5)
    assert refused.value.code == 401
    with pytest.raises(urllib.error.HTTPError) as forged:
        request = urllib.request.Request(f"{endpoint(service)}/latest/meta-data/instance-id")
        request.add_header(imds.TOKEN_HEADER, "a-token-it-never-gave")
        urllib.request.urlopen(request, timeout=5)
    assert forged.value.code == 401


def test_a_token_answer_lost_at_the_hop_limit_stops_the_run_with_the_cause(tmp_path: Path) -> None:
    with imds.serving(INSTANCE_ID, drop_token_response=True) as server:
        started = time.monotonic()
        done = lookup(tmp_path, endpoint(server), "Amazon EC2")
        took = time.monotonic() - started
        asked = [(r["method"], r["path"]) for r in server.requests]
    assert done.returncode != 0
    assert "gave no IMDSv2 token: no answer within 5 s" in done.stdout
    assert "HttpPutResponseHopLimit to 2" in done.stdout
    assert asked == [("PUT", "/latest/api/token")]  # no IMDSv1 fallback after the timeout
    assert took < 60


def test_a_refused_token_request_stops_the_run_with_its_status(tmp_path: Path) -> None:
    # A path the service does not serve: an answer that is no token (as the endpoint turned off, or a proxy).
    with imds.serving(INSTANCE_ID) as server:
        done = lookup(tmp_path, endpoint(server) + "/elsewhere", "Amazon EC2")
    assert done.returncode != 0
    assert "gave no IMDSv2 token: HTTP 404" in done.stdout


@pytest.mark.parametrize("vendor", ["QEMU", "innotek GmbH", ""])
def test_a_host_that_is_no_ec2_instance_asks_nothing(service: imds.Imds, tmp_path: Path, vendor: str) -> None:
    done = lookup(tmp_path, endpoint(service), vendor)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "instance id []" in done.stdout
    assert service.requests == []


def test_no_bench_host_can_fall_through_to_the_real_metadata_address() -> None:
    """Every bench host either has a literal instance id or a metadata service on 127.0.0.1."""
    root = ROLE.parents[1]
    host_files = [p for p in root.glob("molecule/*/host_vars/*.yml") if p.stem != "localhost"]
    demo = yaml.safe_load((root / "inventory" / "demo.yml").read_text())
    hosts = {str(p.relative_to(root)): yaml.safe_load(p.read_text()) for p in host_files}
    hosts.update(_inventory_hosts(demo, "inventory/demo.yml"))
    assert len(hosts) >= 9
    for name, host_vars in hosts.items():
        # A pull host writes its literal id into its own settings file (molecule/pull/converge.yml).
        literal = bool(host_vars.get("awslogs_instance_id") or host_vars.get("pull_bench_instance_id"))
        local = str(host_vars.get("awslogs_imds_endpoint", "")).startswith("http://127.0.0.1:")
        assert literal or local or host_vars.get("awslogs_ec2_metadata") == "never", name
    # The bench commands that write their hosts' variables in Python (drift cost, faults) give a literal id too.
    writers = [p for p in (root / "tests" / "bench").glob("*.py") if '"awslogs_endpoint_url"' in p.read_text()]
    assert len(writers) >= 2
    assert all('"awslogs_instance_id"' in p.read_text() for p in writers), writers
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    assert defaults["awslogs_imds_endpoint"] == "http://169.254.169.254"
    tasks = (ROLE / "tasks" / "instance_id.yml").read_text()
    assert "169.254.169.254" not in tasks  # the one default above is the only way to the real address


def _inventory_hosts(node: dict, where: str) -> dict[str, dict]:
    """The agent's hosts of a YAML inventory with their variables, merged over every group they are in."""
    found: dict[str, dict] = defaultdict(dict)
    for group in node.values():
        for name, host_vars in (group.get("hosts") or {}).items():
            if name != "localhost":  # the control node, never an agent host
                found[f"{where}:{name}"].update({**(group.get("vars") or {}), **(host_vars or {})})
        for name, host_vars in _inventory_hosts(group.get("children") or {}, where).items():
            found[name].update(host_vars)
    return found
