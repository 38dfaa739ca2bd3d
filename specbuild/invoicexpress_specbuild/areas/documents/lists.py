"""The family lists (with filters) and the legacy per-type lists."""

from __future__ import annotations

from invoicexpress_specbuild.areas.documents.facts import FAMILY_TAG
from invoicexpress_specbuild.doctypes import (
    BY_SEGMENT,
    DOC_TYPES,
    LIST_STATUS_FILTER,
    LIST_TYPE_FILTER,
    PER_TYPE_LISTS,
    DocType,
)
from invoicexpress_specbuild.document_model import document_example
from invoicexpress_specbuild.nodes import Node, array, enum, ok, query, ref
from invoicexpress_specbuild.operation import operation
from invoicexpress_specbuild.parameters import page_example, page_of, paging


def list_filters(family: str) -> list[Node]:
    """The query filters of a family list, flattened (the bundle nests them in one object)."""
    params: list[Node] = []
    if family in LIST_TYPE_FILTER:
        params.append(
            query(
                "type[]",
                array(enum(LIST_TYPE_FILTER[family])),
                "Only these document types.",
                explode=True,
            )
        )
    params.append(
        query(
            "status[]",
            array(enum(LIST_STATUS_FILTER[family])),
            "Only these statuses (`sent` selects final documents).",
            explode=True,
        )
    )
    params += [
        query("non_archived", {"type": "boolean"}, "Include documents not archived."),
        query("archived", {"type": "boolean"}, "Include archived documents."),
        query("text", {"type": "string"}, "Full-text search."),
    ]
    if family == "guides":
        return [*params, *_ranges(("loaded_at", "Loaded")), *paging()]
    if family == "invoices":
        params.append(query("reference", {"type": "string"}, "Exact reference."))
    params += _ranges(("date", "Dated"), ("due_date", "Due"))
    params += [
        query("total_before_taxes[from]", {"type": "number"}, "Amount before taxes >=."),
        query("total_before_taxes[to]", {"type": "number"}, "Amount before taxes <=."),
    ]
    return [*params, *paging()]


def _ranges(*fields: tuple[str, str]) -> list[Node]:
    """`<field>[from]` and `<field>[to]` date filters."""
    return [
        query(f"{name}[{end}]", ref("DateDMY"), f"{verb} on or {side} (dd/mm/yyyy).")
        for name, verb in fields
        for end, side in (("from", "after"), ("to", "before"))
    ]


FAMILY_LISTS = {
    # family: operationId, item schema, vendor operation (None: legacy)
    "invoices": ("listInvoices", "InvoiceFamilyDocument", "listInvoices"),
    "estimates": ("listEstimates", "EstimateFamilyDocument", "listEstimates"),
    "guides": ("listGuides", "GuideFamilyDocument", "listGuides"),
    "purchase_orders": ("listPurchaseOrders", "PurchaseOrderResponseDocument", None),
}
_PER_TYPE_EVIDENCE = (
    "surface §4.2: legacy v2 pages list `/invoice_receipts.json` and siblings "
    "('return only those types'); a 2026 production integration lists per type"
)


def family_list(family: str) -> Node:
    op_id, item_schema, vendor = FAMILY_LISTS[family]
    dt = next(d for d in DOC_TYPES if d.family == family)
    ext: Node = {"x-family": family}
    if vendor:
        ext["x-vendor-operation"] = vendor
    else:
        ext |= {"x-legacy": True, "x-evidence": BY_SEGMENT["purchase_orders"].evidence}
    words = family.replace("_", " ")
    return operation(
        op_id,
        f"List {words}",
        FAMILY_TAG[family],
        f"Lists documents of the {words} family, newest first, with "
        "filters and pagination. No filter is required.",
        {
            "200": ok(
                "One page of documents.",
                page_of(family, ref(item_schema)),
                page_example(family, document_example(dt, status="final")),
            )
        },
        parameters=list_filters(family),
        extensions=ext,
    )


def per_type_list(dt: DocType) -> Node:
    return operation(
        f"list{dt.pascal}s",
        f"List {dt.title}s",
        FAMILY_TAG[dt.family],
        f"Lists only {dt.title}s. The legacy per-type list: filters are documented only "
        "for `/invoices.json`, so only pagination is described here.",
        {
            "200": ok(
                f"One page of {dt.title}s.",
                page_of(dt.segment, ref(dt.pascal)),
                page_example(dt.segment, document_example(dt, status="final")),
            )
        },
        parameters=paging(),
        extensions={
            "x-family": dt.family,
            "x-document-type": dt.segment,
            "x-legacy": True,
            "x-evidence": _PER_TYPE_EVIDENCE,
        },
    )


def list_paths() -> dict[str, Node]:
    paths = {f"/{family}.json": {"get": family_list(family)} for family in FAMILY_LISTS}
    for segment in PER_TYPE_LISTS:
        paths[f"/{segment}.json"] = {"get": per_type_list(BY_SEGMENT[segment])}
    return paths
