"""ansible-test sanity on the collection, as a Galaxy or Automation Hub user runs it.

    python -m tests.collection_sanity

ansible-test needs the collection at ``ansible_collections/awslogs_ops/awslogs``
with its dependencies beside it, so this copies the checkout's files (tracked
and new, less the ``collections/`` link back to the checkout, which would make
the collection contain itself) to ``.cache/sanity/``, puts amazon.aws and
community.general from the installed ``ansible`` package beside it, and runs
``ansible-test sanity --local --requirements`` with this interpreter.
Exceptions live in ``tests/sanity/ignore-<ansible-core>.txt``, each with its
reason on its line.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import ansible_collections

PROJECT_DIR = Path(__file__).resolve().parents[1]
SANITY_ROOT = PROJECT_DIR / ".cache" / "sanity"
COLLECTION_DIR = SANITY_ROOT / "ansible_collections" / "awslogs_ops" / "awslogs"
DEPENDENCIES = ("amazon/aws", "community/general")
SELF_LINK = "collections/"

# ansible-test bootstraps pip in its requirement venvs with a script it
# downloads from a host the bench cannot reach; the interpreter's own
# ensurepip does the same job.
GET_PIP_STAND_IN = 'import ensurepip, sys; sys.exit(ensurepip._main(["--upgrade", "--default-pip"]))\n'


def _project_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=PROJECT_DIR,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted(
        name for name in listed.split("\0") if name and not name.startswith(SELF_LINK) and (PROJECT_DIR / name).exists()
    )


def _copy_collection() -> None:
    shutil.rmtree(SANITY_ROOT, ignore_errors=True)
    for name in _project_files():
        target = COLLECTION_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_DIR / name, target, follow_symlinks=False)
    installed = Path(ansible_collections.__path__[0])
    for dependency in DEPENDENCIES:
        shutil.copytree(installed / dependency, SANITY_ROOT / "ansible_collections" / dependency, symlinks=True)
    # ansible-test lists a collection's files with git when it is a repository.
    for command in (["git", "init", "-q", "."], ["git", "add", "-A"]):
        subprocess.run(command, cwd=COLLECTION_DIR, check=True, capture_output=True)


def _get_pip_stand_in() -> None:
    cache = Path.home() / ".ansible" / "test" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    for script in cache.glob("get_pip_*.py"):
        if script.read_text() != GET_PIP_STAND_IN:
            return  # a real bootstrap script is there: ansible-test uses it
    (cache / "get_pip_24_2.py").write_text(GET_PIP_STAND_IN)  # the pip ansible-test 2.19 bootstraps


def main() -> int:
    _copy_collection()
    _get_pip_stand_in()
    ansible_test = Path(sys.executable).with_name("ansible-test")
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    core = version("ansible-core")
    print(f"sanity: ansible-test sanity (ansible-core {core}, Python {python}) in {COLLECTION_DIR}", flush=True)
    return subprocess.run(
        [str(ansible_test), "sanity", "--local", "--python", python, "--requirements", "--color", "no"],
        cwd=COLLECTION_DIR,
        check=False,
    ).returncode


if __name__ == "__main__":
    sys.exit(main())
