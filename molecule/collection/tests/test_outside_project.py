"""The collection used from a project outside the repository: installed from
the built artifact, its roles and filters by their full names, the agent on a
bench host shipping to the local endpoint."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

sys.path.insert(0, os.environ.get("MOLECULE_PROJECT_DIRECTORY", str(Path(__file__).resolve().parents[3])))

from tests.bench.logs import logs_client, wait_for_messages

OUTSIDE = Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/nonexistent")) / "outside"
CHECKOUT = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", Path(__file__).resolve().parents[3]))
INSTALLED = OUTSIDE / "collections" / "ansible_collections" / "awslogs_ops" / "awslogs"
GROUP = "/aws/elasticbeanstalk/outside-test/var/log/containers/backend.log"
INSTANCE_ID = "i-0c011ec7100000001"


def test_the_project_is_outside_the_repository():
    assert not OUTSIDE.resolve().is_relative_to(CHECKOUT.resolve())


def test_the_collection_is_the_installed_artifact_not_the_checkout():
    assert not INSTALLED.is_symlink()
    assert (INSTALLED / "MANIFEST.json").is_file()
    assert not (INSTALLED / "molecule").exists()
    assert not (INSTALLED / "site.yml").exists()


def test_the_runs_used_the_full_names_and_the_second_changed_nothing():
    first = (OUTSIDE / "run-first.log").read_text()
    again = (OUTSIDE / "run-again.log").read_text()
    assert "awslogs_ops.awslogs.awslogs : Enable and start awslogsd" in first
    assert "awslogs_ops.awslogs.awslogs_iam : Create each log group" in first
    assert "failed=0" in again
    assert "changed=0" in again
    assert "changed=1" not in again


def test_the_log_group_has_its_retention():
    client = logs_client(int(os.environ.get("AWSLOGS_BENCH_PORT", "5107")))
    [group] = client.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"]
    assert group["retentionInDays"] == 7


def test_a_line_arrives_from_the_host(host):
    line = f"2026-11-24 10:00:00 INFO outside {uuid.uuid4()}"
    host.run_expect([0], f"mkdir -p /var/log/containers && echo '{line}' >> /var/log/containers/backend.log")
    client = logs_client(int(os.environ.get("AWSLOGS_BENCH_PORT", "5107")))
    found = wait_for_messages(client, GROUP, INSTANCE_ID, lambda got: line in got, timeout=60)
    assert found.count(line) == 1
