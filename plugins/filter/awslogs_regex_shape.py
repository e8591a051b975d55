"""Regular expressions whose search time grows exponentially with the line (catastrophic backtracking).

Read from the parsed pattern (``re._parser``, ``sre_parse`` before Python 3.11): a repeat of many whose
body can end in more than one place on the same text, because a repeat inside it runs over characters
that can also begin what follows it (``(a+)+``, ``(\\w+\\s?)+``, ``(.*)*x``, ``(x+x+)+``), or because
two of its alternatives can match the same text (``(a|a)*``). Either lets the engine split one run of
characters in exponentially many ways before it gives up on a line that does not match.
"""

from __future__ import annotations

from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

# A possessive repeat (3.11's a++) never backtracks into itself: not here.
REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)
# A repeat bounded this low costs a polynomial at worst.
MANY = 10
ALPHABET = frozenset(chr(code) for code in range(128)) | {"\u00e9", "\u3000"}
CATEGORY_TESTS = {
    "CATEGORY_DIGIT": str.isdigit,
    "CATEGORY_NOT_DIGIT": lambda c: not c.isdigit(),
    "CATEGORY_SPACE": str.isspace,
    "CATEGORY_NOT_SPACE": lambda c: not c.isspace(),
    "CATEGORY_WORD": lambda c: c.isalnum() or c == "_",
    "CATEGORY_NOT_WORD": lambda c: not (c.isalnum() or c == "_"),
}


def _many(node: tuple) -> bool:
    op, args = node
    return op in REPEATS and (args[1] is sre_constants.MAXREPEAT or args[1] > MANY)


def _class_chars(items: list) -> frozenset[str]:
    chars: set[str] = set()
    negate = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars.add(chr(arg))
        elif name == "RANGE":
            chars |= {c for c in ALPHABET if arg[0] <= ord(c) <= arg[1]}
        elif name == "CATEGORY":
            chars |= {c for c in ALPHABET if CATEGORY_TESTS.get(str(arg), lambda _c: True)(c)}
    return frozenset(ALPHABET - chars) if negate else frozenset(chars)


def _nullable(seq: Any) -> bool:
    return all(_node_nullable(node) for node in seq)


def _node_nullable(node: tuple) -> bool:
    op, args = node
    name = str(op)
    if op in REPEATS:
        return args[0] == 0 or _nullable(args[2])
    if name == "SUBPATTERN":
        return _nullable(args[-1])
    if name == "BRANCH":
        return any(_nullable(alt) for alt in args[1])
    return name in ("AT", "ASSERT", "ASSERT_NOT")


def _first(seq: Any) -> frozenset[str]:
    """The characters a match of ``seq`` can begin with."""
    chars: set[str] = set()
    for node in seq:
        chars |= _node_first(node)
        if not _node_nullable(node):
            break
    return frozenset(chars)


def _node_first(node: tuple) -> frozenset[str]:
    op, args = node
    if op in REPEATS:
        return _first(args[2])
    first = {
        "LITERAL": lambda: frozenset((chr(args),)),
        "NOT_LITERAL": lambda: ALPHABET - {chr(args)},
        "ANY": lambda: ALPHABET,
        "GROUPREF": lambda: ALPHABET,
        "IN": lambda: _class_chars(args),
        "SUBPATTERN": lambda: _first(args[-1]),
        "BRANCH": lambda: frozenset().union(*(_first(alt) for alt in args[1])),
    }.get(str(op))
    return first() if first else frozenset()


def _chars(seq: Any) -> frozenset[str]:
    """Every character a match of ``seq`` can hold."""
    chars: set[str] = set()
    for node in seq:
        op, args = node
        if op in REPEATS:
            chars |= _chars(args[2])
        elif str(op) == "SUBPATTERN":
            chars |= _chars(args[-1])
        elif str(op) == "BRANCH":
            chars |= frozenset().union(*(_chars(alt) for alt in args[1]))
        else:
            chars |= _node_first(node)
    return frozenset(chars)


def _flat(seq: Any) -> list:
    """``seq`` with its groups opened: their content is part of the same sequence."""
    items = []
    for node in seq:
        if str(node[0]) == "SUBPATTERN":
            items.extend(_flat(node[1][-1]))
        else:
            items.append(node)
    return items


def _ambiguous_body(body: Any) -> str | None:
    """Whether one iteration of a repeat over ``body`` can end in more than one place on the same text.

    A repeat inside it whose characters can also begin what follows it (the rest of the body, or the
    next iteration when the rest can be empty), or alternatives that can begin alike.
    """
    items = _flat(body)
    for index, (op, args) in enumerate(items):
        rest = items[index + 1 :]
        follow = _first(rest) | (_first(items) if _nullable(rest) else frozenset())
        if op in REPEATS and args[1] not in (0, 1) and args[0] != args[1] and _chars(args[2]) & follow:
            return "a repeat of a repeat over the same characters"
        if str(op) == "BRANCH":
            alternatives = [_flat(alt) for alt in args[1]]
            firsts = [_first(alt) | (follow if _nullable(alt) else frozenset()) for alt in alternatives]
            pairs = [(a, b) for a in range(len(firsts)) for b in range(a + 1, len(firsts))]
            if any(
                firsts[a] & firsts[b] or (_nullable(alternatives[a]) and _nullable(alternatives[b])) for a, b in pairs
            ):
                return "a repeat of alternatives that can match the same text"
            found = next((shape for shape in (_ambiguous_body(alt + rest) for alt in alternatives) if shape), None)
            if found:
                return found
    return None


def _walk(seq: Any) -> str | None:
    for node in seq:
        op, args = node
        found = None
        if op in REPEATS:
            found = (_ambiguous_body(args[2]) if _many(node) else None) or _walk(args[2])
        elif str(op) == "SUBPATTERN":
            found = _walk(args[-1])
        elif str(op) == "BRANCH":
            found = next((shape for shape in map(_walk, args[1]) if shape), None)
        elif str(op) in ("ASSERT", "ASSERT_NOT"):
            found = _walk(args[1])
        if found:
            return found
    return None


def backtracking_shape(pattern: str) -> str | None:
    """The catastrophic shape ``pattern`` holds, or None (a pattern that does not parse is None too)."""
    try:
        parsed = sre_parse.parse(pattern)
    except sre_constants.error:
        return None
    return _walk(parsed)


def awslogs_regex_shape(pattern: str) -> str:
    """The filter: the catastrophic shape ``pattern`` holds, or an empty string."""
    return backtracking_shape(str(pattern)) or ""


class FilterModule:
    def filters(self) -> dict:
        return {"awslogs_regex_shape": awslogs_regex_shape}
