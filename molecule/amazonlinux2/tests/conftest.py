"""The Amazon Linux 2 scenario reuses the default scenario's fixtures and delivery tests."""

import importlib.util
import sys
from pathlib import Path

DEFAULT_TESTS = Path(__file__).resolve().parents[2] / "default" / "tests"
sys.path.insert(0, str(DEFAULT_TESTS))

_spec = importlib.util.spec_from_file_location("default_conftest", DEFAULT_TESTS / "conftest.py")
_default = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_default)

FILES, GROUPS, INSTANCE_ID = _default.FILES, _default.GROUPS, _default.INSTANCE_ID
logs, inventory = _default.logs, _default.inventory
