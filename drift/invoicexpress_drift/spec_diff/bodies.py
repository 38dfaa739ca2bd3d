"""The Request Body, Response and Header Objects."""

from __future__ import annotations

from typing import Any

from invoicexpress_drift._model import join_pointer
from invoicexpress_drift._schema import resolve
from invoicexpress_drift.spec_diff._context import _content, _Ctx, _ref_of
from invoicexpress_drift.spec_diff.operations import _Op
from invoicexpress_drift.spec_diff.schemas import _SchemaDiff


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
