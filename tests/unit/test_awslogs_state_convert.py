"""The awslogs agent's SQLite read positions as the unified agent's state files
(roles/awslogs/files/awslogs_state_convert.py).

The unified agent's format, read from its source (aws/amazon-cloudwatch-agent at
ab55b8d, internal/state): the state file of a file is named by its path with
``/``, `` `` and ``:`` as ``_`` (state.go, escapeFilePath), and its single range
tracker writes ``<end>\\n<name>\\n<start>-<end>`` and reads back only the first
line, the offset it seeks to (range.go, singleRangeTracker). The SQLite file is
the real agent's (awscli-cwlogs 1.4.6, this virtualenv's), written while it
pushed to a local endpoint.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from awslogs_streams import awslogs_agent_sections
from cwlogs.kvstore import KeyValueStore

from tests.bench import endpoint
from tests.bench.logs import logs_client, wait_for_messages

FILES = Path(__file__).resolve().parents[2] / "roles" / "awslogs" / "files"
PORT = 5146


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, FILES / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


convert = _load("awslogs_state_convert")


def test_the_state_file_is_named_and_written_as_the_unified_agent_reads_it():
    assert convert.unified_state_name("/var/log/my app:1.log") == "_var_log_my_app_1.log"
    text = convert.unified_state_text("/var/log/containers/backend.log", 4096)
    assert text == "4096\n/var/log/containers/backend.log\n0-4096"
    # singleRangeTracker.UnmarshalText: the first line, a decimal offset.
    assert int(text.split("\n", 1)[0]) == 4096


def _agent_config(tmp_path: Path, log: Path) -> tuple[list[str], dict[str, str]]:
    section = {"name": "backend", "file": str(log), "log_group_name": "/convert/backend", "log_stream_name": "s",
               "initial_position": "start_of_file"}  # fmt: skip
    options = awslogs_agent_sections([section])[0]["options"]
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "logs.conf").write_text("[backend]\n" + "".join(f"{k} = {v}\n" for k, v in options))
    (tmp_path / "awslogs.conf").write_text(f"[general]\nstate_file = {tmp_path / 'agent-state'}\n")
    (tmp_path / "awscli.conf").write_text(
        f"[plugins]\ncwlogs = cwlogs\n[default]\nregion = {endpoint.REGION}\nendpoint_url = {endpoint.url(PORT)}\n"
    )
    env = {**os.environ, "AWS_CONFIG_FILE": str(tmp_path / "awscli.conf"), "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing"}  # fmt: skip
    aws = Path(sys.executable).parent / "aws"
    command = [str(aws), "logs", "push", "--config-file", str(tmp_path / "awslogs.conf"),
               "--additional-configs-dir", str(tmp_path / "config")]  # fmt: skip
    return command, env


@pytest.fixture(scope="module")
def local_endpoint():
    endpoint.start(PORT, fresh=True)
    yield
    endpoint.stop(PORT)


def _run(request: dict) -> list[dict]:
    done = subprocess.run(
        [sys.executable, str(FILES / "awslogs_state_convert.py")],
        input=json.dumps(request), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def test_the_real_agents_state_converts_and_an_unpatched_last_batch_is_said_to_be_sent_again(local_endpoint, tmp_path):
    log = tmp_path / "backend.log"
    log.write_text("".join(f"2026-12-02 07:00:0{n},000 line {n}\n" for n in range(3)))
    command, env = _agent_config(tmp_path, log)
    agent = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_messages(logs_client(PORT), "/convert/backend", "s", lambda found: len(found) == 3, timeout=90)
    finally:
        agent.terminate()
        stderr = agent.communicate(timeout=30)[1]
    rows = sqlite3.connect(tmp_path / "agent-state").execute("SELECT k, v FROM push_state").fetchall()
    assert len(rows) == 1, stderr[-3000:]
    state = json.loads(rows[0][1])
    assert (state["start_position"], state["end_position"]) == (0, log.stat().st_size)

    streams = [{"name": "backend", "file": str(tmp_path / "backend*.log")}]
    request = {"state_file": str(tmp_path / "agent-state"), "state_dir": str(tmp_path / "state"), "write": True}
    (result,) = _run({**request, "streams": streams})
    assert rows[0][0] == convert.source_id("backend", str(log), None)
    assert (result["file"], result["offset"], result["exact"]) == (str(log), 0, False)
    assert f"(3 lines, {log.stat().st_size} bytes) may or may not have been delivered: sent again" in result["note"]
    assert result["summary"].startswith(f"backend: {log} from byte 0 (not exact): ")
    written = tmp_path / "state" / convert.unified_state_name(str(log))
    assert written.read_text() == f"0\n{log}\n0-0"


def test_a_patched_agents_delivered_position_converts_exactly(tmp_path):
    """The patched agent's own record of a delivered batch (cwlogs_push.delivered_state) in the real store."""
    log = tmp_path / "backend.log"
    log.write_text("first line\nsecond line\n")
    key = convert.source_id("backend", str(log), None)
    store = KeyValueStore(str(tmp_path / "agent-state"), "push_state")
    end = log.stat().st_size
    store.save(key, {"source_id": key, "start_position": end, "end_position": end, "batch_timestamp": 1,
                     "first_timestamp": 1, "first_timestamp_status": None, "sequence_token": None})  # fmt: skip
    store.close()
    KeyValueStore(str(tmp_path / "agent-state"), "stream_state").close()
    streams = [{"name": "backend", "file": str(log)}, {"name": "new", "file": str(tmp_path / "new*.log")}]
    (tmp_path / "new-1.log").write_text("never read\n")
    request = {"state_file": str(tmp_path / "agent-state"), "state_dir": str(tmp_path / "state"), "write": False}
    backend, new = _run({**request, "streams": streams})
    assert (backend["offset"], backend["exact"]) == (end, True)
    assert (new["offset"], new["exact"]) == (0, True)
    assert "has not read" in new["note"]
    assert not (tmp_path / "state").exists()
