"""Spec drift: the changelog between two OpenAPI documents, each change classified by a rule.

Operations are paired the way a reader would: same method, path and operationId first; then
the same operationId anywhere (a different place is a move, which breaks callers); then the
same method and path (the operationId changed); the same path with parameters renamed; a new
operation whose `x-vendor-operation` names the old one; an old templated path
(`/{invoices-type}.json`) that the new concrete path (`/invoices.json`) instantiates.

Every change is judged by direction. A request schema says what a server accepts: tightening
it breaks clients, relaxing it does not. A response schema says what a client may receive:
relaxing it breaks readers, tightening it does not. A shared component (`DateDMY`) reached from
both sides is judged once per side, and each finding names the component it comes from
(`cause`) so a report can fold one change into one row.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from invoicexpress_drift import _regex
from invoicexpress_drift._model import Finding, join_pointer
from invoicexpress_drift._schema import admits, describe_types, json_type, resolve, type_set
from invoicexpress_drift._schema import merged as _merged
from invoicexpress_drift.rules import SPEC_RULES

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_MAX_DEPTH = 24
_NOISE = {"description", "example", "examples", "title", "summary", "x-evidence", "$comment"}


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


def diff_documents(
    old_doc: dict[str, Any], new_doc: dict[str, Any]
) -> tuple[list[Finding], dict[str, str]]:
    """All changes from `old_doc` to `new_doc`, and a title for each operation key."""
    old_ops, new_ops = _operations(old_doc), _operations(new_doc)
    pairs, removed, added = match_operations(old_ops, new_ops, old_doc)
    shared = _Memo(old_doc), _Memo(new_doc), _Sameness(old_doc, new_doc)
    findings: list[Finding] = []
    titles: dict[str, str] = {}
    new_paths = set((new_doc.get("paths") or {}).keys())
    old_paths = set((old_doc.get("paths") or {}).keys())

    def ctx_for(key: str) -> _Ctx:
        return _Ctx(old_doc, new_doc, key, *shared)

    for o in removed:
        titles[o.key] = o.title
        ctx = ctx_for(o.key)
        if o.path not in new_paths:
            ctx.emit("api-path-removed", "", "path removed, with all its operations")
        else:
            ctx.emit("api-operation-removed", "", "operation removed")
        findings += ctx.findings
    for n in added:
        titles[n.key] = n.title
        ctx = ctx_for(n.key)
        if n.path not in old_paths:
            ctx.emit("api-path-added", "", "path added")
        else:
            ctx.emit("api-operation-added", "", "operation added")
        findings += ctx.findings
    for o, n in pairs:
        titles[n.key] = n.title
        ctx = ctx_for(n.key)
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
    elsewhere = _normalise_path(o.path) != _normalise_path(n.path)
    moved = o.method != n.method or (elsewhere and not _instantiates(ctx.old_doc, o, n.path))
    if moved and o.operation_id == n.operation_id:
        ctx.emit(
            "api-operation-moved",
            "",
            f"operation `{o.operation_id}` moved from `{o.key}` to `{n.key}`",
        )
    if o.operation_id and o.operation_id != n.operation_id:
        ctx.emit(
            "api-operation-id-changed",
            "/operationId",
            f"operationId changed from `{o.operation_id}` to `{n.operation_id or '(none)'}`",
        )
    if bool(o.raw.get("deprecated")) != bool(n.raw.get("deprecated")):
        state = "deprecated" if n.raw.get("deprecated") else "no longer deprecated"
        ctx.emit("deprecation-changed", "/deprecated", f"operation {state}")
    _diff_servers(ctx, o, n)
    _diff_security(ctx, o, n)
    _diff_parameters(ctx, o, n)
    _diff_request_body(ctx, o, n)
    _diff_responses(ctx, o, n)
    _diff_state_machine(ctx, o, n)


# --- servers ------------------------------------------------------------------------------


def _servers(doc: dict[str, Any], op: _Op) -> tuple[str, list[dict[str, Any]]]:
    for where, holder in (("operation", op.raw), ("path", op.path_item), ("document", doc)):
        servers = holder.get("servers")
        if isinstance(servers, list) and servers:
            return where, [s for s in servers if isinstance(s, dict)]
    return "document", [{"url": "/"}]


def _server_url(server: dict[str, Any]) -> str:
    return re.sub(r"\{[^}]+\}", "{}", str(server.get("url", "")).rstrip("/"))


def _diff_servers(ctx: _Ctx, o: _Op, n: _Op) -> None:
    where_a, sa = _servers(ctx.old_doc, o)
    where_b, sb = _servers(ctx.new_doc, n)
    cause = "#/servers" if where_a == where_b == "document" else ""
    by_a = {_server_url(s): s for s in sa}
    by_b = {_server_url(s): s for s in sb}
    for url in sorted(by_a.keys() - by_b.keys()):
        msg = f"server `{by_a[url].get('url')}` removed"
        ctx.emit(
            "server-removed", join_pointer("/servers", url), msg, cause=cause, cause_message=msg
        )
    for url in sorted(by_b.keys() - by_a.keys()):
        msg = f"server `{by_b[url].get('url')}` added"
        ctx.emit("server-added", join_pointer("/servers", url), msg, cause=cause, cause_message=msg)
    for url in sorted(by_a.keys() & by_b.keys()):
        va = by_a[url].get("variables") or {}
        vb = by_b[url].get("variables") or {}
        for name in sorted(set(va) & set(vb)):
            ea, eb = va[name].get("enum"), vb[name].get("enum")
            lost = [v for v in ea or [] if v not in (eb or [])] if eb else []
            if lost or (eb and not ea):
                accepted = _names(lost) if lost else "any value"
                msg = f"server `{url}` variable `{name}` no longer accepts {accepted}"
                ctx.emit(
                    "server-variable-narrowed",
                    join_pointer("/servers", url, "variables", name),
                    msg,
                    cause=cause,
                    cause_message=msg,
                )


# --- security -----------------------------------------------------------------------------


def _security(doc: dict[str, Any], op: _Op) -> tuple[list[dict[str, list[str]]], bool]:
    """The operation's alternatives (each: scheme -> scopes), and whether they are global."""
    own = "security" in op.raw
    sec = op.raw.get("security") if own else doc.get("security")
    alts = [
        {str(k): sorted(str(s) for s in v or []) for k, v in alt.items()}
        for alt in sec or []
        if isinstance(alt, dict)
    ]
    return alts or [{}], not own


def _scheme(doc: dict[str, Any], name: str) -> dict[str, Any]:
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    value = resolve(doc, schemes.get(name) or {})
    return value if isinstance(value, dict) else {}


def _scheme_shape(scheme: dict[str, Any]) -> dict[str, Any]:
    keys = ("type", "in", "name", "scheme", "bearerFormat", "openIdConnectUrl")
    shape = {k: scheme.get(k) for k in keys if k in scheme}
    if str(shape.get("scheme", "")).lower() == "bearer":
        shape["scheme"] = "bearer"
    if "flows" in scheme:
        shape["flows"] = {
            k: {u: v.get(u) for u in ("authorizationUrl", "tokenUrl")}
            for k, v in (scheme.get("flows") or {}).items()
            if isinstance(v, dict)
        }
    return shape


def _describe_scheme(scheme: dict[str, Any]) -> str:
    """A scheme as a client configures it: `API key in query `api_key``, `HTTP bearer`."""
    kind = scheme.get("type")
    if kind == "apiKey":
        return f"API key in {scheme.get('in')} `{scheme.get('name')}`"
    if kind == "http":
        return f"HTTP {str(scheme.get('scheme', '')).lower()}"
    return {"oauth2": "OAuth 2", "openIdConnect": "OpenID Connect"}.get(str(kind), str(kind))


def _diff_security(ctx: _Ctx, o: _Op, n: _Op) -> None:
    alts_a, global_a = _security(ctx.old_doc, o)
    alts_b, global_b = _security(ctx.new_doc, n)
    cause = "#/security" if global_a and global_b else ""
    old_schemes = (ctx.old_doc.get("components") or {}).get("securitySchemes") or {}
    new_schemes = (ctx.new_doc.get("components") or {}).get("securitySchemes") or {}

    def identity(name: str, doc: dict[str, Any]) -> str:
        """A scheme kept under its name is itself (its changes are reported below); one
        renamed is known by what it asks for, so a pure rename changes nothing."""
        if name in old_schemes and name in new_schemes:
            return name
        return json.dumps(_scheme_shape(_scheme(doc, name)), sort_keys=True) or name

    ids_a = [{identity(k, ctx.old_doc): v for k, v in a.items()} for a in alts_a]
    ids_b = [{identity(k, ctx.new_doc): v for k, v in b.items()} for b in alts_b]

    def satisfied(old_alt: dict[str, list[str]]) -> bool:
        return any(
            all(name in old_alt and set(scopes) <= set(old_alt[name]) for name, scopes in b.items())
            for b in ids_b
        )

    broken = [a for a in ids_a if not satisfied(a)]
    if broken:
        wanted = sorted({name for b in alts_b for name in b} - {k for a in alts_a for k in a})
        kept = {i for b in ids_b for i in b}
        lost = sorted({k for a in alts_a for k in a if identity(k, ctx.old_doc) not in kept})
        scopes = sorted(
            {f"{k}:{s}" for b in alts_b for k, v in b.items() for s in v}
            - {f"{k}:{s}" for a in alts_a for k, v in a.items() for s in v}
        )
        if lost and wanted:  # one scheme for another: say what stopped working
            old = ", ".join(f"`{k}` ({_describe_scheme(_scheme(ctx.old_doc, k))})" for k in lost)
            new = ", ".join(f"`{k}` ({_describe_scheme(_scheme(ctx.new_doc, k))})" for k in wanted)
            msg = f"{old} no longer accepted: calls need {new} instead"
            cause = cause or f"#/components/securitySchemes/{lost[0]}"
            ctx.emit("security-scheme-replaced", "/security", msg, cause=cause, cause_message=msg)
            return
        detail = ", ".join([f"`{w}`" for w in wanted] + [f"scope `{s}`" for s in scopes])
        msg = f"operation now requires {detail or 'other credentials'}"
        cause = cause or f"#/components/securitySchemes/{(wanted or ['(scopes)'])[0]}"
        ctx.emit("api-security-added", "/security", msg, cause=cause, cause_message=msg)
    elif ids_a != ids_b:
        msg = "operation accepts credentials it did not (fewer requirements or a new alternative)"
        ctx.emit("api-security-removed", "/security", msg, cause=cause, cause_message=msg)
    used = {k for a in alts_a for k in a} & {k for b in alts_b for k in b}
    for name in sorted(used):
        a, b = _scheme_shape(_scheme(ctx.old_doc, name)), _scheme_shape(_scheme(ctx.new_doc, name))
        if a != b:
            changed = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
            detail = ", ".join(_change(k, a.get(k), b.get(k)) for k in changed)
            msg = f"security scheme `{name}` changed ({detail})"
            ctx.emit(
                "security-scheme-changed",
                join_pointer("/security", name),
                msg,
                cause=f"#/components/securitySchemes/{name}",
                cause_message=msg,
            )


# --- parameters ---------------------------------------------------------------------------


def _auth_params(doc: dict[str, Any], op: _Op) -> set[tuple[str, str]]:
    """(in, name) of apiKey schemes the operation uses: reported as security, not parameters."""
    out = set()
    for alt in _security(doc, op)[0]:
        for name in alt:
            s = _scheme(doc, name)
            if s.get("type") == "apiKey":
                out.add((str(s.get("in")), _param_name(str(s.get("in")), str(s.get("name")))))
    return out


def _param_name(where: str, name: str) -> str:
    return name.lower() if where == "header" else name


def _parameters(doc: dict[str, Any], op: _Op) -> dict[tuple[str, str], tuple[dict[str, Any], str]]:
    """(in, name) -> (parameter, the component it comes from or '')."""
    params: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    skip = _auth_params(doc, op)
    for raw in [*(op.path_item.get("parameters") or []), *(op.raw.get("parameters") or [])]:
        p = resolve(doc, raw)
        if not isinstance(p, dict) or "name" not in p:
            continue
        where = str(p.get("in", "query"))
        key = (where, _param_name(where, str(p["name"])))
        if key in skip:
            continue
        ref = raw.get("$ref") if isinstance(raw, dict) else None
        params[key] = (p, ref if isinstance(ref, str) else "")
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


def _style(p: dict[str, Any]) -> tuple[str, bool]:
    """A parameter's serialisation with OpenAPI's defaults filled in."""
    where = str(p.get("in", "query"))
    style = str(p.get("style") or ("form" if where in ("query", "cookie") else "simple"))
    explode = p.get("explode")
    return style, bool(style == "form" if explode is None else explode)


_LIST_STYLES = {"form", "spaceDelimited", "pipeDelimited"}


def _serialisation_differs(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether a style/explode change changes the bytes sent. For a single value (not an
    array or object) in a query, form, spaceDelimited and pipeDelimited all write `name=v`,
    and explode never matters."""
    (sa, _), (sb, _) = _style(a), _style(b)
    raw = a.get("schema")
    schema: dict[str, Any] = raw if isinstance(raw, dict) else {}
    declared = schema.get("type")
    types = {declared} if isinstance(declared, str) else set(declared or [])
    scalar = bool(types) and not types & {"array", "object"} and "$ref" not in schema
    if not scalar:
        return True
    return sa != sb and not {sa, sb} <= _LIST_STYLES


def _param_schema(p: dict[str, Any]) -> Any:
    if "schema" in p:
        return p["schema"]
    content = p.get("content")
    if isinstance(content, dict):
        for media in content.values():
            if isinstance(media, dict) and "schema" in media:
                return media["schema"]
    return {}


def _diff_parameters(ctx: _Ctx, o: _Op, n: _Op) -> None:
    old, new = _parameters(ctx.old_doc, o), _parameters(ctx.new_doc, n)
    alias = _align_path_params(o.path, n.path)
    for key in [k for k in old if k[0] == "path"]:
        param = old.pop(key)
        target = alias.get(key[1], key[1])
        if target is not None:
            old[("path", target)] = param
    moved_in: dict[tuple[str, str], tuple[str, str]] = {}
    for key in sorted(old.keys() - new.keys()):
        elsewhere = [k for k in new.keys() - old.keys() if k[1] == key[1] and k[0] != "path"]
        if key[0] != "path" and len(elsewhere) == 1:
            moved_in[key] = elsewhere[0]
    for key in sorted(old.keys() - new.keys()):
        p, ref = old[key]
        name = p["name"]
        ptr = join_pointer("/parameters", key[0], name)
        if key in moved_in:
            dest = moved_in[key]
            msg = f"parameter `{name}` moved from {key[0]} to {dest[0]}"
            ctx.emit("request-parameter-in-changed", ptr, msg, f"{key[0]} {name}")
            _diff_parameter(ctx, p, new[dest][0], ref or new[dest][1])
            continue
        msg = f"{key[0]} parameter `{name}` removed"
        ctx.emit(
            "request-parameter-removed", ptr, msg, f"{key[0]} {name}", cause=ref, cause_message=msg
        )
    for key in sorted(new.keys() - old.keys()):
        if key in moved_in.values():
            continue
        p, ref = new[key]
        name = p["name"]
        required = bool(p.get("required"))
        rule = "new-required-request-parameter" if required else "new-optional-request-parameter"
        msg = f"{'required' if required else 'optional'} {key[0]} parameter `{name}` added"
        ctx.emit(
            rule,
            join_pointer("/parameters", key[0], name),
            msg,
            f"{key[0]} {name}",
            cause=ref,
            cause_message=msg,
        )
    for key in sorted(old.keys() & new.keys()):
        _diff_parameter(ctx, old[key][0], new[key][0], new[key][1] or old[key][1])


def _diff_parameter(ctx: _Ctx, a: dict[str, Any], b: dict[str, Any], ref: str) -> None:
    where_in, name = str(b.get("in", "query")), str(b["name"])
    ptr = join_pointer("/parameters", where_in, name)
    where = f"{where_in} {name}"
    label = f"{where_in} parameter `{name}`"

    def emit(rule: str, change: str) -> None:
        ctx.emit(
            rule, ptr, f"{label} {change}", where, cause=ref, cause_message=f"{label} {change}"
        )

    if bool(a.get("required")) != bool(b.get("required")):
        became = "required" if b.get("required") else "optional"
        emit(f"request-parameter-became-{became}", f"became {became}")
    if _style(a) != _style(b) and _serialisation_differs(a, b):
        (sa, ea), (sb, eb) = _style(a), _style(b)
        emit(
            "request-parameter-style-changed",
            f"serialisation changed from style={sa}, explode={str(ea).lower()} "
            f"to style={sb}, explode={str(eb).lower()}",
        )
    for flag in ("allowEmptyValue", "allowReserved"):
        if a.get(flag) is True and b.get(flag) is not True:
            emit("request-constraint-tightened", f"no longer allows {flag}")
        elif b.get(flag) is True and a.get(flag) is not True:
            emit("request-constraint-relaxed", f"now allows {flag}")
    if bool(a.get("deprecated")) != bool(b.get("deprecated")):
        emit("deprecation-changed", "deprecated" if b.get("deprecated") else "no longer deprecated")
    anchor: _Anchor = (ref, "") if ref else None
    _SchemaDiff(ctx, "request", label, parameter=True).run(
        _param_schema(a), _param_schema(b), ptr + "/schema", anchor
    )


# --- bodies -------------------------------------------------------------------------------


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


def _diff_request_body(ctx: _Ctx, o: _Op, n: _Op) -> None:
    raw_a, raw_b = o.raw.get("requestBody"), n.raw.get("requestBody")
    a = resolve(ctx.old_doc, raw_a or {})
    b = resolve(ctx.new_doc, raw_b or {})
    if not isinstance(a, dict) or not isinstance(b, dict):
        return
    ref = _ref_of(raw_b) or _ref_of(raw_a)
    if b.get("required") and not a.get("required"):
        ctx.emit("request-body-became-required", "/requestBody", "request body became required")
    ca, cb = _content(ctx.old_doc, a), _content(ctx.new_doc, b)
    if ca and not cb:
        ctx.emit("request-body-removed", "/requestBody", "request body no longer documented")
        return
    for mt in sorted(ca.keys() - cb.keys()):
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
            (ca[mt] or {}).get("schema"),
            (cb[mt] or {}).get("schema"),
            join_pointer("/requestBody/content", mt, "schema"),
            (ref, "") if ref else None,
        )


def _is_success(status: str) -> bool:
    return status.startswith("2")


def _diff_responses(ctx: _Ctx, o: _Op, n: _Op) -> None:
    ra = {str(k).upper(): v for k, v in (o.raw.get("responses") or {}).items()}
    rb = {str(k).upper(): v for k, v in (n.raw.get("responses") or {}).items()}
    for status in sorted(set(ra) - set(rb)):
        if f"{status[0]}XX" in rb and status[1:].isdigit():
            continue  # `200` folded into `2XX`: the same answers are still documented
        success = _is_success(status)
        ctx.emit(
            f"response-{'' if success else 'non-'}success-status-removed",
            join_pointer("/responses", status),
            f"response status `{status}` removed",
            f"status {status}",
        )
    for status in sorted(set(rb) - set(ra)):
        success = _is_success(status)
        ctx.emit(
            f"response-{'' if success else 'non-'}success-status-added",
            join_pointer("/responses", status),
            f"response status `{status}` added",
            f"status {status}",
        )
    for status in sorted(set(ra) & set(rb)):
        ref = _ref_of(rb[status]) or _ref_of(ra[status])
        _diff_response_headers(ctx, ra[status], rb[status], status, ref)
        ca, cb = _content(ctx.old_doc, ra[status]), _content(ctx.new_doc, rb[status])
        base = join_pointer("/responses", status, "content")
        for mt in sorted(ca.keys() - cb.keys()):
            msg = f"response {status} media type `{mt}` removed"
            ctx.emit(
                "response-media-type-removed", join_pointer(base, mt), msg, f"response {status}"
            )
        for mt in sorted(cb.keys() - ca.keys()):
            msg = f"response {status} media type `{mt}` added"
            ctx.emit("response-media-type-added", join_pointer(base, mt), msg, f"response {status}")
        for mt in sorted(ca.keys() & cb.keys()):
            _SchemaDiff(ctx, "response", f"response {status}").run(
                (ca[mt] or {}).get("schema"),
                (cb[mt] or {}).get("schema"),
                join_pointer(base, mt, "schema"),
                (ref, "") if ref else None,
            )


def _headers(doc: dict[str, Any], response: Any) -> dict[str, dict[str, Any]]:
    response = resolve(doc, response)
    raw = response.get("headers") if isinstance(response, dict) else None
    out: dict[str, dict[str, Any]] = {}
    for name, header in (raw or {}).items():
        value = resolve(doc, header)
        if isinstance(value, dict):
            out[str(name).lower()] = value
    return out


def _diff_response_headers(ctx: _Ctx, ra: Any, rb: Any, status: str, ref: str) -> None:
    ha, hb = _headers(ctx.old_doc, ra), _headers(ctx.new_doc, rb)
    for name in sorted(set(ha) - set(hb)):
        rule = (
            "response-required-header-removed"
            if ha[name].get("required")
            else ("response-optional-header-removed")
        )
        msg = f"response {status} header `{name}` removed"
        ctx.emit(
            rule,
            join_pointer("/responses", status, "headers", name),
            msg,
            f"response {status}",
            cause=ref,
            cause_message=msg,
        )
    for name in sorted(set(hb) - set(ha)):
        msg = f"response {status} header `{name}` added"
        ctx.emit(
            "response-header-added",
            join_pointer("/responses", status, "headers", name),
            msg,
            f"response {status}",
            cause=ref,
            cause_message=msg,
        )
    for name in sorted(set(ha) & set(hb)):
        ptr = join_pointer("/responses", status, "headers", name)
        if ha[name].get("required") and not hb[name].get("required"):
            msg = f"response {status} header `{name}` became optional"
            ctx.emit(
                "response-header-became-optional",
                ptr,
                msg,
                f"response {status}",
                cause=ref,
                cause_message=msg,
            )
        _SchemaDiff(ctx, "response", f"response {status} header `{name}`", parameter=True).run(
            ha[name].get("schema"),
            hb[name].get("schema"),
            ptr + "/schema",
            (ref, f".headers.{name}") if ref else None,
        )


def _canonical(memo: _Memo, schema: Any, depth: int = 0) -> Any:
    """A comparable form of a schema (refs resolved, descriptions dropped) for rename detection."""
    if depth > 6:
        return None
    schema = memo.merged(schema)
    out: dict[str, Any] = {}
    for k, v in sorted(schema.items()):
        if k in _NOISE:
            continue
        if k == "properties" and isinstance(v, dict):
            out[k] = {pk: _canonical(memo, pv, depth + 1) for pk, pv in sorted(v.items())}
        elif k in ("items", "additionalProperties") and isinstance(v, dict):
            out[k] = _canonical(memo, v, depth + 1)
        elif k in ("oneOf", "anyOf") and isinstance(v, list):
            out[k] = [_canonical(memo, b, depth + 1) for b in v]
        else:
            out[k] = v
    return out


def _canon_text(memo: _Memo, schema: Any) -> str:
    return json.dumps(_canonical(memo, schema), sort_keys=True, default=str)


# --- schemas ------------------------------------------------------------------------------

_LOWER = (("minimum", "exclusiveMinimum"),)
_UPPER = (("maximum", "exclusiveMaximum"),)
_MIN_COUNTS = ("minLength", "minItems", "minProperties")
_MAX_COUNTS = ("maxLength", "maxItems", "maxProperties")
# Formats a generated client parses into another type (datetime, UUID, bytes, int width).
_TYPED_FORMATS = {
    "date",
    "date-time",
    "time",
    "uuid",
    "binary",
    "byte",
    "int32",
    "int64",
    "float",
    "double",
}
_WIDER_FORMAT = {("int32", "int64"), ("float", "double"), ("int32", "double")}


def _bound(
    schema: dict[str, Any], plain: str, excl: str, *, integral: bool, upper: bool
) -> tuple[float, bool] | None:
    """A numeric bound as (value, exclusive), from OpenAPI 3.0 or 3.1 spelling. On integers
    it is the inclusive integer bound (`exclusiveMinimum: 0` and `minimum: 0.5` are
    `minimum: 1`): bounds admitting the same integers compare equal."""
    bound = _raw_bound(schema, plain, excl, upper)
    if bound is None or not integral:
        return bound
    value, exclusive = bound
    if upper:
        return float(math.ceil(value) - 1 if exclusive else math.floor(value)), False
    return float(math.floor(value) + 1 if exclusive else math.ceil(value)), False


def _raw_bound(
    schema: dict[str, Any], plain: str, excl: str, upper: bool
) -> tuple[float, bool] | None:
    ex, value = schema.get(excl), schema.get(plain)
    ex_n = float(ex) if isinstance(ex, (int, float)) and not isinstance(ex, bool) else None
    value_n = (
        float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    )
    if ex_n is not None:
        if value_n is not None:  # both given: the stricter one holds
            stricter = ex_n <= value_n if upper else ex_n >= value_n
            return (ex_n, True) if stricter else (value_n, False)
        return ex_n, True
    if value_n is not None:
        return value_n, ex is True
    return None


def _integral(types: frozenset[str]) -> bool:
    """Whether the only numbers a schema admits are integers (bounds then count integers)."""
    return types & {"integer", "number"} == {"integer"}


class _SchemaDiff:
    """Recursive schema comparison in one direction (request or response).

    `tightened`/`relaxed` are judged from the side that must accept the values: a server for
    requests, a client for responses.
    """

    def __init__(self, ctx: _Ctx, direction: str, label: str, *, parameter: bool = False) -> None:
        self.ctx = ctx
        self.direction = direction
        self.label = label
        self.parameter = parameter

    def run(self, old: Any, new: Any, pointer: str, anchor: _Anchor = None) -> None:
        self._walk(old, new, pointer, "", frozenset(), 0, anchor)

    # -- emitting

    def _what(self, display: str) -> str:
        if self.parameter:
            return f"{self.label} `{display}`" if display else self.label
        if display:
            return f"{self.label} property `{display}`"
        return self.label if self.label.endswith("body") else f"{self.label} body"

    def _emit(
        self,
        rule: str,
        ptr: str,
        display: str,
        anchor: _Anchor,
        change: str,
        where: str = "",
        sep: str = ": ",
    ) -> None:
        cause = cause_message = ""
        if anchor is not None:
            name = anchor[0].rsplit("/", 1)[-1]
            cause = anchor[0]
            cause_message = f"`{name}{anchor[1]}` ({self.direction}s){sep}{change}"
        self.ctx.emit(
            rule,
            ptr,
            f"{self._what(display)}{sep}{change}",
            where or self._what(display),
            cause=cause,
            cause_message=cause_message,
        )

    def _constraint(
        self, ptr: str, display: str, anchor: _Anchor, tightened: bool, relaxed: bool, change: str
    ) -> None:
        if tightened:
            self._emit(f"{self.direction}-constraint-tightened", ptr, display, anchor, change)
        if relaxed:
            self._emit(f"{self.direction}-constraint-relaxed", ptr, display, anchor, change)

    def _prefix(self, display: str) -> str:
        if self.parameter and not display and self.direction == "request":
            return "request-parameter"
        return f"{self.direction}-property"

    # -- walking

    def _walk(
        self,
        old: Any,
        new: Any,
        ptr: str,
        display: str,
        refs: frozenset[tuple[str, str]],
        depth: int,
        anchor: _Anchor,
    ) -> None:
        if old is None or new is None or depth > _MAX_DEPTH or self.ctx.same(old, new):
            return
        pair = (_ref_of(old), _ref_of(new))
        if pair != ("", "") and pair in refs:
            return  # a recursive schema: this pair is already being compared further up
        if pair == ("", "") and old is new:
            return
        refs = refs | {pair}
        ref = pair[1] or pair[0]
        if ref.startswith("#/components/"):
            anchor = (ref, "")
        a, b = _normal(self.ctx.old_memo.merged(old)), _normal(self.ctx.new_memo.merged(new))
        alts_a, alts_b = a.get("oneOf") or a.get("anyOf"), b.get("oneOf") or b.get("anyOf")
        if bool(alts_a) != bool(alts_b):  # `X` against `oneOf: [X, null]`: compare X with X|null
            a = _unwrap(a, self.ctx.old_doc, self.ctx.old_memo)
            b = _unwrap(b, self.ctx.new_doc, self.ctx.new_memo)
            alts_a, alts_b = a.get("oneOf") or a.get("anyOf"), b.get("oneOf") or b.get("anyOf")
        if not alts_a and not alts_b:
            self._types(a, b, ptr, display, anchor)
        self._enum(a, b, ptr, display, anchor)
        self._format(a, b, ptr, display, anchor)
        self._bounds(a, b, ptr, display, anchor)
        self._default(a, b, ptr, display, anchor)
        self._discriminator(a, b, ptr, display, anchor)
        self._root_keys(a, b, ptr, display, anchor)
        self._alternatives(a, b, ptr, display, refs, depth, anchor)
        self._properties(a, b, ptr, display, refs, depth, anchor)
        self._additional(a, b, ptr, display, refs, depth, anchor)
        if isinstance(a.get("items"), dict) and isinstance(b.get("items"), dict):
            self._walk(
                a["items"],
                b["items"],
                ptr + "/items",
                f"{display}[]",
                refs,
                depth + 1,
                _child(anchor, "[]"),
            )

    def _types(
        self, a: dict[str, Any], b: dict[str, Any], ptr: str, display: str, anchor: _Anchor
    ) -> None:
        ta, tb = type_set(self.ctx.old_doc, a), type_set(self.ctx.new_doc, b)
        if ta == tb:
            return
        change = f"type changed from {describe_types(ta)} to {describe_types(tb)}"
        prefix = self._prefix(display)
        if self.direction == "response":
            narrowed = bool(tb) and admits(ta, tb)
            rule = f"{prefix}-type-narrowed" if narrowed else f"{prefix}-type-changed"
        else:
            generalized = admits(tb, ta)
            rule = f"{prefix}-type-generalized" if generalized else f"{prefix}-type-changed"
        self._emit(rule, ptr + "/type", display, anchor, change)

    def _enum(
        self, a: dict[str, Any], b: dict[str, Any], ptr: str, display: str, anchor: _Anchor
    ) -> None:
        def values(s: dict[str, Any]) -> dict[str, Any] | None:
            if "const" in s:
                return {_enum_key(s["const"]): s["const"]}
            if isinstance(s.get("enum"), list):
                return {_enum_key(v): v for v in s["enum"]}
            return None

        if a.get("enum") == b.get("enum") and a.get("const") == b.get("const"):
            return
        ea, eb = values(a), values(b)
        if ea is None and eb is None:
            return
        if ea is None or eb is None:
            change = "values limited to an enum" if ea is None else "enum limit removed"
            self._constraint(ptr + "/enum", display, anchor, ea is None, eb is None, change)
            return
        prefix = self._prefix(display)
        for key in sorted(ea.keys() - eb.keys()):
            self._emit(
                f"{prefix}-enum-value-removed",
                join_pointer(ptr, "enum", key),
                display,
                anchor,
                f"enum value {key} removed",
            )
        for key in sorted(eb.keys() - ea.keys()):
            self._emit(
                f"{prefix}-enum-value-added",
                join_pointer(ptr, "enum", key),
                display,
                anchor,
                f"enum value {key} added",
            )

    def _format(
        self, a: dict[str, Any], b: dict[str, Any], ptr: str, display: str, anchor: _Anchor
    ) -> None:
        fa, fb = a.get("format"), b.get("format")
        if fa != fb:
            if fa is None or fb is None:
                tightened, relaxed = fa is None, fb is None
            elif (fa, fb) in _WIDER_FORMAT or (fb, fa) in _WIDER_FORMAT:
                tightened, relaxed = (fb, fa) in _WIDER_FORMAT, (fa, fb) in _WIDER_FORMAT
            else:  # another format altogether: values of either may fail the other
                tightened = relaxed = True
            if self.direction == "response" and not {fa, fb} & _TYPED_FORMATS:
                relaxed = False  # a descriptive format (uri, email): readers keep a string
            change = _change("format", fa, fb)
            self._constraint(
                join_pointer(ptr, "format"), display, anchor, tightened, relaxed, change
            )
        pa, pb = a.get("pattern"), b.get("pattern")
        if pa != pb:
            if pa is None or pb is None:
                tightened, relaxed = pa is None, pb is None
            else:
                tightened, relaxed = _regex.compare(str(pa), str(pb))
            change = _change("pattern", pa, pb)
            self._constraint(
                join_pointer(ptr, "pattern"), display, anchor, tightened, relaxed, change
            )

    def _bounds(
        self, a: dict[str, Any], b: dict[str, Any], ptr: str, display: str, anchor: _Anchor
    ) -> None:
        int_a = _integral(type_set(self.ctx.old_doc, a))
        int_b = _integral(type_set(self.ctx.new_doc, b))
        for plain, excl in _LOWER + _UPPER:
            upper = (plain, excl) in _UPPER
            ba = _bound(a, plain, excl, integral=int_a, upper=upper)
            bb = _bound(b, plain, excl, integral=int_b, upper=upper)
            if ba == bb:
                continue
            if ba is None or bb is None:
                tightened, relaxed = ba is None, bb is None
            else:
                # compare (value, exclusive): for a lower bound higher or exclusive is stricter
                sa = (ba[0], ba[1]) if not upper else (-ba[0], ba[1])
                sb = (bb[0], bb[1]) if not upper else (-bb[0], bb[1])
                tightened, relaxed = sb > sa, sb < sa
            change = _change(plain, ba, bb, _show_bound)
            self._constraint(join_pointer(ptr, plain), display, anchor, tightened, relaxed, change)
        for key in _MIN_COUNTS + _MAX_COUNTS:
            va, vb = a.get(key), b.get(key)
            if va == vb:
                continue
            if va is None or vb is None:
                tightened, relaxed = va is None, vb is None
            else:
                sign = 1 if key in _MIN_COUNTS else -1
                tightened, relaxed = sign * vb > sign * va, sign * vb < sign * va
            change = _change(key, va, vb, str)
            self._constraint(join_pointer(ptr, key), display, anchor, tightened, relaxed, change)
        ma, mb = a.get("multipleOf"), b.get("multipleOf")
        if ma != mb:
            if ma is None or mb is None:
                tightened, relaxed = ma is None, mb is None
            else:
                tightened = not _divides(ma, mb)
                relaxed = not _divides(mb, ma)
            change = _change("multipleOf", ma, mb, str)
            self._constraint(
                join_pointer(ptr, "multipleOf"), display, anchor, tightened, relaxed, change
            )
        if bool(a.get("uniqueItems")) != bool(b.get("uniqueItems")):
            now = bool(b.get("uniqueItems"))
            change = "items must be unique" if now else "items may repeat"
            self._constraint(
                join_pointer(ptr, "uniqueItems"), display, anchor, now, not now, change
            )

    def _default(
        self, a: dict[str, Any], b: dict[str, Any], ptr: str, display: str, anchor: _Anchor
    ) -> None:
        da, db = a.get("default", _MISSING), b.get("default", _MISSING)
        if da != db:
            if self.direction == "response":  # a response's default only documents
                kind = "changed" if da is not _MISSING else ""
            else:
                kind = "removed" if db is _MISSING else "added" if da is _MISSING else "changed"
            if kind:
                was, now = (None if v is _MISSING else v for v in (da, db))
                self._emit(
                    f"{self.direction}-default-{kind}",
                    join_pointer(ptr, "default"),
                    display,
                    anchor,
                    _change("default", was, now),
                )
        if bool(a.get("deprecated")) != bool(b.get("deprecated")) and display:
            state = "deprecated" if b.get("deprecated") else "no longer deprecated"
            self._emit(
                "deprecation-changed", join_pointer(ptr, "deprecated"), display, anchor, state
            )

    def _root_keys(
        self, a: dict[str, Any], b: dict[str, Any], ptr: str, display: str, anchor: _Anchor
    ) -> None:
        """`x-accepted-root-keys`: the root keys a server takes (docs/CONVENTIONS.md)."""
        ka, kb = a.get("x-accepted-root-keys"), b.get("x-accepted-root-keys")
        if not isinstance(ka, list) or not isinstance(kb, list) or self.direction != "request":
            return
        p = join_pointer(ptr, "x-accepted-root-keys")
        lost, gained = sorted(set(ka) - set(kb)), sorted(set(kb) - set(ka))
        if lost:
            self._constraint(
                p, display, anchor, True, False, f"root keys {_names(lost)} no longer accepted"
            )
        if gained:
            self._constraint(
                p, display, anchor, False, True, f"root keys {_names(gained)} now accepted"
            )

    def _discriminator(
        self, a: dict[str, Any], b: dict[str, Any], ptr: str, display: str, anchor: _Anchor
    ) -> None:
        da, db = a.get("discriminator"), b.get("discriminator")
        if not isinstance(da, dict) or not isinstance(db, dict) or da == db:
            if isinstance(da, dict) != isinstance(db, dict):
                change = "discriminator added" if isinstance(db, dict) else "discriminator removed"
                self._emit(
                    "discriminator-annotation-changed",
                    join_pointer(ptr, "discriminator"),
                    display,
                    anchor,
                    change,
                )
            return
        p = join_pointer(ptr, "discriminator")
        if da.get("propertyName") != db.get("propertyName"):
            change = (
                f"discriminator property changed from `{da.get('propertyName')}` "
                f"to `{db.get('propertyName')}`"
            )
            self._emit("discriminator-changed", p, display, anchor, change)
            return
        ma, mb = da.get("mapping") or {}, db.get("mapping") or {}
        changed = sorted(k for k in set(ma) & set(mb) if ma[k] != mb[k])
        if changed:
            self._emit(
                "discriminator-changed",
                p,
                display,
                anchor,
                f"discriminator values {_names(changed)} map to other schemas",
            )
        lost, gained = sorted(set(ma) - set(mb)), sorted(set(mb) - set(ma))
        if lost:
            self._constraint(
                p, display, anchor, True, False, f"discriminator values {_names(lost)} removed"
            )
        if gained:
            self._constraint(
                p, display, anchor, False, True, f"discriminator values {_names(gained)} added"
            )

    def _alternatives(
        self,
        a: dict[str, Any],
        b: dict[str, Any],
        ptr: str,
        display: str,
        refs: frozenset[tuple[str, str]],
        depth: int,
        anchor: _Anchor,
    ) -> None:
        kind = "oneOf" if "oneOf" in a or "oneOf" in b else "anyOf"
        # oneOf and anyOf read alike to a generated client (try each branch): compare branches
        la = [x for x in a.get("oneOf") or a.get("anyOf") or [] if isinstance(x, dict)]
        lb = [x for x in b.get("oneOf") or b.get("anyOf") or [] if isinstance(x, dict)]
        if not la and not lb:
            return
        old_memo, new_memo = self.ctx.old_memo, self.ctx.new_memo
        if not la or not lb:  # one plain schema against a choice
            plain, memo_plain = (a, old_memo) if not la else (b, new_memo)
            branches, memo_br = (lb, new_memo) if not la else (la, old_memo)
            text = _canon_text(memo_plain, {k: v for k, v in plain.items() if k not in _NOISE})
            if any(_canon_text(memo_br, x) == text for x in branches):
                change = f"now a {kind} of {len(lb)}" if not la else f"no longer a {kind}"
                self._constraint(join_pointer(ptr, kind), display, anchor, not lb, not la, change)
            else:
                self._constraint(
                    join_pointer(ptr, kind),
                    display,
                    anchor,
                    True,
                    True,
                    f"{kind} replaced by a different schema",
                )
            return
        pairs: list[tuple[int, int]] = []
        free_a, free_b = list(range(len(la))), list(range(len(lb)))

        def pair_by(key: Callable[[dict[str, Any], _Memo], str]) -> None:
            for i in list(free_a):
                ka = key(la[i], old_memo)
                if not ka:
                    continue
                for j in free_b:
                    if key(lb[j], new_memo) == ka:
                        pairs.append((i, j))
                        free_a.remove(i)
                        free_b.remove(j)
                        break

        pair_by(lambda s, _m: _ref_of(s).rsplit("/", 1)[-1])
        pair_by(lambda s, m: _canon_text(m, s))
        pair_by(lambda s, m: _branch_tag(m.merged(s)))
        for i, j in zip(list(free_a), list(free_b), strict=False):
            if len(free_a) == len(free_b):  # same count: same place is the same branch
                pairs.append((i, j))
        if len(free_a) == len(free_b):
            free_a, free_b = [], []
        for i, j in pairs:
            self._walk(
                la[i],
                lb[j],
                join_pointer(ptr, kind, j),
                display,
                refs,
                depth + 1,
                _child(anchor, f"<{kind}[{j}]>"),
            )
        for i in free_a:
            name = _ref_of(la[i]).rsplit("/", 1)[-1] or f"#{i}"
            self._constraint(
                join_pointer(ptr, kind, name),
                display,
                anchor,
                True,
                False,
                f"{kind} branch `{name}` removed",
            )
        for j in free_b:
            name = _ref_of(lb[j]).rsplit("/", 1)[-1] or f"#{j}"
            self._constraint(
                join_pointer(ptr, kind, name),
                display,
                anchor,
                False,
                True,
                f"{kind} branch `{name}` added",
            )

    def _additional(
        self,
        a: dict[str, Any],
        b: dict[str, Any],
        ptr: str,
        display: str,
        refs: frozenset[tuple[str, str]],
        depth: int,
        anchor: _Anchor,
    ) -> None:
        xa, xb = a.get("additionalProperties", True), b.get("additionalProperties", True)
        if xa == xb:
            return
        if isinstance(xa, dict) and isinstance(xb, dict):
            self._walk(
                xa,
                xb,
                ptr + "/additionalProperties",
                f"{display}.*",
                refs,
                depth + 1,
                _child(anchor, ".*"),
            )
            return
        closed_a, closed_b = xa is False, xb is False
        if closed_a == closed_b:
            return
        p = join_pointer(ptr, "additionalProperties")
        change = "undeclared keys now refused" if closed_b else "undeclared keys now allowed"
        if self.direction == "request":
            self._constraint(p, display, anchor, closed_b, closed_a, change)
        else:
            self._emit("response-additional-properties-changed", p, display, anchor, change)

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
        anchor: _Anchor,
    ) -> None:
        pa = self._visible(self.ctx.old_doc, a.get("properties") or {})
        pb = self._visible(self.ctx.new_doc, b.get("properties") or {})
        if not pa and not pb:
            return
        ra, rb = set(a.get("required") or []), set(b.get("required") or [])
        removed = sorted(pa.keys() - pb.keys())
        added = sorted(pb.keys() - pa.keys())
        resp = self.direction == "response"

        def child(name: str) -> tuple[str, str, _Anchor]:
            return (
                join_pointer(ptr, "properties", name),
                f"{display}.{name}" if display else name,
                _child(anchor, f".{name}"),
            )

        def emit(rule: str, name: str, change: str) -> None:
            p, d, anc = child(name)
            self._emit(rule, p, d, anc, change, f"{self.label}: {d}", sep=" ")

        if resp:
            renamed = self._renames(pa, pb, removed, added)
            for old_name, new_name in renamed.items():
                emit("response-property-renamed", old_name, f"renamed to `{new_name}`")
            removed = [r for r in removed if r not in renamed]
            added = [x for x in added if x not in renamed.values()]
        closed = b.get("additionalProperties", True) is False
        for name in removed:
            # A closed request object refuses a property it no longer lists: clients still
            # sending it now fail. One merely hidden (readOnly) is still accepted.
            gone = name not in (b.get("properties") or {})
            if not resp and closed and gone:
                emit("request-property-removed-closed", name, "removed from a closed object")
            else:
                emit(f"{self.direction}-property-removed", name, "removed")
        for name in added:
            if resp:
                emit("response-property-added", name, "added")
            elif name in rb:
                emit("new-required-request-property", name, "added, required")
            else:
                emit("new-optional-request-property", name, "added, optional")
        for name in sorted(pa.keys() & pb.keys()):
            if name in ra and name not in rb:
                emit(f"{self.direction}-property-became-optional", name, "became optional")
            elif name in rb and name not in ra:
                emit(f"{self.direction}-property-became-required", name, "became required")
            p, d, anc = child(name)
            self._walk(pa[name], pb[name], p, d, refs, depth + 1, anc)
        if not resp:  # a required name without a schema is still required of the client
            for name in sorted((rb - ra) - pb.keys() - pa.keys()):
                emit("request-property-became-required", name, "became required")

    def _renames(
        self, pa: dict[str, Any], pb: dict[str, Any], removed: list[str], added: list[str]
    ) -> dict[str, str]:
        """Removed→added pairs whose schemas are identical and unambiguous: a rename."""
        if not removed or not added:
            return {}
        canon_a = {r: _canon_text(self.ctx.old_memo, pa[r]) for r in removed}
        canon_b = {x: _canon_text(self.ctx.new_memo, pb[x]) for x in added}
        out: dict[str, str] = {}
        for r in removed:
            same = [x for x in added if canon_b[x] == canon_a[r] and x not in out.values()]
            if len(same) == 1 and list(canon_a.values()).count(canon_a[r]) == 1:
                out[r] = same[0]
        return out


def _normal(schema: dict[str, Any]) -> dict[str, Any]:
    """One spelling where several admit the same values: a count bound of 0 (admits all) is
    dropped, and a choice of bare types (`oneOf: [{type: string}, {type: number}]`) is the
    type list. A `oneOf` of overlapping types (integer and number) is left alone: an integer
    matches two branches and so fails it."""
    out = {k: v for k, v in schema.items() if not (k in _MIN_COUNTS and v == 0)}
    kind = "oneOf" if "oneOf" in out else "anyOf"
    branches = out.get(kind)
    if not isinstance(branches, list) or not branches or "type" in out:
        return out
    types: list[str] = []
    for branch in branches:
        if not isinstance(branch, dict) or set(branch) - _NOISE != {"type"}:
            return out
        declared = branch["type"]
        for t in [declared] if isinstance(declared, str) else declared or []:
            if kind == "oneOf" and (t in types or {t, *types} >= {"integer", "number"}):
                return out
            types.append(str(t))
    del out[kind]
    out["type"] = sorted(set(types))
    return out


def _unwrap(schema: dict[str, Any], doc: dict[str, Any], memo: _Memo) -> dict[str, Any]:
    """A choice of one schema (and perhaps null) as that schema, null added to its types."""
    branches = schema.get("oneOf") or schema.get("anyOf")
    if not isinstance(branches, list):
        return schema
    parts = [memo.merged(x) for x in branches if isinstance(x, dict)]
    null = frozenset({"null"})
    rest = [p for p in parts if type_set(doc, p) != null]
    if len(rest) != 1 or len(parts) - len(rest) > 1:
        return schema
    out = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
    out.update(rest[0])
    types = type_set(doc, rest[0])
    if len(parts) > 1 and types:
        out["type"] = sorted(types | null)
    return out


def _enum_key(value: Any) -> str:
    """An enum value as it reads in JSON (`"draft"`, `1`), the cheap way for strings."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return json.dumps(value, sort_keys=True)


def _child(anchor: _Anchor, step: str) -> _Anchor:
    return None if anchor is None else (anchor[0], anchor[1] + step)


def _divides(small: Any, big: Any) -> bool:
    """Whether `big` is a whole multiple of `small` (every multiple of big is one of small)."""
    try:
        ratio = float(big) / float(small)
    except (TypeError, ValueError, ZeroDivisionError):
        return False
    return abs(ratio - round(ratio)) < 1e-9


def _branch_tag(schema: dict[str, Any]) -> str:
    """A branch's identity when it has no `$ref`: its title, or its constant type property."""
    if schema.get("title"):
        return f"title:{schema['title']}"
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict):
            values = prop.get("enum") if "const" not in prop else [prop["const"]]
            if isinstance(values, list) and len(values) == 1:
                return f"{name}={json_type(values[0])}:{values[0]}"
    return ""


def _value(value: Any) -> str:
    """A value as it reads in the spec (JSON), never as a Python repr."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)}`"


def _names(values: list[Any]) -> str:
    """`a`, `b` (a list as a reader reads it, not as Python prints it)."""
    return ", ".join(f"`{v}`" for v in values)


def _change(what: str, old: Any, new: Any, show: Callable[[Any], str] = _value) -> str:
    """`maxItems added: 20`, `maxItems removed (was 20)`, `maxItems changed from 20 to 10`."""
    if old is None:
        return f"{what} added: {show(new)}"
    if new is None:
        return f"{what} removed (was {show(old)})"
    return f"{what} changed from {show(old)} to {show(new)}"


def _show_bound(bound: tuple[float, bool]) -> str:
    value = int(bound[0]) if bound[0].is_integer() else bound[0]
    return f"{value} (exclusive)" if bound[1] else str(value)


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


def _aliases(sm: Any) -> dict[str, str]:
    raw = sm.get("aliases") if isinstance(sm, dict) else None
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


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
    sma, smb = o.raw.get("x-state-machine"), n.raw.get("x-state-machine")
    if isinstance(sma, dict) and isinstance(smb, dict) and sma.get("initial") != smb.get("initial"):
        ctx.emit(
            "state-machine-initial-changed",
            "/x-state-machine/initial",
            f"documents now start in `{smb.get('initial')}`, not `{sma.get('initial')}`",
        )
    aliases_a = _aliases(o.raw.get("x-state-machine"))
    aliases_b = _aliases(n.raw.get("x-state-machine"))
    for alias in sorted(aliases_a.keys() - aliases_b.keys()):
        ctx.emit(
            "state-transition-removed",
            join_pointer("/x-state-machine/aliases", alias),
            f"event alias `{alias}` (for `{aliases_a[alias]}`) removed: requests using it fail",
            f"alias {alias}",
        )
    for key in sorted(ta.keys() & tb.keys()):
        more = sorted(set(tb[key]) - set(ta[key]))
        fewer = sorted(set(ta[key]) - set(tb[key]))
        if more:
            ctx.emit(
                "state-transition-requires-added",
                ptr(key),
                f"transition {where(key)} now requires {_names(more)} in the request",
                where(key),
            )
        if fewer:
            ctx.emit(
                "state-transition-requires-removed",
                ptr(key),
                f"transition {where(key)} no longer requires {_names(fewer)}",
                where(key),
            )
