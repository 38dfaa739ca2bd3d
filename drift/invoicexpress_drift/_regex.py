"""Whether one `pattern` accepts fewer or more strings than another, judged on samples.

Regex containment is undecidable in general, so each pattern yields a few strings that walk
its branches and its repetition bounds (a linear number: one element varied at a time); a
sample of the old pattern the new one rejects shows a tightening, the reverse a relaxation.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+
    import re._parser as sre_parse  # type: ignore[import-not-found,unused-ignore]
    from re._constants import MAXREPEAT  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - older layouts
    import sre_parse  # type: ignore[no-redef,unused-ignore]
    from sre_constants import MAXREPEAT  # type: ignore[no-redef,unused-ignore]

_POOL = "a0Z9 -/._:@"
_LIMIT = 400


class _Unsupported(Exception):
    pass


def _chars(items: list[tuple[Any, Any]]) -> list[str]:
    negate = False
    allowed: list[str] = []
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            allowed.append(chr(av))
        elif name == "RANGE":
            lo, hi = av
            allowed += [chr(lo), chr(hi), chr((lo + hi) // 2)]
        elif name == "CATEGORY":
            cat = str(av)
            allowed += {
                "CATEGORY_DIGIT": ["0", "9"],
                "CATEGORY_NOT_DIGIT": ["a", "-"],
                "CATEGORY_WORD": ["a", "Z", "0", "_"],
                "CATEGORY_NOT_WORD": [" ", "-"],
                "CATEGORY_SPACE": [" "],
                "CATEGORY_NOT_SPACE": ["a", "0"],
            }.get(cat, ["a"])
        else:
            raise _Unsupported(name)
    if negate:
        rx = re.compile("[" + "".join(re.escape(c) for c in allowed) + "]")
        return [c for c in _POOL if not rx.match(c)][:3] or ["\u00e9"]
    return list(dict.fromkeys(allowed))


def _seq(parsed: Any) -> list[str]:
    """Strings for a sequence: every element at its first choice, then each one varied."""
    options = [_node(op, av) for op, av in parsed]
    base = [opts[0] for opts in options]
    out = ["".join(base)]
    for i, opts in enumerate(options):
        for alt in opts[1:]:
            out.append("".join([*base[:i], alt, *base[i + 1 :]]))
            if len(out) > _LIMIT:
                return out
    return out


def _node(op: Any, av: Any) -> list[str]:
    name = str(op)
    if name == "LITERAL":
        return [chr(av)]
    if name == "NOT_LITERAL":
        return [c for c in _POOL if c != chr(av)][:2]
    if name == "ANY":
        return ["a", "0"]
    if name == "IN":
        return _chars(av)
    if name == "AT":
        return [""]
    if name == "BRANCH":
        return [s for branch in av[1] for s in _seq(branch)]
    if name == "SUBPATTERN":
        return _seq(av[-1])
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, sub = av
        inner = _seq(sub)
        counts = {low, low + 1, low + 2, low + 40, low + 300}  # long runs find new caps
        if high != MAXREPEAT:
            counts = {c for c in counts if c <= high} | {high}
        out: list[str] = []
        for count in sorted(counts):
            if count == 0:
                out.append("")
                continue
            out.append(inner[0] * count)
            if count <= low + 2:
                out += [inner[0] * (count - 1) + alt for alt in inner[1:]]
        return out
    raise _Unsupported(name)


def samples(pattern: str) -> list[str] | None:
    """Strings that match `pattern`, covering its branches and bounds; None when unknown."""
    try:
        rx = re.compile(pattern)
        found = _seq(sre_parse.parse(pattern))
    except (re.error, _Unsupported, RecursionError, ValueError, TypeError):
        return None
    return [s for s in dict.fromkeys(found) if rx.search(s)] or None


def compare(old: str, new: str) -> tuple[bool, bool]:
    """(tightened, relaxed): whether `new` rejects some string `old` took, and the reverse.

    Both are True when the samples cannot tell (an unsupported construct): the safe answer.
    """
    try:
        rx_old, rx_new = re.compile(old), re.compile(new)
    except re.error:
        return True, True
    old_samples, new_samples = samples(old), samples(new)
    if old_samples is None or new_samples is None:
        return True, True
    tightened = any(not rx_new.search(s) for s in old_samples)
    relaxed = any(not rx_old.search(s) for s in new_samples)
    return tightened, relaxed
