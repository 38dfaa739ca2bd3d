"""Client treasury: balances, the initial balance, regularizations, movements."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .._catalog import (
    PAYABLE,
)
from .._errors import invalid, not_found, say
from .._money import ZERO, to_decimal, wire
from ._base import Ctx, Json, as_text, documents, parse_date, parse_iso
from .clients import get_client


def balance(ctx: Ctx, client_id: int) -> Json:
    client = get_client(ctx, client_id)
    initial = client.get("_initial_balance") or {
        "value": 0,
        "date": "1970-01-01",
        "observation": "",
    }
    with_vat = Decimal(str(initial["value"]))
    without_vat = Decimal(str(initial["value"]))
    overdue_with = ZERO
    overdue_without = ZERO
    for doc in documents(ctx):
        if int(doc["client"]["id"]) != client_id or doc["status"] in (
            "draft",
            "deleted",
            "canceled",
        ):
            continue
        if doc["type"] not in (*PAYABLE, "CreditNote", "InvoiceReceipt"):
            continue
        sign = -1 if doc["type"] == "CreditNote" else 1
        outstanding = Decimal(doc.get("_outstanding", "0")) * sign
        share = outstanding / Decimal(str(doc["total"])) if doc["total"] else ZERO
        with_vat += outstanding
        without_vat += Decimal(str(doc["before_taxes"])) * share
        due = parse_date(doc["due_date"])
        if due is not None and due < ctx.today:
            overdue_with += outstanding
            overdue_without += Decimal(str(doc["before_taxes"])) * share
    for reg in client.get("_regularizations", []):
        with_vat -= Decimal(str(reg["value"]))
        without_vat -= Decimal(str(reg["value"]))
    for mov in client.get("_movements", []):
        sign = -1 if mov["movement_type"] == "Payment" else 1
        with_vat += sign * Decimal(str(mov["value"]))
        without_vat += sign * Decimal(str(mov["value"]))
    return {
        "currency": {"symbol": "€", "code": "EUR"},
        "initial_balance": {
            "value": wire(Decimal(str(initial["value"]))),
            "created_at": initial["date"],
            "observation": initial.get("observation", ""),
        },
        "balance": {"with_vat": wire(with_vat), "without_vat": wire(without_vat)},
        "overdue_balance": {"with_vat": wire(overdue_with), "without_vat": wire(overdue_without)},
        "remaining_balance": {"total": wire(with_vat), "value": wire(with_vat)},
    }


def _treasury_date(value: object, label: str = "Date") -> str:
    if value in (None, ""):
        raise invalid("blank", what=label, field="date")
    parsed = parse_iso(value)
    if parsed is None:
        raise invalid("not_valid", what=label, field="date")
    return parsed.isoformat()


def set_initial_balance(ctx: Ctx, client_id: int, body: Mapping[str, Any]) -> Json:
    client = get_client(ctx, client_id)
    root = body.get("initial_balance")
    if not isinstance(root, Mapping):
        raise invalid("blank", what="Value", field="value")
    value = to_decimal(root.get("value"))
    if value is None:
        raise invalid("not_a_number", what="Value", field="value")
    when = _treasury_date(root.get("date"))
    record = {"value": wire(value), "date": when, "observation": as_text(root.get("observation"))}
    client["_initial_balance"] = record
    ctx.tx.put("client", client_id, ctx.name, client)
    return {"value": record["value"], "date": when, "observation": record["observation"]}


def add_regularization(ctx: Ctx, client_id: int, body: Mapping[str, Any]) -> Json:
    client = get_client(ctx, client_id)
    root = body.get("regularization")
    if not isinstance(root, Mapping):
        raise invalid("blank", what="Value", field="value")
    value = to_decimal(root.get("value"))
    if value is None or value <= 0:
        raise invalid("not_a_number", what="Value", field="value")
    when = _treasury_date(root.get("date"))
    remaining = Decimal(str(balance(ctx, client_id)["remaining_balance"]["value"]))
    if value > remaining:
        raise invalid("value_over_balance", field="value")
    reg_id = ctx.tx.next_id("regularization")
    count = len(client.get("_regularizations", [])) + 1
    record = {
        "id": reg_id,
        "number": f"NR{count:08d}",
        "value": wire(value),
        "date": when,
        "observation": as_text(root.get("observation")),
    }
    return _append_entry(ctx, client, "_regularizations", record)


def delete_regularization(ctx: Ctx, client_id: int, reg_id: int) -> None:
    _delete_entry(ctx, client_id, "_regularizations", reg_id, "Regularization")


def add_movement(ctx: Ctx, client_id: int, body: Mapping[str, Any]) -> Json:
    """The request schema already holds the type and the method to their enums and the value
    above 0; a value too large to be an amount (1e300) is refused as the schema's are."""
    client = get_client(ctx, client_id)
    root = body["treasury_movement"]
    value = to_decimal(root["value"])
    if value is None:
        detail = say("not_a_number", what="Value")
        raise invalid("validation_failed", detail=detail, field="value")
    kind = as_text(root["movement_type"])
    method = as_text(root.get("payment_method"))
    when = _treasury_date(root.get("date"))
    mov_id = ctx.tx.next_id("movement")
    record = {
        "id": mov_id,
        "value": wire(value),
        "movement_type": kind,
        "date": when,
        "payment_method": method,
        "serie": as_text(root.get("serie")),
        "observation": as_text(root.get("observation")),
    }
    return _append_entry(ctx, client, "_movements", record)


def delete_movement(ctx: Ctx, client_id: int, mov_id: int) -> None:
    _delete_entry(ctx, client_id, "_movements", mov_id, "Treasury movement")


def _append_entry(ctx: Ctx, client: Json, key: str, record: Json) -> Json:
    client.setdefault(key, []).append(record)
    ctx.tx.put("client", int(client["id"]), ctx.name, client)
    return record


def _delete_entry(ctx: Ctx, client_id: int, key: str, entry_id: int, what: str) -> None:
    """Drop entry `entry_id` from a client's list `key` (regularizations, movements)."""
    client = get_client(ctx, client_id)
    entries = client.get(key, [])
    kept = [e for e in entries if int(e["id"]) != entry_id]
    if len(kept) == len(entries):
        raise not_found(what)
    client[key] = kept
    ctx.tx.put("client", client_id, ctx.name, client)
