"""Partial payments and the receipts issued for them (or by settling)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from invoicexpress_core.machines import StateMachine

from .._catalog import (
    DOC_TYPES,
    PAYABLE,
    PAYMENT_MECHANISMS,
)
from .._errors import invalid
from .._money import decimal_text, r2, to_decimal, wire
from ._base import (
    DRAFT_NUMBER,
    Ctx,
    Json,
    as_text,
    fmt_date,
    get_document,
    parse_date,
    save_document,
)
from .sequences import finalize, sequences


def partial_payment(ctx: Ctx, doc_id: int, body: Mapping[str, Any]) -> Json:
    doc = get_document(ctx, doc_id)
    root = body.get("partial_payment")
    if not isinstance(root, Mapping):
        raise invalid("blank", what="Amount", field="amount")
    if doc["type"] not in PAYABLE or doc["status"] not in ("final",):
        raise invalid("payment_invalid_state", field="base")
    amount = to_decimal(root.get("amount"))
    if amount is None or amount <= 0:
        raise invalid("not_a_number", what="Amount", field="amount")
    outstanding = Decimal(doc["_outstanding"])
    if r2(amount) > outstanding:
        raise invalid("amount_over_due", field="amount")
    mechanism = as_text(root.get("payment_mechanism") or "TB")
    if mechanism not in PAYMENT_MECHANISMS:
        raise invalid("payment_mechanism_invalid", field="payment_mechanism")
    pay_date = ctx.today
    if root.get("payment_date") not in (None, ""):
        parsed = parse_date(root.get("payment_date"))
        if parsed is None:
            raise invalid("not_valid", what="Payment date", field="payment_date")
        pay_date = parsed
    serie = as_text(root.get("serie"))
    series = None
    if serie:
        series = next((s for s in sequences(ctx) if s["serie"] == serie), None)
        if series is None:
            raise invalid("invalid", what="Serie", field="serie")
    else:
        series = ctx.tx.get("sequence", int(doc["_series"]), ctx.name)
    assert series is not None
    amount = r2(amount)
    receipt = issue_receipt(
        ctx, doc, amount, mechanism, pay_date, series, as_text(root.get("note"))
    )
    doc["_outstanding"] = str(outstanding - amount)
    doc.setdefault("_related", []).append(int(receipt["id"]))
    if Decimal(doc["_outstanding"]) == 0:
        doc["status"] = "settled"
    save_document(ctx, doc)
    return receipt


def issue_receipt(
    ctx: Ctx, doc: Json, amount: Decimal, mechanism: str, pay_date: date, series: Json, note: str
) -> Json:
    """A final, numbered receipt of `amount` paid on `doc` (by a payment or by settling)."""
    dt = DOC_TYPES["receipts"]
    receipt_id = ctx.tx.next_id("document")
    receipt: Json = {
        "id": receipt_id,
        "status": "final",
        "archived": False,
        "type": "Receipt",
        "sequence_number": DRAFT_NUMBER,
        "inverted_sequence_number": None,
        "atcud": None,
        "sequence_id": int(series["_types"]["receipt"]["sequence_id"]),
        "tax_exemption": None,
        "date": fmt_date(pay_date),
        "due_date": fmt_date(pay_date),
        "reference": doc.get("sequence_number", ""),
        "observations": note,
        "retention": "0.0",
        "permalink": None,
        "saft_hash": None,
        "sum": wire(amount),
        "discount": 0,
        "before_taxes": wire(amount),
        "taxes": 0,
        "total": wire(amount),
        "currency": doc["currency"],
        "client": doc["client"],
        "items": [
            {
                "name": doc.get("sequence_number", ""),
                "description": f"{doc['type']} payment",
                "unit_price": decimal_text(amount),
                "unit": "",
                "quantity": "1.0",
                "tax": {"id": 0, "name": "", "value": 0},
                "discount": 0,
                "subtotal": wire(amount),
                "tax_amount": 0,
                "discount_amount": 0,
                "total": wire(amount),
            }
        ],
        "_series": int(series["id"]),
        "_outstanding": "0.00",
        "_related": [int(doc["id"])],
        "_payment_of": int(doc["id"]),
        "_amount": str(amount),
        "_mechanism": mechanism,
    }
    finalize(ctx, dt, receipt)
    ctx.tx.put("document", receipt_id, ctx.name, receipt)
    return receipt


def cancel_receipt(
    ctx: Ctx, receipt_id: int, body: Mapping[str, Any], machine: StateMachine
) -> Json:
    receipt = get_document(ctx, receipt_id, DOC_TYPES["receipts"])
    root = body.get("receipt")
    if not isinstance(root, Mapping):
        raise invalid("invalid_state", field="state")
    transition = machine.find(receipt["status"], as_text(root.get("state")))
    if transition is None:
        raise invalid("invalid_state")
    if "message" in transition.requires and not as_text(root.get("message")).strip():
        raise invalid("cancel_message_required", field="message")
    target = transition.target
    receipt["status"] = target
    save_document(ctx, receipt)
    owner_id = receipt.get("_payment_of")
    if owner_id is not None and target == "canceled":
        owner = ctx.tx.get("document", int(owner_id), ctx.name)
        if owner is not None:
            owner["_outstanding"] = str(
                Decimal(owner["_outstanding"]) + Decimal(receipt["_amount"])
            )
            if owner["status"] == "settled":
                owner["status"] = "final"
            save_document(ctx, owner)
    return receipt
