"""The instance id lookup: IMDSv2 with a token, the instance id alone, nothing logged, no facts.

The metadata address is never contacted on the bench; these tests read the
role's tasks, and run them against a local stand-in of IMDSv2 on 127.0.0.1
that refuses requests without a token, as IMDSv2-only instances do.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

ROLE = Path(__file__).resolve().parents[2] / "roles" / "awslogs"
TOKEN = "AQAEAtoken-never-logged"
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


class _Imds(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_PUT(self) -> None:
        self.requests.append(f"PUT {self.path}")
        ok = self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        self._reply(200 if ok else 400, TOKEN)

    def do_GET(self) -> None:
        self.requests.append(f"GET {self.path}")
        if self.headers.get("X-aws-ec2-metadata-token") != TOKEN:
            self._reply(401, "")  # IMDSv2 only: no token, no answer
        else:
            self._reply(200 if self.path == "/latest/meta-data/instance-id" else 404, INSTANCE_ID)

    def _reply(self, status: int, body: str) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def imds() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Imds)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Imds.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


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
      vars:
        # An EC2 host's DMI vendor.
        _awslogs_platform_ids: {stdout: "Amazon EC2"}
    - name: Show it
      ansible.builtin.debug:
        msg: "instance id {{ _awslogs_instance_id }}"
"""


def test_the_instance_id_is_read_with_a_token_and_the_token_never_shows(imds: str, tmp_path: Path) -> None:
    # The platform probe is replaced by the vars above: no /sys read decides here.
    tasks = (ROLE / "tasks" / "instance_id.yml").read_text()
    probe = tasks.index("    - name: Read the platform identifiers")
    token = tasks.index("    - name: Ask the instance metadata service")
    (tmp_path / "instance_id.yml").write_text(tasks[:probe] + tasks[token:])
    (tmp_path / "play.yml").write_text(PLAY.replace("TASKS", str(tmp_path / "instance_id.yml")))
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_NOCOLOR="1")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", "-c", "local", "-vvv",
         "-e", f"__awslogs_imds_url={imds}", "-e", f"ansible_python_interpreter={sys.executable}",
         str(tmp_path / "play.yml")],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"instance id {INSTANCE_ID}" in done.stdout
    assert TOKEN not in done.stdout + done.stderr
    assert _Imds.requests == ["PUT /latest/api/token", "GET /latest/meta-data/instance-id"]
    results = json.loads(done.stdout[done.stdout.index("{") :])
    facts = {
        name
        for play in results["plays"]
        for task in play["tasks"]
        for result in task["hosts"].values()
        for name in result.get("ansible_facts", {})
    }
    assert facts == {"_awslogs_instance_id"}  # set_fact without cacheable: never in the fact cache
