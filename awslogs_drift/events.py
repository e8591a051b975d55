"""ansible-runner events -> what one run changed, failed or could not reach.

Pure functions over the event dictionaries ansible-runner yields (and writes
to ``artifacts/<ident>/job_events``), so the report can be rebuilt and tested
from recorded events.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Event = Mapping[str, Any]

# Result keys worth keeping when a change has no diff (a service, a command).
_DETAIL_KEYS = ("state", "enabled", "status", "msg", "cmd", "path", "dest", "name")
# What the report says of a change whose result no_log hid (never the result itself).
CENSORED_DETAIL = "the task has no_log: its diff is not shown"


@dataclass(frozen=True)
class TaskChange:
    """One task that changed (or would change) one host."""

    host: str
    task: str
    role: str
    action: str
    task_path: str
    handler: bool
    diff: str
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity across runs: task uuids differ from run to run, paths do not."""
        return (self.host, self.task_path or self.role, self.task)


@dataclass(frozen=True)
class HostProblem:
    """A host that failed a task or could not be reached."""

    host: str
    kind: str  # "failed" or "unreachable"
    task: str
    message: str


def hosts_with(problems: Iterable[HostProblem], kind: str) -> list[str]:
    """The hosts with a problem of this kind ("failed" or "unreachable"), sorted."""
    return sorted({problem.host for problem in problems if problem.kind == kind})


@dataclass
class RunResult:
    """Everything one ansible-playbook run said, from its events."""

    changes: list[TaskChange] = field(default_factory=list)
    problems: list[HostProblem] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    plays_without_hosts: list[str] = field(default_factory=list)
    started: bool = False
    rc: int = 0
    error: str = ""

    @property
    def drift(self) -> list[TaskChange]:
        """Changes of tasks: a handler's change follows from one of them."""
        return [change for change in self.changes if not change.handler]

    @property
    def unreachable(self) -> list[str]:
        return hosts_with(self.problems, "unreachable")

    @property
    def failed(self) -> list[str]:
        return hosts_with(self.problems, "failed")


def render_diff(diff: Any) -> str:
    """Ansible's diff (a dict or a list of them) as unified-diff text."""
    if not diff:
        return ""
    if isinstance(diff, list):
        return "".join(render_diff(part) for part in diff)
    if not isinstance(diff, Mapping):
        return str(diff)
    if "prepared" in diff:
        return str(diff["prepared"])
    before, after = diff.get("before", ""), diff.get("after", "")
    if isinstance(before, Mapping) or isinstance(after, Mapping):
        before, after = _mapping_text(before), _mapping_text(after)
    lines = difflib.unified_diff(
        str(before).splitlines(keepends=True),
        str(after).splitlines(keepends=True),
        fromfile=str(diff.get("before_header", "before")),
        tofile=str(diff.get("after_header", "after")),
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _mapping_text(value: Any) -> str:
    """A module's before/after state, one key a line, nested values as JSON."""
    if not isinstance(value, Mapping):
        return f"{value}\n" if value else ""
    lines = []
    for key in sorted(value):
        item = value[key]
        if isinstance(item, Mapping | list) and item:
            item = json.dumps(item, indent=2, sort_keys=True, default=str)
        lines.append(f"{key}: {item}\n")
    return "".join(lines)


def _result_diff(res: Mapping[str, Any]) -> str:
    """The diff of a result, or of every changed item of a loop."""
    results = res.get("results")
    if isinstance(results, list):
        return "".join(_result_diff(item) for item in results if isinstance(item, Mapping) and item.get("changed"))
    return render_diff(res.get("diff"))


def _result_detail(res: Mapping[str, Any]) -> dict[str, Any]:
    if "censored" in res:
        # Only the loop's visible items (a censored result has no other key to show).
        detail: dict[str, Any] = {"censored": CENSORED_DETAIL}
    else:
        keys = [key for key in _DETAIL_KEYS if not (key == "msg" and "results" in res)]
        detail = {key: res[key] for key in keys if key in res and isinstance(res[key], str | bool | int)}
    items = [
        _item_label(item)
        for item in res.get("results", [])
        if isinstance(item, Mapping) and item.get("changed") and _item_label(item)
    ]
    if items:
        detail["items"] = items
    return detail


def _item_label(result: Mapping[str, Any]) -> str:
    """What a loop item changed: its file, or the item itself when it is a name."""
    for key in ("dest", "path", "name"):
        if isinstance(result.get(key), str):
            return str(result[key])
    item = result.get("item")
    if isinstance(item, str | int):
        return str(item)
    if isinstance(item, Mapping):
        for key in ("path", "dest", "name"):
            if isinstance(item.get(key), str):
                return str(item[key])
    return ""


def _message(res: Mapping[str, Any]) -> str:
    message = res.get("msg") or res.get("stderr") or res.get("module_stderr") or ""
    if not message and isinstance(res.get("results"), list):
        message = "; ".join(str(item.get("msg", "")) for item in res["results"] if isinstance(item, Mapping))
    return " ".join(str(message).split())[:300]


def parse_events(events: Iterable[Event], rc: int = 0) -> RunResult:
    """Fold a run's events into a RunResult."""
    result = RunResult(rc=rc)
    handler_tasks: set[str] = set()
    play = ""
    seen_hosts: set[str] = set()
    verbose: list[str] = []
    hidden = _HiddenChanges()
    for event in events:
        kind = event.get("event", "")
        data: Mapping[str, Any] = event.get("event_data") or {}
        if kind == "verbose":
            verbose.append(str(event.get("stdout", "")))
        elif kind == "playbook_on_play_start":
            result.started = True
            play = str(data.get("play") or data.get("name") or "")
        elif kind == "playbook_on_no_hosts_matched":
            result.plays_without_hosts.append(play)
        elif kind == "playbook_on_task_start" and _is_handler(data):
            handler_tasks.add(str(data.get("task_uuid", "")))
        elif kind == "runner_item_on_ok":
            hidden.item(data)
        elif kind == "runner_on_ok":
            _ok(result, hidden, data, str(data.get("task_uuid", "")) in handler_tasks)
        elif kind == "runner_on_failed" and not data.get("ignore_errors"):
            result.problems.append(_problem(data, "failed"))
        elif kind == "runner_on_unreachable":
            result.problems.append(_problem(data, "unreachable"))
        elif kind == "playbook_on_stats":
            for counter in ("processed", "ok", "changed", "failures", "dark", "skipped"):
                seen_hosts.update((data.get(counter) or {}).keys())
            result.changes.extend(hidden.changes(data.get("changed") or {}))
    result.hosts = sorted(seen_hosts)
    if rc != 0 and not result.started:
        result.error = _error_text(verbose)
    return result


def _ok(result: RunResult, hidden: _HiddenChanges, data: Mapping[str, Any], handler: bool) -> None:
    res: Mapping[str, Any] = data.get("res") or {}
    if res.get("changed"):
        result.changes.append(_change(data, res, handler))
        hidden.shown(data)
    elif "censored" in res and "changed" not in res and _may_change(data):
        hidden.candidate(data, handler)


# Actions that run on the controller and never report a change of their own: a censored
# result of one is not a hidden change, whatever the recap's count says.
NEVER_CHANGES = frozenset(("set_fact", "include_vars", "assert"))


def _may_change(data: Mapping[str, Any]) -> bool:
    action = str(data.get("resolved_action") or data.get("task_action") or "")
    return action.rsplit(".", 1)[-1] not in NEVER_CHANGES


class _HiddenChanges:
    """Changes that no_log hid: ansible-runner censors a result to ``{'censored': ...}``, ``changed`` with it.

    A loop with one no_log item is censored whole, its other items too. What is
    left to tell: each item's own event (a visible item that changed, and how
    many items are censored), and the recap's count of changed tasks per host.
    """

    def __init__(self) -> None:
        self._candidates: list[tuple[Mapping[str, Any], bool]] = []
        self._shown: dict[str, int] = {}
        # Per (host, task uuid): the visible items that changed, and the number of censored items.
        self._items: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
        self._censored_items: dict[tuple[str, str], int] = {}

    @staticmethod
    def _key(data: Mapping[str, Any]) -> tuple[str, str]:
        return str(data.get("host", "")), str(data.get("task_uuid", ""))

    def item(self, data: Mapping[str, Any]) -> None:
        res: Mapping[str, Any] = data.get("res") or {}
        key = self._key(data)
        if "censored" in res:
            self._censored_items[key] = self._censored_items.get(key, 0) + 1
        elif res.get("changed"):
            self._items.setdefault(key, []).append(res)

    def shown(self, data: Mapping[str, Any]) -> None:
        host = str(data.get("host", ""))
        self._shown[host] = self._shown.get(host, 0) + 1

    def candidate(self, data: Mapping[str, Any], handler: bool) -> None:
        self._candidates.append((data, handler))

    def changes(self, changed_per_host: Mapping[str, int]) -> list[TaskChange]:
        """The censored tasks that changed: a visible item says so, the recap's count says the rest.

        When the count says that only some of a host's censored tasks changed,
        and nothing tells which, every one of them is reported: drift is never hidden.
        """
        found: list[TaskChange] = []
        for host in dict.fromkeys(str(data.get("host", "")) for data, _handler in self._candidates):
            mine = [(data, handler) for data, handler in self._candidates if str(data.get("host", "")) == host]
            hidden = int(changed_per_host.get(host, 0)) - self._shown.get(host, 0)
            known = [entry for entry in mine if self._key(entry[0]) in self._items]
            unknown = [entry for entry in mine if entry not in known]
            changed = known + (unknown if hidden > len(known) else [])
            found.extend(self._change(data, handler) for data, handler in mine if (data, handler) in changed)
        return found

    def _change(self, data: Mapping[str, Any], handler: bool) -> TaskChange:
        key = self._key(data)
        visible = self._items.get(key, [])
        res: dict[str, Any] = {"censored": True, "changed": True, "results": visible}
        change = _change(data, res, handler)
        if self._censored_items.get(key):
            change.detail["censored_items"] = self._censored_items[key]
        return change


def _is_handler(data: Mapping[str, Any]) -> bool:
    # ansible-runner re-uses playbook_on_task_start for handlers and marks them
    # is_conditional, the way Ansible 1 did; the path is the second witness.
    return bool(data.get("is_conditional")) or "/handlers/" in str(data.get("task_path", ""))


def _change(data: Mapping[str, Any], res: Mapping[str, Any], handler: bool) -> TaskChange:
    return TaskChange(
        host=str(data.get("host", "")),
        task=str(data.get("task", "")),
        role=str(data.get("role") or ""),
        action=str(data.get("resolved_action") or data.get("task_action") or ""),
        task_path=_relative_task_path(str(data.get("task_path") or "")),
        handler=handler,
        diff=_result_diff(res),
        detail=_result_detail(res),
    )


def _relative_task_path(path: str) -> str:
    """roles/awslogs/tasks/service.yml:1 rather than a checkout-specific path."""
    for marker in ("/roles/", "/playbooks/"):
        if marker in path:
            return marker.lstrip("/") + path.split(marker, 1)[1]
    return path


def _problem(data: Mapping[str, Any], kind: str) -> HostProblem:
    return HostProblem(
        host=str(data.get("host", "")),
        kind=kind,
        task=str(data.get("task", "")),
        message=_message(data.get("res") or {}),
    )


def _error_text(verbose: list[str]) -> str:
    """What ansible-playbook said before it stopped (a syntax or inventory error)."""
    lines = [line.strip() for chunk in verbose for line in chunk.splitlines() if line.strip()]
    errors = [line for line in lines if "ERROR" in line or "error" in line.lower()]
    return "\n".join(errors or lines)[-2000:]
