"""playbooks/format_check.yml: the agent's own dry run on a sample of real lines, before shipping a format."""

from __future__ import annotations

import os
import subprocess

from conftest import PROJECT_DIR

BACKEND_LOG = "/var/log/containers/backend.log"


def format_check(stream: str, sample: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            "ansible-playbook",
            "-i",
            os.environ["MOLECULE_INVENTORY_FILE"],
            "playbooks/format_check.yml",
            "-e",
            f"awslogs_format_check_stream={stream}",
            "-e",
            f"awslogs_format_check_sample={sample}",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "ANSIBLE_CONFIG": str(PROJECT_DIR / "ansible.cfg"), "ANSIBLE_FORCE_COLOR": "0"},
        cwd=PROJECT_DIR,
        check=False,
    )


def test_real_django_lines_pass_with_their_milliseconds(host, tmp_path):
    sample = tmp_path / "backend-sample.log"
    sample.write_text(host.file(BACKEND_LOG).content_string)
    result = format_check("backend", str(sample))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "backend: " in result.stdout
    assert " 0 without a parseable time; first event stamped " in result.stdout


def test_a_format_that_does_not_fit_fails_naming_stream_and_key(host, tmp_path):
    sample = tmp_path / "backend-sample.log"
    sample.write_text(host.file(BACKEND_LOG).content_string)
    result = format_check("nginx-error", str(sample))
    assert result.returncode != 0
    assert "awslogs_streams[nginx-error].datetime_format '%Y/%m/%d %H:%M:%S': " in result.stdout
    assert "had no time the agent could parse" in result.stdout
