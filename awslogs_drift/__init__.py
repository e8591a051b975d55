"""awslogs-drift: find what drifted on the hosts, put it right, prove it, report.

Built on ansible-runner: every decision is taken from the structured events of
the runs (``runner_on_ok`` with ``changed`` and ``diff``, ``runner_on_failed``,
``runner_on_unreachable``, ``playbook_on_stats``), never from terminal output.
"""

from __future__ import annotations

__version__ = "0.1.0"
