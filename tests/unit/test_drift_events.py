"""Recorded ansible-runner events -> changes, handlers, problems, errors."""

from __future__ import annotations

import pytest

from awslogs_drift.events import parse_events, render_diff
from tests.unit.fixtures.drift_replay import recorded, result

HOSTS = ["drift-host1", "drift-host2", "localhost"]


def test_a_check_of_converged_hosts_changes_nothing() -> None:
    check = result("converged/check")
    assert check.started
    assert check.rc == 0
    assert check.hosts == HOSTS
    assert check.changes == []
    assert check.problems == []


def test_the_tampered_check_finds_exactly_what_was_tampered_with() -> None:
    drift = {(c.host, c.role, c.action, c.task_path) for c in result("tampered/check").drift}
    assert drift == {
        ("drift-host1", "awslogs", "ansible.builtin.copy", "roles/awslogs/tasks/configure.yml:16"),
        ("drift-host1", "awslogs", "ansible.builtin.systemd_service", "roles/awslogs/tasks/service.yml:2"),
        ("localhost", "awslogs_iam", "amazon.aws.iam_policy", "roles/awslogs_iam/tasks/policy_inline.yml:2"),
        ("localhost", "awslogs_iam", "awslogs_log_group", "roles/awslogs_iam/tasks/log_groups.yml:2"),
    }


def test_a_handler_the_drift_would_notify_is_not_drift() -> None:
    check = result("tampered/check")
    handlers = [c for c in check.changes if c.handler]
    assert [(c.host, c.task) for c in handlers] == [("drift-host1", "Restart awslogsd")]
    assert all(not c.handler for c in check.drift)


def _change(action: str, host: str = "drift-host1"):
    (change,) = [c for c in result("tampered/check").drift if c.action == action and c.host == host]
    return change


def test_the_logs_conf_diff_shows_the_edit_and_the_removed_section() -> None:
    change = _change("ansible.builtin.copy")
    assert change.detail["items"] == ["/etc/awslogs/config/logs.conf"]
    assert "-datetime_format = %d/%b/%Y:%H:%M:%S\n" in change.diff
    assert "+datetime_format = %Y-%m-%d %H:%M:%S\n" in change.diff
    assert "+[nginx-error]\n" in change.diff
    assert change.diff.startswith("--- /etc/awslogs/config/logs.conf\n+++ /etc/awslogs/config/logs.conf\n")


def test_a_service_change_without_a_diff_says_what_it_would_do() -> None:
    change = _change("ansible.builtin.systemd_service")
    assert change.diff == ""
    assert change.detail == {"state": "started", "enabled": True, "name": "awslogsd"}


def test_the_endpoint_drift_diffs_show_the_policy_and_the_retention() -> None:
    policy = _change("amazon.aws.iam_policy", "localhost")
    assert "+CloudwatchPolicy: {\n" in policy.diff
    assert '"logs:PutLogEvents"' in policy.diff
    retention = _change("awslogs_log_group", "localhost")
    assert "-retention_in_days: 7\n+retention_in_days: 90\n" in retention.diff
    assert retention.detail["items"] == ["/aws/elasticbeanstalk/myapp-prd/var/log/nginx/access.log"]


def test_a_task_keeps_its_identity_from_the_check_to_the_apply_run() -> None:
    assert {c.key for c in result("tampered/check").drift} == {c.key for c in result("tampered/apply").drift}
    assert result("tampered/verify").changes == []


def test_an_unreachable_host_is_a_problem_not_a_crash() -> None:
    check = result("host_down/check")
    assert check.rc == 4
    assert check.unreachable == ["drift-host2"]
    assert check.failed == []
    (problem,) = check.problems
    assert problem.kind == "unreachable"
    assert problem.task == "Gather the distribution facts the install method depends on"
    assert len(problem.message) <= 300


def test_the_reachable_hosts_checked_again_show_their_drift() -> None:
    again = result("host_down/check-reachable")
    assert again.problems == []
    assert "drift-host2" not in again.hosts
    assert [(c.host, c.task) for c in again.drift] == [("drift-host1", "Enable and start awslogsd")]


@pytest.mark.parametrize(
    ("name", "rc", "error"),
    [
        ("faults/syntax_error", 4, "[ERROR]: conflicting action statements: ansible.builtin.debug, bogus_keyword"),
        (
            "faults/no_host_matched",
            1,
            "[ERROR]: Specified inventory, host pattern and/or --limit leaves us with no hosts",
        ),
    ],
)
def test_a_run_that_never_started_keeps_ansibles_error(name: str, rc: int, error: str) -> None:
    run = result(name)
    assert (run.started, run.rc) == (False, rc)
    assert run.error.startswith(error)


def test_an_empty_inventory_runs_plays_without_hosts() -> None:
    run = result("faults/empty_inventory")
    assert run.started
    assert run.hosts == []
    assert run.plays_without_hosts == ["all"]


def test_the_error_text_is_kept_only_when_the_run_did_not_start() -> None:
    rc, events = recorded("faults/syntax_error")
    assert parse_events(events, rc).error
    assert parse_events(events, 0).error == ""


def test_ignored_failures_are_not_problems() -> None:
    events = [
        {"event": "playbook_on_play_start", "event_data": {"play": "p"}},
        {"event": "runner_on_failed", "event_data": {"host": "h", "task": "t", "ignore_errors": True, "res": {}}},
        {"event": "runner_on_failed", "event_data": {"host": "h", "task": "u", "res": {"msg": "boom\n  here"}}},
    ]
    run = parse_events(events, 2)
    assert [(p.host, p.kind, p.task, p.message) for p in run.problems] == [("h", "failed", "u", "boom here")]


def test_render_diff_forms() -> None:
    assert render_diff(None) == ""
    assert render_diff({"prepared": "as is\n"}) == "as is\n"
    text = render_diff([{"before": "a\n", "after": "b\n", "before_header": "f", "after_header": "f"}, {}])
    assert text == "--- f\n+++ f\n@@ -1 +1 @@\n-a\n+b\n"
    assert render_diff({"before": "x", "after": "y"}) == "--- before\n+++ after\n@@ -1 +1 @@\n-x\n+y\n"
    assert render_diff({"before": {"n": 1}, "after": {"n": 2}}).endswith("-n: 1\n+n: 2\n")


CENSORED = {"censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result"}


def _censored_run(*tasks: tuple[str, str], changed: int, items: list[dict] | None = None) -> list[dict]:
    """ansible-runner's events of censored tasks (host, task uuid) and a recap that counts `changed` per host."""
    events: list[dict] = [{"event": "playbook_on_play_start", "event_data": {"play": "p"}}]
    events += [{"event": "runner_item_on_ok", "event_data": item} for item in items or []]
    for host, uuid in tasks:
        data = {"host": host, "task": f"Task {uuid}", "task_uuid": uuid, "res": dict(CENSORED)}
        events.append({"event": "runner_on_ok", "event_data": data})
    hosts = {host for host, _uuid in tasks}
    events.append(
        {"event": "playbook_on_stats", "event_data": {"ok": dict.fromkeys(hosts, 2), "changed": {"h": changed}}}
    )
    return events


def test_censored_tasks_count_from_the_recap_when_it_says_they_changed() -> None:
    assert [c.task for c in parse_events(_censored_run(("h", "a"), ("h", "b"), changed=2)).drift] == [
        "Task a",
        "Task b",
    ]
    assert parse_events(_censored_run(("h", "a"), ("h", "b"), changed=0)).drift == []


def test_when_the_recap_cannot_say_which_censored_task_changed_every_one_is_reported() -> None:
    drift = parse_events(_censored_run(("h", "a"), ("h", "b"), changed=1)).drift
    assert [c.task for c in drift] == ["Task a", "Task b"]


def test_a_visible_item_that_changed_names_its_censored_loop_and_shows_only_itself() -> None:
    visible = {"host": "h", "task_uuid": "a", "res": {"changed": True, "item": {"path": "/etc/plain.conf"}}}
    secret = {"host": "h", "task_uuid": "a", "res": dict(CENSORED)}
    # The recap's one change is task a's (its visible item changed): task b stays unchanged.
    run = parse_events(_censored_run(("h", "a"), ("h", "b"), changed=1, items=[visible, secret]))
    (change,) = run.drift
    assert change.task == "Task a"
    assert change.detail == {
        "censored": "the task has no_log: its diff is not shown",
        "items": ["/etc/plain.conf"],
        "censored_items": 1,
    }


def test_a_recorded_check_counts_the_censored_loop_and_the_censored_task() -> None:
    # censored/local_check: a loop of a no_log item (a.conf) and a plain one (b.conf), then a no_log task.
    run = result("censored/local_check")
    assert [(c.task, c.diff != "", c.detail.get("items"), c.detail.get("censored_items")) for c in run.drift] == [
        ("Write files", True, ["b.conf"], 1),
        ("Write one secret", False, None, None),
    ]
    assert all(c.detail["censored"] == "the task has no_log: its diff is not shown" for c in run.drift)
    events = recorded("censored/local_check")[1]
    assert "S3CRET" not in str(events) + str(run)


def test_a_censored_set_fact_is_never_counted_as_a_hidden_change() -> None:
    events = _censored_run(("h", "a"), ("h", "b"), changed=2)
    events[1]["event_data"]["resolved_action"] = "ansible.builtin.set_fact"
    assert [c.task for c in parse_events(events).drift] == ["Task b"]
