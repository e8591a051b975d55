"""Make moto evaluate CloudWatch Logs IAM policies against the resource ARN AWS documents.

moto 5.2 checks the caller's IAM policies for CloudWatch Logs calls against the
resource ``*`` only, so a policy scoped to log groups denies every call, even
those it allows on AWS. This gives moto's LogsResponse the resource each call
acts on, the way AWS documents it (docs/iam.md cites the pages), not the way
our generated policy happens to be written:

- PutLogEvents and GetLogEvents act on a log stream (the Service Authorization
  Reference's ``log-stream`` resource type):
  ``arn:aws:logs:REGION:ACCOUNT:log-group:GROUP:log-stream:STREAM``;
- the other calls that name a group act on the group in the form the API
  reference's LogGroup ``arn`` gives for IAM policies of "most API actions",
  with its trailing ``:*``: ``arn:aws:logs:REGION:ACCOUNT:log-group:GROUP:*``.
  A policy that names only ``log-group:GROUP`` (the form AWS reserves for the
  tagging actions) or only ``log-group:GROUP:log-stream:*`` does not match it;
- calls without a group (DescribeLogGroups) act on ``*``.

The endpoint becomes stricter, never looser. tests/bench/endpoint.py puts this
directory on PYTHONPATH whenever it starts an endpoint that enforces IAM.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from moto.logs.responses import LogsResponse

STREAM_ACTIONS = frozenset(("PutLogEvents", "GetLogEvents"))


def resource_arn(action: str, region: str, account: str, params: Mapping[str, Any]) -> str:
    """The resource a CloudWatch Logs call is authorized against."""
    group, stream = params.get("logGroupName"), params.get("logStreamName")
    if not isinstance(group, str) or not group:
        return "*"
    arn = f"arn:aws:logs:{region}:{account}:log-group:{group}"
    if action in STREAM_ACTIONS and isinstance(stream, str) and stream:
        return f"{arn}:log-stream:{stream}"
    return f"{arn}:*"


def _params(response: LogsResponse) -> Mapping[str, Any]:
    try:
        params = json.loads(response.body or "{}")
    except (TypeError, ValueError):
        return {}
    return params if isinstance(params, dict) else {}


def _determine_resource(self: LogsResponse) -> str:
    return resource_arn(self._get_action(), self.region, self.current_account, _params(self))


LogsResponse._determine_resource = _determine_resource  # type: ignore[attr-defined]
