# Copyright: awslogs-ops contributors
# MIT License (see LICENSE)
"""The Python code Jinja compiles a template string into, kept on disk from one run to the next.

ansible-core 2.19 compiles a template string every time it renders it, and every task of every host
renders in a worker process of its own, so nothing compiled is ever reused: a drift check of a
converged fleet compiled the same strings (the role's variables, arguments and files) again for
every host, a third of the workers' time. What Jinja generates depends only on the source, the
environment's syntax settings and Ansible's compile context (escape_backslashes), so the code object
is kept under a key of all of them and of the Python, Jinja and ansible-core versions, as Python keeps
a module's bytecode: in a directory of the user's own (0700) that no one else can write to.

It wraps Environment.compile only when that method and AnsibleEnvironment are the ones this was
measured with (the sha256 of their source); with any other version Jinja compiles as before.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from types import CodeType
from typing import Any

import jinja2
import jinja2.environment
from ansible import release
from ansible._internal._templating import _jinja_bits
from jinja2.environment import Environment

# jinja2 3.1.6's environment.py (Environment.compile) and ansible-core 2.19's _internal/_templating/_jinja_bits.py
# (AnsibleEnvironment, its code generator and _TemplateCompileContext).
MEASURED_SHA256 = {"c055fe2f318efd66882f509c801667e482df9d52fe87c06e1153d92c04bbf329"}
# More distinct sources than this in one directory are compiled as usual (a bound on what it can hold).
MAX_ENTRIES = 4096
SYNTAX = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "is_async",
)


def fingerprint() -> str:
    # The modules' bytes, not inspect.getsource: that walks every loaded module in the controller, and
    # each worker forked from it then ran tens of milliseconds slower (measured, 16 hosts).
    digest = hashlib.sha256()
    for path in (jinja2.environment.__file__, _jinja_bits.__file__):
        with open(path, "rb") as module:
            digest.update(module.read())
    return digest.hexdigest()


VERSIONS = repr((sys.version, marshal.version, jinja2.__version__, release.__version__, fingerprint()))


def directory() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "awslogs-ops", "jinja-" + hashlib.sha256(VERSIONS.encode()).hexdigest()[:16])


def private(path: str) -> bool:
    """Whether the directory is this user's and no one else can write to it."""
    stat = os.stat(path)
    return stat.st_uid == os.getuid() and not stat.st_mode & 0o022


def key(environment: Environment, source: str, name: str | None, filename: str | None, defer_init: bool) -> str:
    context = _jinja_bits._TemplateCompileContext.current(optional=True)
    parts = (
        type(environment).__module__,
        type(environment).__qualname__,
        environment.code_generator_class.__qualname__,
        tuple(getattr(environment, setting) for setting in SYNTAX),
        repr(environment.autoescape),
        tuple(sorted(environment.extensions)),
        context.escape_backslashes if context else None,
        name,
        filename,
        defer_init,
        source,
    )
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


class CodeCache:
    def __init__(self, path: str) -> None:
        self.path = path
        self.memory: dict[str, CodeType] = {}
        self.entries = len(os.listdir(path))

    def load(self, digest: str) -> CodeType | None:
        if digest in self.memory:
            return self.memory[digest]
        try:
            with open(os.path.join(self.path, digest), "rb") as cached:
                code = marshal.load(cached)
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if not isinstance(code, CodeType):
            return None
        self.memory[digest] = code
        return code

    def store(self, digest: str, code: CodeType) -> None:
        self.memory[digest] = code
        if self.entries >= MAX_ENTRIES:
            return
        self.entries += 1
        try:
            handle, temporary = tempfile.mkstemp(dir=self.path, prefix=".tmp-")
            with os.fdopen(handle, "wb") as written:
                marshal.dump(code, written)
            os.replace(temporary, os.path.join(self.path, digest))
        except OSError:
            pass  # a full or read-only disk: the code is still used from memory


def install(warn: Callable[[str], None]) -> bool:
    """Wrap AnsibleEnvironment.compile (once a process, in the controller before the workers fork)."""
    environment_class: Any = _jinja_bits.AnsibleEnvironment
    if getattr(environment_class.compile, "awslogs_compile_cache", False):
        return True
    if fingerprint() not in MEASURED_SHA256:
        warn("this Jinja or ansible-core is not the one the compile cache was measured with; compiling as before")
        return False
    path = directory()
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        usable = private(path) and private(os.path.dirname(path))
    except OSError as exc:
        warn(f"no compile cache: {exc}")
        return False
    if not usable:
        warn(f"no compile cache: {path} (or its parent) is not this user's alone")
        return False
    cache = CodeCache(path)
    original = Environment.compile

    # Jinja's own signature, positional arguments and all.
    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):  # noqa: PLR0917
        if raw or not isinstance(source, str) or self._debuggable_template_source:
            return original(self, source, name, filename, raw, defer_init)
        digest = key(self, source, name, filename, defer_init)
        code = cache.load(digest)
        if code is None:
            code = original(self, source, name, filename, raw, defer_init)
            cache.store(digest, code)
        return code

    compile.awslogs_compile_cache = True  # type: ignore[attr-defined]
    environment_class.compile = compile
    return True
