"""``python -m awslogs_drift``: the same as the ``awslogs-drift`` command."""

from __future__ import annotations

import sys

from awslogs_drift.cli import main

if __name__ == "__main__":
    sys.exit(main())
