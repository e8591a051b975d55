"""The fault table's pass marks: what each case must show for the package's agent."""

import pytest

from tests.bench.faults import BATCH_LINES, CASES, EXPECTATIONS, markdown, verdict


def _row(expect: str, lost: int = 0, duplicated: int = 0) -> dict:
    return {
        "subject": "agent",
        "case": "c",
        "what": "w",
        "rate": 200,
        "expect": expect,
        "streams": 1,
        "written": 100,
        "delivered": 100 - lost,
        "lost": lost,
        "duplicated": duplicated,
        "p50_ms": 1,
        "p95_ms": 2,
    }


@pytest.mark.parametrize(
    ("expect", "lost", "duplicated", "mark"),
    [
        ("exact", 0, 0, "ok"),
        ("exact", 0, 1, "FAIL"),
        ("exact", 1, 0, "FAIL"),
        ("one batch", 0, BATCH_LINES, "ok"),
        ("one batch", 0, BATCH_LINES + 1, "FAIL"),
        ("one batch", 1, 0, "FAIL"),
        ("window", 74, 0, "ok"),
        ("window", 0, 1, "FAIL"),
        ("compared", 5000, 0, "measured"),
    ],
)
def test_each_expectation_has_its_pass_mark(expect, lost, duplicated, mark):
    assert verdict(_row(expect, lost, duplicated)) == mark


def test_only_a_kill_may_resend_and_only_copytruncate_may_lose():
    agent = {c.name: c.expect for c in CASES if c.subject == "agent"}
    assert {name for name, expect in agent.items() if expect != "exact"} == {
        "kill9",
        "kill9-in-flight",
        "rotate-copytruncate",
    }
    assert all(c.expect == "compared" for c in CASES if c.subject != "agent")
    assert {c.expect for c in CASES} <= set(EXPECTATIONS)


def test_the_table_prints_the_verdict():
    (_header, _rule, line) = markdown([_row("exact", duplicated=3)])
    assert line.endswith("| FAIL (exact) |")
