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

from typing import Any

from invoicexpress_drift._model import Finding
from invoicexpress_drift.spec_diff._context import _Ctx, _Memo, _Sameness
from invoicexpress_drift.spec_diff.bodies import _diff_request_body, _diff_responses
from invoicexpress_drift.spec_diff.operations import (
    _instantiates,
    _normalise_path,
    _Op,
    _operations,
    match_operations,
)
from invoicexpress_drift.spec_diff.parameters import _diff_parameters
from invoicexpress_drift.spec_diff.security import _diff_security
from invoicexpress_drift.spec_diff.servers import _diff_servers
from invoicexpress_drift.spec_diff.state_machine import _diff_state_machine

__all__ = ["diff_documents", "match_operations"]


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
