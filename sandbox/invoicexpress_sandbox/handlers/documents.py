"""Handlers of the document operations (every type), PDFs and QR codes."""

from __future__ import annotations

from .._catalog import DOC_TYPES, DocType
from .._errors import ApiError, not_found, say
from ..areas._base import Ctx, doc_type_of, documents, get_document, public, save_document
from ..areas.documents import (
    change_state,
    create_document,
    email_document,
    related,
    update_document,
)
from ._base import (
    Handler,
    RawJson,
    Reply,
    Req,
    doc_reply,
    handles,
    list_reply,
    pascal,
    register,
    saved_reply,
)


def _make_document_handlers(dt: DocType) -> None:
    s = pascal(dt.key)

    def create(ctx: Ctx, req: Req) -> Reply:
        return 201, saved_reply(ctx, dt, create_document(ctx, dt, req.json))

    def get(ctx: Ctx, req: Req) -> Reply:
        found = ctx.tx.get_public("document", req.int_param("document_id", "id"), ctx.name)
        if found is None or found[0] != dt.type:
            raise not_found()
        return 200, RawJson(b'{"' + dt.key.encode() + b'":' + found[1].encode() + b"}")

    def update(ctx: Ctx, req: Req) -> Reply:
        doc = update_document(ctx, dt, req.int_param("document_id", "id"), req.json)
        return 200, doc_reply(dt, doc)

    def change(ctx: Ctx, req: Req) -> Reply:
        doc_id = req.int_param("document_id", "id")
        doc = change_state(ctx, dt, doc_id, req.json, req.state_machine())
        return 200, doc_reply(dt, doc)

    def email(ctx: Ctx, req: Req) -> Reply:
        email_document(ctx, dt, req.int_param("document_id", "id"), req.json)
        return 200, None

    def listing(ctx: Ctx, req: Req) -> Reply:
        rows = [r for r in documents(ctx) if r["type"] == dt.type]
        return 200, list_reply(ctx, req, f"{dt.key}s", rows)

    if dt.segment != "receipts":
        register(f"create{s}", create, writes=True, dt=dt)
        register(f"update{s}", update, writes=True, dt=dt)
        register(f"change{s}State", change, writes=True, dt=dt)
        register(f"email{s}", email, writes=True, dt=dt)
    else:
        register("emailReceipt", email, writes=True, dt=dt)
    register(f"get{s}", get, writes=False, dt=dt)
    register(f"list{s}s", listing, writes=False, dt=dt)


for _dt in DOC_TYPES.values():
    _make_document_handlers(_dt)


def _family_list(family: str, key: str) -> Handler:
    def listing(ctx: Ctx, req: Req) -> Reply:
        rows = [r for r in documents(ctx) if doc_type_of(r).family == family]
        return 200, list_reply(ctx, req, key, rows)

    return listing


# `/invoices.json` is the family list with all filters (CONVENTIONS), so it overrides the
# per-type `listInvoices` made above.
register("listInvoices", _family_list("invoices", "invoices"), writes=False)
register("listEstimates", _family_list("estimates", "estimates"), writes=False)
register("listGuides", _family_list("guides", "guides"), writes=False)
register("listPurchaseOrders", _family_list("purchase_orders", "purchase_orders"), writes=False)


@handles("listRelatedDocuments", writes=False)
def _related(ctx: Ctx, req: Req) -> Reply:
    docs = related(ctx, req.int_param("document_id", "id"))
    return 200, {"documents": [public(x) for x in docs]}


@handles("generatePdf", writes=True)
def _pdf(ctx: Ctx, req: Req) -> Reply:
    doc = get_document(ctx, req.int_param("document_id", "id"))
    if doc["status"] == "deleted":
        raise ApiError(406, say("pdf_invalid_state"))
    second_copy = (req.q("second_copy") or "").lower() in ("true", "1")
    key = "_pdf_second" if second_copy else "_pdf"
    if not doc.get(key):
        doc[key] = True
        save_document(ctx, doc)
        return 202, None
    suffix = "-2via" if second_copy else ""
    return 200, {"output": {"pdfUrl": f"{ctx.base_url}/_files/{doc['id']}{suffix}.pdf"}}


@handles("getQrCode", writes=True)
def _qr(ctx: Ctx, req: Req) -> Reply:
    doc_id = req.int_param("document_id", "id")
    doc = ctx.tx.get("document", doc_id, ctx.name)
    if doc is None:
        raise ApiError(
            404, f"No document with ID {doc_id} was found in this account", shape="SimpleError"
        )
    if doc["status"] in ("draft", "deleted"):
        raise ApiError(
            422,
            f"Document with ID {doc_id} is still in draft. QR Codes are only available for "
            "final, canceled or settled documents.",
            shape="SimpleError",
        )
    if not doc.get("_qr"):
        doc["_qr"] = True
        save_document(ctx, doc)
        return 202, {"qr_code": {"status": "In progress"}}
    return 200, {"qr_code": {"url": f"{ctx.base_url}/_files/{doc_id}-qr.png"}}
