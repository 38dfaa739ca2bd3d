"""Spec drift: the changelog between two OpenAPI documents, each change classified by a rule.

Operations are matched the way a reader would: same method and path first, then the same path
with parameters renamed, the same operationId, a new operation whose `x-vendor-operation` names
the old one, and finally an old templated path (`/{invoices-type}.json`) that the new concrete
path (`/invoices.json`) instantiates. Schemas are compared through their `$ref`s, and every
change is judged by direction: what a server may now send versus what a client may now send.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ixc.drift._model import Finding, join_pointer
from ixc.drift._schema import admits, describe_types, merged, resolve, type_set
from ixc.drift.rules import SPEC_RULES

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_MAX_DEPTH = 24


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

    def take(predicate: Callable[[_Op, _Op], bool], *, many: bool) -> None:
        for n in list(unmatched_new):
            for i, o in enumerate(old):
                if not many and i in matched_old:
                    continue
                if o.method == n.method and predicate(o, n):
                    pairs.append((o, n))
                    matched_old.add(i)
                    unmatched_new.remove(n)
                    break

    take(lambda o, n: o.path == n.path, many=False)
    take(lambda o, n: _normalise_path(o.path) == _normalise_path(n.path), many=False)
    take(lambda o, n: bool(o.operation_id) and o.operation_id == n.operation_id, many=False)
    take(
        lambda o, n: bool(o.operation_id) and n.raw.get("x-vendor-operation") == o.operation_id,
        many=True,
    )
    take(lambda o, n: "{" in o.path and _instantiates(old_doc or {}, o, n.path), many=True)
    unmatched_old = [o for i, o in enumerate(old) if i not in matched_old]
    return pairs, unmatched_old, unmatched_new


@dataclass
class _Ctx:
    old_doc: dict[str, Any]
    new_doc: dict[str, Any]
    operation: str
    findings: list[Finding] = field(default_factory=list)

    def emit(self, rule: str, pointer: str, message: str, location: str = "") -> None:
        self.findings.append(
            Finding(
                rule=rule,
                level=SPEC_RULES[rule].level,
                operation=self.operation,
                pointer=pointer,
                message=message,
                location=location,
            )
        )


def diff_documents(
    old_doc: dict[str, Any], new_doc: dict[str, Any]
) -> tuple[list[Finding], dict[str, str]]:
    """All changes from `old_doc` to `new_doc`, and a title for each operation key."""
    old_ops, new_ops = _operations(old_doc), _operations(new_doc)
    pairs, removed, added = match_operations(old_ops, new_ops, old_doc)
    findings: list[Finding] = []
    titles: dict[str, str] = {}
    new_paths = set((new_doc.get("paths") or {}).keys())
    old_paths = set((old_doc.get("paths") or {}).keys())
    for o in removed:
        titles[o.key] = o.title
        ctx = _Ctx(old_doc, new_doc, o.key)
        if o.path not in new_paths:
            ctx.emit("api-path-removed", "", "path removed, with all its operations")
        else:
            ctx.emit("api-operation-removed", "", "operation removed")
        findings += ctx.findings
    for n in added:
        titles[n.key] = n.title
        ctx = _Ctx(old_doc, new_doc, n.key)
        if n.path not in old_paths:
            ctx.emit("api-path-added", "", "path added")
        else:
            ctx.emit("api-operation-added", "", "operation added")
        findings += ctx.findings
    for o, n in pairs:
        titles[n.key] = n.title
        ctx = _Ctx(old_doc, new_doc, n.key)
        _diff_operation(ctx, o, n)
        findings += ctx.findings
    findings.sort(key=lambda f: (f.operation, -f.level, f.rule, f.pointer))
    return _dedupe(findings), titles


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[str] = set()
    out = []
    for f in findings:
        if f.fingerprint not in seen:
            seen.add(f.fingerprint)
            out.append(f)
    return out


def _diff_operation(ctx: _Ctx, o: _Op, n: _Op) -> None:
    if o.operation_id and n.operation_id and o.operation_id != n.operation_id:
        ctx.emit(
            "api-operation-id-changed",
            "/operationId",
            f"operationId changed from `{o.operation_id}` to `{n.operation_id}`",
        )
    _diff_security(ctx, o, n)
    _diff_parameters(ctx, o, n)
    _diff_request_body(ctx, o, n)
    _diff_responses(ctx, o, n)
    _diff_state_machine(ctx, o, n)


# --- security -----------------------------------------------------------------------------


def _security(doc: dict[str, Any], op: _Op) -> list[dict[str, Any]]:
    sec = op.raw.get("security", doc.get("security"))
    return [s for s in sec or [] if isinstance(s, dict)]


def _scheme(doc: dict[str, Any], name: str) -> dict[str, Any]:
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    value = resolve(doc, schemes.get(name) or {})
    return value if isinstance(value, dict) else {}


def _diff_security(ctx: _Ctx, o: _Op, n: _Op) -> None:
    old_names = {name for req in _security(ctx.old_doc, o) for name in req}
    new_names = {name for req in _security(ctx.new_doc, n) for name in req}
    for name in sorted(new_names - old_names):
        ctx.emit(
            "api-security-added",
            join_pointer("/security", name),
            f"operation now requires security scheme `{name}`",
        )
    for name in sorted(old_names - new_names):
        ctx.emit(
            "api-security-removed",
            join_pointer("/security", name),
            f"security scheme `{name}` no longer required",
        )
    for name in sorted(old_names & new_names):
        keys = ("type", "in", "name", "scheme", "bearerFormat")
        a, b = _scheme(ctx.old_doc, name), _scheme(ctx.new_doc, name)
        changed = [k for k in keys if a.get(k) != b.get(k)]
        if changed:
            detail = ", ".join(f"{k}: {a.get(k)!r} → {b.get(k)!r}" for k in changed)
            ctx.emit(
                "security-scheme-changed",
                join_pointer("/security", name),
                f"security scheme `{name}` changed ({detail})",
            )


# --- parameters ---------------------------------------------------------------------------


def _auth_params(doc: dict[str, Any], op: _Op) -> set[tuple[str, str]]:
    """(in, name) of apiKey schemes the operation uses: reported as security, not parameters."""
    out = set()
    for req in _security(doc, op):
        for name in req:
            s = _scheme(doc, name)
            if s.get("type") == "apiKey":
                out.add((str(s.get("in")), str(s.get("name"))))
    return out


def _parameters(doc: dict[str, Any], op: _Op) -> dict[tuple[str, str], dict[str, Any]]:
    params: dict[tuple[str, str], dict[str, Any]] = {}
    skip = _auth_params(doc, op)
    for raw in [*(op.path_item.get("parameters") or []), *(op.raw.get("parameters") or [])]:
        p = resolve(doc, raw)
        if not isinstance(p, dict) or "name" not in p:
            continue
        key = (str(p.get("in", "query")), str(p["name"]))
        if key in skip:
            continue
        params[key] = p
    return params


def _align_path_params(old_path: str, new_path: str) -> dict[str, str | None]:
    """Old path-parameter name → the new one in the same place, or None when the new path
    spells a literal there (`{invoices-type}` → `invoices`: instantiated, not removed)."""
    names = re.findall(r"\{([^}]+)\}", old_path)
    parts = re.split(r"\{[^}]+\}", old_path)
    pattern = "".join(
        re.escape(part) + (f"(?P<p{i}>[^/]+?)" if i < len(names) else "")
        for i, part in enumerate(parts)
    )
    match = re.match(f"^{pattern}$", new_path)
    if match is None:  # different shapes: pair the parameters in order of appearance
        new_names = re.findall(r"\{([^}]+)\}", new_path)
        return {a: (new_names[i] if i < len(new_names) else a) for i, a in enumerate(names)}
    out: dict[str, str | None] = {}
    for i, name in enumerate(names):
        seg = match.group(f"p{i}")
        inner = re.fullmatch(r"\{([^}]+)\}", seg)
        out[name] = inner.group(1) if inner else None
    return out


def _diff_parameters(ctx: _Ctx, o: _Op, n: _Op) -> None:
    old, new = _parameters(ctx.old_doc, o), _parameters(ctx.new_doc, n)
    alias = _align_path_params(o.path, n.path)
    for key in [k for k in old if k[0] == "path"]:
        param = old.pop(key)
        target = alias.get(key[1], key[1])
        if target is not None:
            old[("path", target)] = param
    for key in sorted(old.keys() - new.keys()):
        name = old[key]["name"]
        ctx.emit(
            "request-parameter-removed",
            join_pointer("/parameters", key[0], name),
            f"{key[0]} parameter `{name}` removed",
            f"{key[0]} {name}",
        )
    for key in sorted(new.keys() - old.keys()):
        p = new[key]
        name = p["name"]
        rule = (
            "new-required-request-parameter"
            if p.get("required")
            else "new-optional-request-parameter"
        )
        ctx.emit(
            rule,
            join_pointer("/parameters", key[0], name),
            f"{'required' if p.get('required') else 'optional'} {key[0]} parameter `{name}` added",
            f"{key[0]} {name}",
        )
    for key in sorted(old.keys() & new.keys()):
        a, b = old[key], new[key]
        name = b["name"]
        ptr = join_pointer("/parameters", key[0], name)
        where = f"{key[0]} {name}"
        if bool(a.get("required")) != bool(b.get("required")):
            rule = (
                "request-parameter-became-required"
                if b.get("required")
                else "request-parameter-became-optional"
            )
            state = "required" if b.get("required") else "optional"
            ctx.emit(rule, ptr, f"{key[0]} parameter `{name}` became {state}", where)
        sa = merged(ctx.old_doc, a.get("schema") or {})
        sb = merged(ctx.new_doc, b.get("schema") or {})
        ta, tb = type_set(ctx.old_doc, sa), type_set(ctx.new_doc, sb)
        if ta != tb and ta and tb:
            rule = (
                "request-parameter-type-generalized"
                if admits(tb, ta)
                else "request-parameter-type-changed"
            )
            ctx.emit(
                rule,
                ptr + "/schema",
                f"{key[0]} parameter `{name}` type changed "
                f"from {describe_types(ta)} to {describe_types(tb)}",
                where,
            )
        _diff_enum(
            ctx, sa, sb, ptr + "/schema", f"{key[0]} parameter `{name}`", where, "request-parameter"
        )


# --- bodies -------------------------------------------------------------------------------


def _content(doc: dict[str, Any], node: Any) -> dict[str, Any]:
    node = resolve(doc, node)
    if not isinstance(node, dict):
        return {}
    content = node.get("content") or {}
    return content if isinstance(content, dict) else {}


def _diff_request_body(ctx: _Ctx, o: _Op, n: _Op) -> None:
    a = resolve(ctx.old_doc, o.raw.get("requestBody") or {})
    b = resolve(ctx.new_doc, n.raw.get("requestBody") or {})
    if not isinstance(a, dict) or not isinstance(b, dict):
        return
    if b.get("required") and not a.get("required"):
        ctx.emit("request-body-became-required", "/requestBody", "request body became required")
    ca, cb = _content(ctx.old_doc, a), _content(ctx.new_doc, b)
    for mt in sorted(ca.keys() - cb.keys()):
        if cb:
            ctx.emit(
                "request-body-media-type-removed",
                join_pointer("/requestBody/content", mt),
                f"request media type `{mt}` removed",
            )
    for mt in sorted(cb.keys() - ca.keys()):
        if ca:
            ctx.emit(
                "request-body-media-type-added",
                join_pointer("/requestBody/content", mt),
                f"request media type `{mt}` added",
            )
    for mt in sorted(ca.keys() & cb.keys()):
        _SchemaDiff(ctx, "request", "request body").run(
            ca[mt].get("schema"),
            cb[mt].get("schema"),
            join_pointer("/requestBody/content", mt, "schema"),
        )


def _is_success(status: str) -> bool:
    return status.startswith("2")


def _diff_responses(ctx: _Ctx, o: _Op, n: _Op) -> None:
    ra = o.raw.get("responses") or {}
    rb = n.raw.get("responses") or {}
    for status in sorted(set(ra) - set(rb)):
        rule = (
            "response-success-status-removed"
            if _is_success(str(status))
            else "response-non-success-status-removed"
        )
        ctx.emit(
            rule,
            join_pointer("/responses", status),
            f"response status `{status}` removed",
            f"status {status}",
        )
    for status in sorted(set(rb) - set(ra)):
        rule = (
            "response-success-status-added"
            if _is_success(str(status))
            else "response-non-success-status-added"
        )
        ctx.emit(
            rule,
            join_pointer("/responses", status),
            f"response status `{status}` added",
            f"status {status}",
        )
    for status in sorted(set(ra) & set(rb)):
        ca, cb = _content(ctx.old_doc, ra[status]), _content(ctx.new_doc, rb[status])
        base = join_pointer("/responses", status, "content")
        for mt in sorted(ca.keys() - cb.keys()):
            ctx.emit(
                "response-media-type-removed",
                join_pointer(base, mt),
                f"response {status} media type `{mt}` removed",
                f"response {status}",
            )
        for mt in sorted(cb.keys() - ca.keys()):
            ctx.emit(
                "response-media-type-added",
                join_pointer(base, mt),
                f"response {status} media type `{mt}` added",
                f"response {status}",
            )
        for mt in sorted(ca.keys() & cb.keys()):
            _SchemaDiff(ctx, "response", f"response {status}").run(
                ca[mt].get("schema"), cb[mt].get("schema"), join_pointer(base, mt, "schema")
            )


def _canonical(doc: dict[str, Any], schema: Any, depth: int = 0) -> Any:
    """A comparable form of a schema (refs resolved, descriptions dropped) for rename detection."""
    if depth > 6:
        return None
    schema = merged(doc, schema)
    ignore = {"description", "example", "examples", "title", "x-evidence"}
    out: dict[str, Any] = {}
    for k, v in sorted(schema.items()):
        if k in ignore:
            continue
        if k == "properties" and isinstance(v, dict):
            out[k] = {pk: _canonical(doc, pv, depth + 1) for pk, pv in sorted(v.items())}
        elif k == "items":
            out[k] = _canonical(doc, v, depth + 1)
        elif k in ("oneOf", "anyOf") and isinstance(v, list):
            out[k] = [_canonical(doc, b, depth + 1) for b in v]
        else:
            out[k] = v
    return out


def _diff_enum(
    ctx: _Ctx, a: dict[str, Any], b: dict[str, Any], ptr: str, what: str, where: str, prefix: str
) -> None:
    if "enum" not in a or "enum" not in b:
        return
    ea = {json.dumps(v, sort_keys=True): v for v in a["enum"] or []}
    eb = {json.dumps(v, sort_keys=True): v for v in b["enum"] or []}
    for key in sorted(ea.keys() - eb.keys()):
        ctx.emit(
            f"{prefix}-enum-value-removed",
            join_pointer(ptr, "enum", key),
            f"{what}: enum value {key} removed",
            where,
        )
    for key in sorted(eb.keys() - ea.keys()):
        ctx.emit(
            f"{prefix}-enum-value-added",
            join_pointer(ptr, "enum", key),
            f"{what}: enum value {key} added",
            where,
        )


class _SchemaDiff:
    """Recursive schema comparison in one direction (request or response)."""

    def __init__(self, ctx: _Ctx, direction: str, label: str) -> None:
        self.ctx = ctx
        self.direction = direction
        self.label = label
        self.prefix = f"{direction}-property"

    def run(self, old: Any, new: Any, pointer: str) -> None:
        self._walk(old, new, pointer, "", frozenset(), 0)

    def _walk(
        self,
        old: Any,
        new: Any,
        ptr: str,
        display: str,
        refs: frozenset[tuple[str, str]],
        depth: int,
    ) -> None:
        if old is None or new is None or depth > _MAX_DEPTH:
            return
        pair = (
            str(old.get("$ref", "")) if isinstance(old, dict) else "",
            str(new.get("$ref", "")) if isinstance(new, dict) else "",
        )
        if pair != ("", "") and pair in refs:
            return  # a recursive schema: this pair is already being compared further up
        refs = refs | {pair}
        a, b = merged(self.ctx.old_doc, old), merged(self.ctx.new_doc, new)
        what = f"{self.label} property `{display}`" if display else f"{self.label} body"
        where = f"{self.label}: {display or '(body)'}"
        self._types(a, b, ptr, what, where)
        self._format(a, b, ptr, what, where)
        _diff_enum(self.ctx, a, b, ptr, what, where, self.prefix)
        self._properties(a, b, ptr, display, refs, depth)
        if isinstance(a.get("items"), dict) and isinstance(b.get("items"), dict):
            self._walk(a["items"], b["items"], ptr + "/items", f"{display}[]", refs, depth + 1)

    def _types(self, a: dict[str, Any], b: dict[str, Any], ptr: str, what: str, where: str) -> None:
        ta, tb = type_set(self.ctx.old_doc, a), type_set(self.ctx.new_doc, b)
        if ta == tb or not ta or not tb:
            return
        msg = f"{what}: type changed from {describe_types(ta)} to {describe_types(tb)}"
        if self.direction == "response":
            rule = (
                "response-property-type-narrowed"
                if admits(ta, tb)
                else "response-property-type-changed"
            )
        else:
            rule = (
                "request-property-type-generalized"
                if admits(tb, ta)
                else "request-property-type-changed"
            )
        self.ctx.emit(rule, ptr + "/type", msg, where)

    def _format(
        self, a: dict[str, Any], b: dict[str, Any], ptr: str, what: str, where: str
    ) -> None:
        for key in ("format", "pattern"):
            va, vb = a.get(key), b.get(key)
            if va != vb and va is not None and vb is not None:
                self.ctx.emit(
                    f"{self.prefix}-format-changed",
                    join_pointer(ptr, key),
                    f"{what}: {key} changed from `{va}` to `{vb}`",
                    where,
                )

    def _visible(self, doc: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        hidden = "readOnly" if self.direction == "request" else "writeOnly"
        out = {}
        for name, schema in props.items():
            resolved = resolve(doc, schema)
            if isinstance(resolved, dict) and resolved.get(hidden) is True:
                continue
            out[name] = schema
        return out

    def _properties(
        self,
        a: dict[str, Any],
        b: dict[str, Any],
        ptr: str,
        display: str,
        refs: frozenset[tuple[str, str]],
        depth: int,
    ) -> None:
        pa = self._visible(self.ctx.old_doc, a.get("properties") or {})
        pb = self._visible(self.ctx.new_doc, b.get("properties") or {})
        if not pa and not pb:
            return
        ra, rb = set(a.get("required") or []), set(b.get("required") or [])
        removed = sorted(pa.keys() - pb.keys())
        added = sorted(pb.keys() - pa.keys())

        def child(name: str) -> tuple[str, str]:
            return join_pointer(ptr, "properties", name), f"{display}.{name}" if display else name

        if self.direction == "response":
            renamed = self._renames(pa, pb, removed, added)
            for old_name, new_name in renamed.items():
                p, d = child(old_name)
                self.ctx.emit(
                    "response-property-renamed",
                    p,
                    f"{self.label} property `{d}` renamed to `{new_name}`",
                    f"{self.label}: {d}",
                )
            removed = [r for r in removed if r not in renamed]
            added = [x for x in added if x not in renamed.values()]
        for name in removed:
            p, d = child(name)
            self.ctx.emit(
                f"{self.prefix}-removed",
                p,
                f"{self.label} property `{d}` removed",
                f"{self.label}: {d}",
            )
        for name in added:
            p, d = child(name)
            if self.direction == "response":
                rule, msg = "response-property-added", f"{self.label} property `{d}` added"
            elif name in rb:
                rule, msg = (
                    "new-required-request-property",
                    f"required {self.label} property `{d}` added",
                )
            else:
                rule, msg = (
                    "new-optional-request-property",
                    f"optional {self.label} property `{d}` added",
                )
            self.ctx.emit(rule, p, msg, f"{self.label}: {d}")
        for name in sorted(pa.keys() & pb.keys()):
            p, d = child(name)
            if name in ra and name not in rb:
                self.ctx.emit(
                    f"{self.prefix}-became-optional",
                    p,
                    f"{self.label} property `{d}` became optional",
                    f"{self.label}: {d}",
                )
            elif name in rb and name not in ra:
                self.ctx.emit(
                    f"{self.prefix}-became-required",
                    p,
                    f"{self.label} property `{d}` became required",
                    f"{self.label}: {d}",
                )
            self._walk(pa[name], pb[name], p, d, refs, depth + 1)

    def _renames(
        self, pa: dict[str, Any], pb: dict[str, Any], removed: list[str], added: list[str]
    ) -> dict[str, str]:
        """Removed→added pairs whose schemas are identical and unambiguous: a rename."""
        out: dict[str, str] = {}
        canon_b = {
            x: json.dumps(_canonical(self.ctx.new_doc, pb[x]), sort_keys=True) for x in added
        }
        for r in removed:
            ca = json.dumps(_canonical(self.ctx.old_doc, pa[r]), sort_keys=True)
            same = [x for x in added if canon_b[x] == ca and x not in out.values()]
            if (
                len(same) == 1
                and sum(
                    1
                    for x in removed
                    if json.dumps(_canonical(self.ctx.old_doc, pa[x]), sort_keys=True) == ca
                )
                == 1
            ):
                out[r] = same[0]
        return out


# --- state machines -----------------------------------------------------------------------


def _transitions(sm: Any) -> dict[tuple[str, str, str], list[str]]:
    out: dict[tuple[str, str, str], list[str]] = {}
    if not isinstance(sm, dict):
        return out
    for t in sm.get("transitions") or []:
        if isinstance(t, dict):
            key = (str(t.get("from")), str(t.get("event")), str(t.get("to")))
            out[key] = sorted(str(r) for r in t.get("requires") or [])
    return out


def _diff_state_machine(ctx: _Ctx, o: _Op, n: _Op) -> None:
    ta, tb = _transitions(o.raw.get("x-state-machine")), _transitions(n.raw.get("x-state-machine"))

    def where(key: tuple[str, str, str]) -> str:
        return f"{key[0]} --{key[1]}--> {key[2]}"

    def ptr(key: tuple[str, str, str]) -> str:
        # Keyed by the transition, not its index: reordering the list changes no fingerprint.
        return join_pointer("/x-state-machine/transitions", f"{key[0]} -{key[1]}-> {key[2]}")

    for key in sorted(ta.keys() - tb.keys()):
        ctx.emit(
            "state-transition-removed",
            ptr(key),
            f"transition {where(key)} removed",
            where(key),
        )
    for key in sorted(tb.keys() - ta.keys()):
        ctx.emit("state-transition-added", ptr(key), f"transition {where(key)} added", where(key))
    for key in sorted(ta.keys() & tb.keys()):
        if ta[key] != tb[key]:
            ctx.emit(
                "state-transition-requires-changed",
                ptr(key),
                f"transition {key[0]} --{key[1]}--> {key[2]} now requires "
                f"{tb[key] or 'nothing'} (was {ta[key] or 'nothing'})",
                where(key),
            )
