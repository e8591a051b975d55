"""The drift exit codes live in awslogs_drift/exitcodes.py: the help, the schedule role and the docs agree with it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from awslogs_drift.cli import build_parser
from awslogs_drift.exitcodes import SCHEDULE_CODES, SUMMARY, ExitCode

ROOT = Path(__file__).resolve().parents[2]
SCHEDULE = ROOT / "roles" / "awslogs_drift_schedule"


def test_every_code_has_its_line_in_the_help() -> None:
    assert set(SUMMARY) == set(ExitCode)
    help_text = " ".join(build_parser().format_help().split())
    for code, text in SUMMARY.items():
        assert f"{int(code)} {' '.join(text.split())}" in help_text


def test_the_schedule_role_accepts_exactly_the_schedule_codes() -> None:
    role_vars = yaml.safe_load((SCHEDULE / "vars" / "main.yml").read_text())
    assert role_vars["_awslogs_drift_schedule_exit_codes"] == [int(code) for code in SCHEDULE_CODES]
    defaults = yaml.safe_load((SCHEDULE / "defaults" / "main.yml").read_text())
    assert set(defaults["awslogs_drift_schedule_success_exit_status"]) <= set(SCHEDULE_CODES)
    check = (SCHEDULE / "tasks" / "main.yml").read_text()
    assert "awslogs_drift_schedule_success_exit_status is subset(_awslogs_drift_schedule_exit_codes)" in check


def test_the_docs_table_lists_exactly_the_codes() -> None:
    docs = (ROOT / "docs" / "drift.md").read_text()
    table = docs.split("### Exit codes\n", 1)[1].strip().split("\n\n", 1)[0]
    rows = [line for line in table.splitlines() if re.match(r"\| [0-9]", line)]
    documented = [int(code) for row in rows for code in row.split("|")[1].split("/")]
    assert sorted(documented) == sorted(int(code) for code in ExitCode)
