"""The control node's install, for real: `make venv` and `pip install .` give
ansible, ansible-runner, boto3 and a working `awslogs-drift`, and no test tool."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEST_TOOLS = {"molecule", "pytest", "moto", "mypy", "ruff", "ansible-lint", "yamllint", "pytest-testinfra"}


def _run(argv: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(sys.prefix))
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"{argv}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def control_venv(tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("control") / "venv"
    _run(["make", "venv", f"VENV={venv}", f"PYTHON={shutil.which('python3') or sys.executable}"])
    return venv


def test_make_venv_gives_the_runner_and_no_test_tool(control_venv):
    assert _run([str(control_venv / "bin" / "awslogs-drift"), "--version"]).stdout.startswith("awslogs-drift ")
    installed = _run([str(control_venv / "bin" / "pip"), "list", "--format=freeze"]).stdout
    names = {line.split("==")[0].lower() for line in installed.splitlines()}
    assert {"ansible", "ansible-core", "ansible-runner", "boto3"} <= names
    assert not names & TEST_TOOLS


def test_the_collection_and_its_modules_resolve_from_the_control_nodes_install(control_venv):
    ansible_doc = str(control_venv / "bin" / "ansible-doc")
    assert "iam_role" in _run([ansible_doc, "-t", "module", "amazon.aws.iam_role"]).stdout
    done = _run([ansible_doc, "-t", "filter", "awslogs_ops.awslogs.awslogs_stream_errors"])
    assert "awslogs_stream_errors" in done.stdout and "[WARNING]" not in done.stderr


def test_pip_install_of_the_checkout_gives_the_command(control_venv, tmp_path):
    # A copy of the tracked files: a build in the checkout would leave build/ and *.egg-info behind.
    files = _run(["git", "ls-files", "-z"]).stdout.split("\0")
    source = tmp_path / "src"
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    _run([str(control_venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", "."], cwd=source)
    assert _run([str(control_venv / "bin" / "awslogs-drift"), "--version"]).stdout.startswith("awslogs-drift ")
