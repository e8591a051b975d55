"""Make moto evaluate CloudWatch Logs IAM policies against the resource ARN.

moto 5.2 checks the caller's IAM policies for CloudWatch Logs calls against the
resource ``*`` only, so a policy scoped to log groups (what awslogs_iam puts on
the instance role) denies every call, even those it allows on AWS. This gives
moto's LogsResponse the ARN each call acts on, as AWS's service authorization
reference lists it: the log stream for PutLogEvents and GetLogEvents, the log
group for the other calls that name one, ``*`` for the rest
(DescribeLogGroups). The endpoint becomes stricter, never looser.

tests/bench/endpoint.py puts this directory on PYTHONPATH whenever it starts
an endpoint that enforces IAM.
"""

from __future__ import annotations

import json

from moto.logs.responses import LogsResponse

STREAM_ACTIONS = frozenset(("PutLogEvents", "GetLogEvents"))


def _param(response: LogsResponse, name: str) -> str | None:
    try:
        value = json.loads(response.body or "{}").get(name)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, str) and value else None


def _determine_resource(self: LogsResponse) -> str:
    group = _param(self, "logGroupName")
    if group is None:
        return "*"
    arn = f"arn:aws:logs:{self.region}:{self.current_account}:log-group:{group}"
    stream = _param(self, "logStreamName")
    if self._get_action() in STREAM_ACTIONS and stream is not None:
        return f"{arn}:log-stream:{stream}"
    return arn


LogsResponse._determine_resource = _determine_resource  # type: ignore[attr-defined]
