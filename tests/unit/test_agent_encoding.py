"""A file in another encoding, through the real agent (awscli-cwlogs 1.4.6, its dry run) and the
role's logs.conf template: without `encoding` a latin-1 byte arrives as U+FFFD, with
`encoding: latin_1` as the character it was (docs/reliability.md, oversized and odd lines)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from test_awslogs_rendered_config import render

LINE = "2026-11-30 03:00:00,123 payment received user=José\n"
FORMAT = "%Y-%m-%d %H:%M:%S,%f"


def test_the_encoding_key_decodes_a_latin_1_file(tmp_path: Path) -> None:
    streams = []
    for name, extra in (("as-utf-8", {}), ("as-latin-1", {"encoding": "latin_1"})):
        (tmp_path / f"{name}.log").write_bytes(LINE.encode("latin_1"))
        streams.append(
            {"name": name, "file": str(tmp_path / f"{name}.log"), "log_group_name": f"/test/{name}",
             "log_stream_name": "s", "initial_position": "start_of_file", "datetime_format": FORMAT, **extra}
        )  # fmt: skip
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "logs.conf").write_text(
        render("logs.conf.j2", awslogs_streams=streams, _awslogs_instance_id="i")
    )
    (tmp_path / "awslogs.conf").write_text(f"[general]\nstate_file = {tmp_path / 'state'}\n")
    (tmp_path / "awscli.conf").write_text("[plugins]\ncwlogs = cwlogs\n[default]\nregion = eu-west-1\n")
    env = {**os.environ, "AWS_CONFIG_FILE": str(tmp_path / "awscli.conf"), "AWS_ACCESS_KEY_ID": "dry-run",
           "AWS_SECRET_ACCESS_KEY": "dry-run"}  # fmt: skip
    aws = Path(sys.executable).parent / "aws"
    command = [str(aws), "logs", "push", "--config-file", str(tmp_path / "awslogs.conf"),
               "--additional-configs-dir", str(tmp_path / "config"), "--dry-run"]  # fmt: skip
    # The agent never exits by itself: one publish period (5 s) and a margin, then timeout stops it.
    done = subprocess.run(["timeout", "9", *command], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 124, done.stderr[-2000:]
    printed = sorted(done.stdout.splitlines())
    assert printed == sorted([LINE.rstrip("\n"), LINE.rstrip("\n").replace("é", "\ufffd")]), done.stderr[-2000:]
