"""What every part of the spec diff shares: the two documents, memoised merges, the
sameness test, and the one place findings are made."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from invoicexpress_drift._model import Finding
from invoicexpress_drift._schema import merged as _merged
from invoicexpress_drift._schema import resolve
from invoicexpress_drift.rules import SPEC_RULES

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_MAX_DEPTH = 24
_NOISE = {"description", "example", "examples", "title", "summary", "x-evidence", "$comment"}


class _Memo:
    """`merged` cached by node identity: shared components are resolved once per document."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self._cache: dict[int, tuple[Any, dict[str, Any]]] = {}

    def merged(self, node: Any) -> dict[str, Any]:
        hit = self._cache.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]
        value = _merged(self.doc, node)
        self._cache[id(node)] = (node, value)
        return value


class _Sameness:
    """Whether two nodes mean the same: equal as written, and every `$ref` they hold leads to
    a component that is itself unchanged. Lets the walk skip the (usually many) untouched parts.
    """

    def __init__(self, old_doc: dict[str, Any], new_doc: dict[str, Any]) -> None:
        self.old_doc, self.new_doc = old_doc, new_doc
        self._refs: dict[int, tuple[Any, frozenset[str]]] = {}
        self._components: dict[str, bool] = {}

    def refs(self, node: Any) -> frozenset[str]:
        hit = self._refs.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]
        found: set[str] = set()
        stack = [node]
        while stack:
            cur = stack.pop()
            if isinstance(cur, dict):
                ref = cur.get("$ref")
                if isinstance(ref, str):
                    found.add(ref)
                stack.extend(cur.values())
            elif isinstance(cur, list):
                stack.extend(cur)
        value = frozenset(found)
        self._refs[id(node)] = (node, value)
        return value

    def component(self, ref: str) -> bool:
        if ref in self._components:
            return self._components[ref]
        self._components[ref] = True  # a cycle back here is judged by the rest of the loop
        old, new = _pointer(self.old_doc, ref), _pointer(self.new_doc, ref)
        same = old is not _MISSING and old == new and all(self.component(r) for r in self.refs(old))
        self._components[ref] = same
        return same

    def __call__(self, old: Any, new: Any) -> bool:
        return bool(old == new and all(self.component(r) for r in self.refs(old)))


_MISSING = object()


def _pointer(doc: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        return _MISSING
    node: Any = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


# A cause: the component a change lives in, and where inside it (`DateDMY`, `.client.name`).
_Anchor = tuple[str, str] | None


@dataclass(frozen=True)
class At:
    """Where a schema comparison stands: the JSON pointer, the property path a reader sees
    (`lines[].tax`), the component the change lives in, and the `$ref` pairs above (a
    recursive schema stops there) with their depth."""

    ptr: str
    display: str = ""
    anchor: _Anchor = None
    refs: frozenset[tuple[str, str]] = frozenset()
    depth: int = 0

    def child(self, ptr: str, display: str, anchor: str | None = None) -> At:
        """One step down: `ptr` and `display` are appended, the anchor gets `anchor` (or the
        display step)."""
        step = display if anchor is None else anchor
        inner = None if self.anchor is None else (self.anchor[0], self.anchor[1] + step)
        return At(self.ptr + ptr, self.display + display, inner, self.refs, self.depth + 1)


@dataclass
class _Ctx:
    old_doc: dict[str, Any]
    new_doc: dict[str, Any]
    operation: str
    old_memo: _Memo
    new_memo: _Memo
    same: _Sameness
    findings: list[Finding] = field(default_factory=list)

    def emit(
        self,
        rule: str,
        pointer: str,
        message: str,
        location: str = "",
        *,
        cause: str = "",
        cause_message: str = "",
    ) -> None:
        self.findings.append(
            Finding(
                rule=rule,
                level=SPEC_RULES[rule].level,
                operation=self.operation,
                pointer=pointer,
                message=message,
                location=location,
                cause=cause,
                cause_message=cause_message,
            )
        )


def _content(doc: dict[str, Any], node: Any) -> dict[str, Any]:
    node = resolve(doc, node)
    if not isinstance(node, dict):
        return {}
    content = node.get("content") or {}
    if not isinstance(content, dict):
        return {}
    return {str(k).split(";")[0].strip().lower(): v for k, v in content.items()}


def _ref_of(node: Any) -> str:
    ref = node.get("$ref") if isinstance(node, dict) else None
    return ref if isinstance(ref, str) else ""
