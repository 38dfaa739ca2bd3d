"""Operations, and how the old ones pair with the new (see the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from invoicexpress_drift._schema import resolve
from invoicexpress_drift.spec_diff._context import HTTP_METHODS


@dataclass
class _Op:
    method: str
    path: str
    raw: dict[str, Any]
    path_item: dict[str, Any]

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def operation_id(self) -> str:
        return str(self.raw.get("operationId") or "")

    @property
    def title(self) -> str:
        oid = self.operation_id
        return f"{self.key} ({oid})" if oid else self.key


def _operations(document: dict[str, Any]) -> list[_Op]:
    ops: list[_Op] = []
    for path, item in (document.get("paths") or {}).items():
        item = resolve(document, item)
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            raw = item.get(method)
            if isinstance(raw, dict):
                ops.append(_Op(method, str(path), raw, item))
    return ops


def _normalise_path(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _instantiates(doc: dict[str, Any], template: _Op, concrete: str) -> bool:
    """Whether `concrete` is `template` with its parameters filled in, honouring their enums."""
    names = re.findall(r"\{([^}]+)\}", template.path)
    parts = re.split(r"\{[^}]+\}", template.path)
    pattern = "".join(
        re.escape(part) + (f"(?P<p{i}>[^/]+)" if i < len(names) else "")
        for i, part in enumerate(parts)
    )
    match = re.match(f"^{pattern}$", concrete)
    if match is None:
        return False
    params = {
        p.get("name"): p
        for raw in [
            *(template.path_item.get("parameters") or []),
            *(template.raw.get("parameters") or []),
        ]
        if isinstance(p := resolve(doc, raw), dict)
    }
    for i, name in enumerate(names):
        schema = resolve(doc, (params.get(name) or {}).get("schema") or {})
        enum = schema.get("enum") if isinstance(schema, dict) else None
        value = match.group(f"p{i}")
        if enum and value not in [str(v) for v in enum] and "{" not in value:
            return False
    return True


def match_operations(
    old: list[_Op], new: list[_Op], old_doc: dict[str, Any] | None = None
) -> tuple[list[tuple[_Op, _Op]], list[_Op], list[_Op]]:
    """Pairs (old, new), then old operations left unmatched, then new ones."""
    pairs: list[tuple[_Op, _Op]] = []
    unmatched_new = list(new)
    matched_old: set[int] = set()

    def take(
        predicate: Callable[[_Op, _Op], bool], *, many: bool, same_method: bool = True
    ) -> None:
        for n in list(unmatched_new):
            for i, o in enumerate(old):
                if not many and i in matched_old:
                    continue
                if (o.method == n.method or not same_method) and predicate(o, n):
                    pairs.append((o, n))
                    matched_old.add(i)
                    unmatched_new.remove(n)
                    break

    def same_id(o: _Op, n: _Op) -> bool:
        return bool(o.operation_id) and o.operation_id == n.operation_id

    take(lambda o, n: o.path == n.path and same_id(o, n), many=False)
    take(same_id, many=False, same_method=False)
    take(lambda o, n: o.path == n.path, many=False)
    take(lambda o, n: _normalise_path(o.path) == _normalise_path(n.path), many=False)
    take(
        lambda o, n: bool(o.operation_id) and n.raw.get("x-vendor-operation") == o.operation_id,
        many=True,
    )
    take(lambda o, n: "{" in o.path and _instantiates(old_doc or {}, o, n.path), many=True)
    unmatched_old = [o for i, o in enumerate(old) if i not in matched_old]
    return pairs, unmatched_old, unmatched_new
