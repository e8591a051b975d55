"""The stream list rendered as logrotate policies, one file per stream.

``awslogs_logrotate_policies`` returns, for every shipped stream whose
``logrotate`` is not false, the policy file ``/etc/logrotate.d/awslogs-<name>``
and its text. The stream's ``logrotate`` mapping overrides the role's
defaults key by key.

Rename-and-create (``create``) loses nothing: the old file keeps every line
and the application reopens its path (Python's WatchedFileHandler on the next
record, nginx on the postrotate USR1). ``copytruncate`` loses what the
application writes between logrotate's copy and its truncate, and what the
agent had not read yet when the copy was made: only on request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

try:
    from ansible_collections.awslogs_ops.awslogs.plugins.module_utils.awslogs_stream_model import present
except ImportError:  # the unit tests import the plugins from their folders
    from awslogs_stream_model import present

POLICY_DIR = "/etc/logrotate.d"
POLICY_PREFIX = "awslogs-"


def _policy_text(files: str, policy: Mapping[str, Any], header: str) -> str:
    lines = [
        f"{files} {{",
        f"    {policy['frequency']}",
        f"    rotate {int(policy['rotate'])}",
    ]
    if policy.get("maxsize"):
        lines.append(f"    maxsize {policy['maxsize']}")
    lines += ["    missingok", "    notifempty"]
    if policy.get("compress"):
        # The newest copy stays plain: a writer that has not reopened yet still appends to it.
        lines += ["    compress", "    delaycompress"]
    lines.append("    copytruncate" if policy["method"] == "copytruncate" else "    create")
    if policy.get("postrotate"):
        lines += ["    sharedscripts", "    postrotate", f"        {policy['postrotate']}", "    endscript"]
    lines.append("}")
    return header.rstrip("\n") + "\n" + "\n".join(lines) + "\n"


def awslogs_logrotate_policies(
    streams: Iterable[Mapping], defaults: Mapping[str, Any], header: str = ""
) -> list[dict[str, Any]]:
    """Return ``[{'name', 'path', 'content', 'unless_policy'}]`` for the streams that rotate here."""
    policies = []
    for stream in present(streams):
        wanted = stream.get("logrotate", True)
        # A sensitive path shipped on purpose (allow_sensitive) is never rotated by this package as root.
        if wanted is False or stream.get("allow_sensitive") is True:
            continue
        policy = {**defaults, **(wanted if isinstance(wanted, Mapping) else {})}
        policies.append(
            {
                "name": stream["name"],
                "path": f"{POLICY_DIR}/{POLICY_PREFIX}{stream['name']}",
                "content": _policy_text(stream["file"], policy, header),
                "unless_policy": policy.get("unless_policy") or "",
            }
        )
    return policies


class FilterModule:
    def filters(self) -> dict:
        return {"awslogs_logrotate_policies": awslogs_logrotate_policies}
