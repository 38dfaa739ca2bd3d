"""The Parameter Object: names, places, serialisation and schemas."""

from __future__ import annotations

import re
from typing import Any

from invoicexpress_drift._model import join_pointer
from invoicexpress_drift._schema import resolve
from invoicexpress_drift.spec_diff._context import _Anchor, _Ctx
from invoicexpress_drift.spec_diff.operations import _Op
from invoicexpress_drift.spec_diff.schemas import _SchemaDiff
from invoicexpress_drift.spec_diff.security import _scheme, _security


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
