"""The compile cache renders exactly what Jinja renders without it, keeps each string once, and stays off
where it cannot be trusted (another version, a directory others can write to)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible._internal._templating import _jinja_bits
from ansible_collections.awslogs_ops.awslogs.plugins.plugin_utils import awslogs_compile_cache as cache

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = {
    "inline": "{{ greeting | upper }} {{ names | join(',') }}\\n"
    "{% for n in names %}{{ loop.index }}={{ n }} {% endfor %}",
    "file": "{{ lookup('ansible.builtin.template', 'sample.j2') }}",
    "raw": "{% raw %}{{ not templated }}{% endraw %}",
}
PLAY = [
    {
        "name": "Render",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "vars": {"greeting": "hello", "names": ["a", "b"], **{f"t_{name}": text for name, text in TEMPLATES.items()}},
        "tasks": [
            {
                "name": "Keep what was rendered",
                "ansible.builtin.copy": {
                    "content": "{{ {" + ", ".join(f"'{name}': t_{name}" for name in TEMPLATES) + "} | to_json }}",
                    "dest": "{{ out }}",
                    "mode": "0600",
                },
            }
        ],
    }
]


def test_the_installed_jinja_and_ansible_core_are_the_measured_ones() -> None:
    assert cache.fingerprint() in cache.MEASURED_SHA256


def _render(tmp_path: Path, run: str, callbacks: str) -> str:
    (tmp_path / "play.yml").write_text(yaml.safe_dump(PLAY))
    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "templates" / "sample.j2").write_text("{% if greeting %}{{ greeting }}\\{{ names[0] }}{% endif %}\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        ANSIBLE_CALLBACKS_ENABLED=callbacks,
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
    )
    out = tmp_path / f"{run}.json"
    done = subprocess.run(
        ["ansible-playbook", "-i", "localhost,", str(tmp_path / "play.yml"), "-e", f"out={out}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stdout + done.stderr, done.stdout + done.stderr
    assert "ok=1" in done.stdout, done.stdout
    return out.read_text()


def _entries(tmp_path: Path) -> list[Path]:
    return [path for path in (tmp_path / "cache").glob("awslogs-ops/jinja-*/*") if not path.name.startswith(".")]


def test_cached_code_renders_what_jinja_renders_and_each_string_is_kept_once(tmp_path: Path) -> None:
    plain = _render(tmp_path, "plain", "ansible.posix.profile_tasks")
    assert not _entries(tmp_path)
    first = _render(tmp_path, "first", "awslogs_ops.awslogs.preload")
    kept = _entries(tmp_path)
    assert kept
    second = _render(tmp_path, "second", "awslogs_ops.awslogs.preload")
    assert plain == first == second
    assert '"inline": "HELLO a,b' in plain and '"raw": "{{ not templated }}"' in plain, plain
    assert _entries(tmp_path) == kept
    assert all(path.stat().st_mode & 0o077 == 0 for path in kept)


def test_the_key_holds_what_changes_the_code() -> None:
    environment = _jinja_bits.AnsibleEnvironment()
    base = cache.key(environment, "{{ a }}", None, None, False)
    with _jinja_bits._TemplateCompileContext(escape_backslashes=True):
        escaped = cache.key(environment, "{{ a }}", None, None, False)
    environment.variable_start_string = "[["
    other_syntax = cache.key(environment, "{{ a }}", None, None, False)
    assert (
        len({base, escaped, other_syntax, cache.key(_jinja_bits.AnsibleEnvironment(), "{{ b }}", None, None, False)})
        == 4
    )


def test_a_directory_others_can_write_to_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    monkeypatch.setattr(_jinja_bits.AnsibleEnvironment, "compile", _jinja_bits.AnsibleEnvironment.compile)
    warnings: list[str] = []
    monkeypatch.setattr(cache, "directory", lambda: str(shared / "awslogs-ops"))
    assert cache.install(warnings.append) is False
    assert warnings and "not this user's alone" in warnings[0]
