"""README.md and docs/*.md cannot drift from the code: their commands run.

The convention (every file, whoever wrote it):
- a fenced block tagged ``sh`` holds commands that need no AWS account and no
  Docker; they run here, from the repository root, and must succeed;
- ``sh aws`` needs an AWS account or a real fleet: not run;
- ``sh bench`` needs the bench: checked cheaply (``make -n``, the scenario
  exists, ``--help`` of the bench command, the command exists);
- ``sh install`` installs the control node or the built collection: run for
  real by test_control_node_install.py and molecule/collection, checked here
  like ``sh bench``;
- other languages (yaml, ini, json, text, ...) are examples; commands are
  never shown as ``console`` transcripts (their output goes in a ``text`` block).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
SHELL_TAGS = {"sh": "run", "sh aws": "aws", "sh bench": "bench", "sh install": "install"}
# Where the bench's own endpoint and keys belong.
BENCH_DOCS = {"testing.md", "reliability.md"}
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<info>[^`\n]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    info: str
    body: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def _blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        indent = len(match["indent"])
        body = "".join(line[indent:] for line in match["body"].splitlines(keepends=True))
        found.append(Block(path, text.count("\n", 0, match.start()) + 1, " ".join(match["info"].split()), body))
    return found


BLOCKS = [block for path in DOCS for block in _blocks(path)]
SHELL = [block for block in BLOCKS if block.info.split(" ")[0] in {"sh", "bash", "shell", "zsh", "console"}]


def _commands(body: str) -> list[str]:
    """Logical command lines: continuations joined, comments and blank lines dropped."""
    joined = re.sub(r"\\\n\s*", " ", body)
    commands = []
    for line in joined.splitlines():
        words = shlex.split(line, comments=True)
        if words:
            commands.append(shlex.join(words))
    return commands


def _env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "AWS_", "MOLECULE_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["ANSIBLE_NOCOLOR"] = "1"
    return env


def test_every_shell_block_says_whether_it_runs() -> None:
    unknown = [f"{block.where}: ```{block.info}" for block in SHELL if block.info not in SHELL_TAGS]
    assert not unknown, f"tag shell blocks sh, sh aws, sh bench or sh install: {unknown}"


@pytest.mark.parametrize("block", [b for b in SHELL if b.info == "sh"], ids=lambda b: b.where)
def test_sh_blocks_run(block: Block) -> None:
    done = _run(["bash", "-euo", "pipefail", "-c", block.body])
    output = f"{block.where}\n{block.body}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert done.returncode == 0, output
    # ansible-doc exits 0 on a name it does not know: it only warns.
    assert "[WARNING]" not in done.stderr and "[ERROR]" not in done.stderr, output
    assert done.stdout.strip(), output


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120, check=False)


def _check_bench_command(command: str) -> None:
    words = shlex.split(command)
    if words[0] == "flock":
        words = words[2:]
    tool = Path(words[0]).name
    if tool == "make":
        done = _run(["make", "-n", *words[1:]])
        assert done.returncode == 0, done.stderr
    elif tool == "molecule":
        scenario = words[words.index("-s") + 1] if "-s" in words else "default"
        assert (ROOT / "molecule" / scenario / "molecule.yml").is_file(), f"no molecule scenario {scenario}"
    elif words[:3] == ["python", "-m", "tests.bench"]:
        done = _run([sys.executable, "-m", "tests.bench", words[3], "--help"])
        assert done.returncode == 0, f"python -m tests.bench {words[3]} --help failed"
    else:
        assert shutil.which(words[0], path=_env()["PATH"]) or (ROOT / words[0]).exists(), f"{words[0]} not found"


@pytest.mark.parametrize("block", [b for b in SHELL if b.info in {"sh bench", "sh install"}], ids=lambda b: b.where)
def test_sh_bench_blocks_name_what_exists(block: Block) -> None:
    for command in _commands(block.body):
        _check_bench_command(command)


def _anchors(path: Path) -> set[str]:
    """GitHub's heading anchors of a Markdown file."""
    anchors = set()
    for heading in re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), re.M):
        anchors.add(re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-"))
    return anchors


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_somewhere(path: Path) -> None:
    broken = []
    for match in LINK.finditer(path.read_text(encoding="utf-8")):
        target = match["target"]
        if re.match(r"^[a-z]+:", target):
            continue
        file, _hash, anchor = target.partition("#")
        resolved = (path.parent / file).resolve() if file else path
        if not resolved.exists() or (anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved)):
            broken.append(target)
    assert not broken, f"{path.relative_to(ROOT)}: broken links {broken}"


def test_the_readme_is_a_door() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines < 200, f"README.md has {lines} lines: move the details to docs/"


def test_the_full_stream_list_example_lives_in_docs_streams() -> None:
    """The whole group_vars shape (region and stream list) is shown once; other pages show one key."""
    holders = sorted(
        {
            block.path.name
            for block in BLOCKS
            if re.search(r"^awslogs_streams:", block.body, re.M) and re.search(r"^awslogs_region:", block.body, re.M)
        }
    )
    assert holders == ["streams.md"]


def test_user_examples_do_not_point_at_the_bench() -> None:
    bench_like = re.compile(r"endpoint[-_]url\S*\W+https?://127\.0\.0\.1|(access_key_id|ACCESS_KEY_ID)\W+testing\b")
    offending = [block.where for block in BLOCKS if block.path.name not in BENCH_DOCS and bench_like.search(block.body)]
    assert not offending, f"bench endpoints or dummy keys in user examples: {offending}"
