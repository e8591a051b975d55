"""The agent's policy holds exactly the CloudWatch Logs calls the agent makes, read from its source.

The agent is `aws logs push` of awscli-cwlogs (the package installed for these
tests, pinned like on the hosts); `aws logs pull` and `aws logs filter` are
other commands of the package that the agent never runs. The role's own
agent-side files (roles/awslogs/files) are read too: what they call must be
in the policy as well. molecule/least_privilege proves it at an endpoint that
enforces IAM.
"""

from __future__ import annotations

import ast
from pathlib import Path

import awscli  # noqa: F401 - cwlogs imports botocore through awscli  # pylint: disable=unused-import
import botocore.session
import cwlogs
from awslogs_policy import AGENT_ACTIONS
from botocore import xform_name

ROLE_FILES = Path(__file__).resolve().parents[2] / "roles" / "awslogs" / "files"
OTHER_COMMANDS = ("pull.py", "filter.py")


def _operations() -> dict[str, str]:
    """snake_case method name -> API operation, of every CloudWatch Logs operation."""
    model = botocore.session.get_session().get_service_model("logs")
    return {xform_name(name): name for name in model.operation_names}


def _calls(paths: list[Path]) -> set[str]:
    operations = _operations()
    called = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in operations:
                called.add(f"logs:{operations[node.func.attr]}")
    return called


def _agent_sources() -> list[Path]:
    package = Path(cwlogs.__file__).parent
    return [path for path in sorted(package.glob("*.py")) if path.name not in OTHER_COMMANDS]


def test_the_agent_calls_exactly_the_actions_of_the_policy() -> None:
    assert cwlogs.__version__ == "1.4.6"
    assert _calls(_agent_sources()) == set(AGENT_ACTIONS)


def test_the_agent_never_calls_describe_log_streams_only_pull_does() -> None:
    assert "logs:DescribeLogStreams" not in _calls(_agent_sources())
    assert "logs:DescribeLogStreams" in _calls([Path(cwlogs.__file__).with_name("pull.py")])


def test_the_roles_agent_side_code_calls_nothing_beyond_the_policy() -> None:
    assert _calls(sorted(ROLE_FILES.glob("*.py"))) <= set(AGENT_ACTIONS)
