"""The Security Requirement and Security Scheme Objects."""

from __future__ import annotations

import json
from typing import Any

from invoicexpress_drift._model import join_pointer
from invoicexpress_drift._schema import resolve
from invoicexpress_drift.spec_diff._context import _Ctx
from invoicexpress_drift.spec_diff._values import _change
from invoicexpress_drift.spec_diff.operations import _Op


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
