"""Items (the catalogue documents fill in) and taxes (one default per account)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .._catalog import (
    TAX_CODES,
    TAX_REGION,
    UNITS,
)
from .._errors import ApiError, invalid, not_found
from .._money import decimal_text, stored_rate, to_decimal
from ._base import Ctx, Json, as_flag, as_text, is_object


def taxes(ctx: Ctx) -> list[Mapping[str, Any]]:
    """The account's taxes, read once per request (a document resolves one per line); the
    store's own rows: to read, never to change (a change is a new record, `put`)."""
    cached = ctx.memo.get("taxes")
    if cached is None:
        cached = ctx.memo["taxes"] = ctx.tx.shared("tax", ctx.name)
    return list(cached)


def default_tax(ctx: Ctx) -> Mapping[str, Any] | None:
    rows = taxes(ctx)
    for tax in rows:
        if tax.get("default_tax") in (1, "1", True):
            return tax
    return rows[0] if rows else None


def tax_by_name(ctx: Ctx, name: str) -> Mapping[str, Any] | None:
    for tax in taxes(ctx):
        if tax["name"] == name:
            return tax
    return None


def get_tax(ctx: Ctx, tax_id: int) -> Json:
    tax = ctx.tx.get("tax", tax_id, ctx.name)
    if tax is None:
        raise not_found("Tax")
    return tax


def save_tax(ctx: Ctx, fields: Mapping[str, Any], current: Json | None = None) -> Json:
    name = as_text(fields.get("name", current["name"] if current else "")).strip()
    if not name:
        raise invalid("blank", what="Name", field="name")
    other = tax_by_name(ctx, name)
    if other is not None and (current is None or other["id"] != current["id"]):
        raise invalid("taken", what="Name", field="name")
    raw_value = fields.get("value", current["value"] if current else None)
    if raw_value is None or as_text(raw_value).strip() == "":
        raise invalid("blank", what="Value", field="value")
    if not isinstance(raw_value, str) and "tax_numeric_value_500" in ctx.quirks:
        raise ApiError(500, "Internal Server Error", shape="ErrorsObject")
    value = to_decimal(raw_value)
    if value is None or value < 0 or value > Decimal("99.99"):
        raise invalid("tax_value_out_of_range", field="value")
    region = as_text(fields.get("region", current["region"] if current else "")).strip()
    if not region:
        raise invalid("tax_region_empty", field="base")
    if not TAX_REGION.fullmatch(region):
        raise invalid("tax_region_invalid", field="base")
    code = as_text(fields.get("code", current.get("code") if current else "NOR")) or "NOR"
    if code not in TAX_CODES:
        raise invalid("not_in_list", what="Code", field="code")
    default = as_flag(fields.get("default_tax", current.get("default_tax") if current else 0))
    tax_id = current["id"] if current else ctx.tx.next_id("tax")
    if default:
        for tax in taxes(ctx):
            if tax["id"] != tax_id and tax.get("default_tax"):
                ctx.tx.put("tax", tax["id"], ctx.name, {**tax, "default_tax": 0})
    record = {
        "id": tax_id,
        "name": name,
        "value": float(value),
        "region": region,
        "code": code,
        "default_tax": 1 if default else 0,
    }
    ctx.tx.put("tax", tax_id, ctx.name, record)
    ctx.memo.pop("taxes", None)
    return record


def delete_tax(ctx: Ctx, tax_id: int) -> None:
    get_tax(ctx, tax_id)
    ctx.tx.delete("tax", tax_id)
    ctx.memo.pop("taxes", None)


def tax_ref(tax: Mapping[str, Any] | None) -> Json:
    if tax is None:
        return {"id": 0, "name": "", "value": 0}
    return {"id": tax["id"], "name": tax["name"], "value": stored_rate(str(tax["value"]))[1]}


def items(ctx: Ctx) -> list[Json]:
    return ctx.tx.all("item", ctx.name)


def get_item(ctx: Ctx, item_id: int) -> Json:
    item = ctx.tx.get("item", item_id, ctx.name)
    if item is None:
        raise not_found("Item")
    return item


def item_by_name(ctx: Ctx, name: str) -> Json | None:
    return ctx.tx.find("item", ctx.name, lambda item: bool(item["name"] == name))


def item_named(ctx: Ctx, name: str) -> Mapping[str, Any] | None:
    """`item_by_name`'s item, shared with the store: to read, never to change."""
    return ctx.tx.peek("item", ctx.name, lambda item: bool(item["name"] == name))


def resolve_tax(
    ctx: Ctx, tax: object, *, fallback_default: bool = True
) -> Mapping[str, Any] | None:
    name = as_text(tax.get("name")) if is_object(tax) else ""
    found = tax_by_name(ctx, name) if name else None
    if found is None and fallback_default:
        return default_tax(ctx)
    return found


def save_item(
    ctx: Ctx,
    fields: Mapping[str, Any],
    current: Mapping[str, Any] | None = None,
    *,
    standalone: bool = True,
    used: bool = False,
) -> Json:
    name = as_text(fields.get("name", current["name"] if current else "")).strip()
    if not name:
        raise invalid("blank", what="Name", field="name")
    other = item_by_name(ctx, name) if standalone else current
    if standalone and other is not None and (current is None or other["id"] != current["id"]):
        raise invalid("taken", what="Name", field="name")
    if standalone and current is not None and name != current["name"] and current.get("_used"):
        raise invalid("item_name_locked", field="name")
    raw_price = fields.get("unit_price", current["unit_price"] if current else None)
    if raw_price is None or as_text(raw_price).strip() == "":
        raise invalid("blank", what="Unit price", field="unit_price")
    price = to_decimal(raw_price)
    if price is None:
        raise invalid("not_a_number", what="Unit price", field="unit_price")
    unit = as_text(fields.get("unit", current.get("unit") if current else "")) or ""
    if unit and unit not in UNITS:
        raise invalid("unit_not_accepted", value=unit, field="unit")
    if "tax" in fields or current is None:
        tax = resolve_tax(ctx, fields.get("tax"))
    else:
        tax = current.get("_tax")
    item_id = int(current["id"]) if current else ctx.tx.next_id("item")
    record: Json = {
        "id": item_id,
        "name": name,
        "description": as_text(
            fields.get("description", current["description"] if current else "")
        ),
        "unit_price": decimal_text(price),
        "unit": unit,
        "tax": _item_tax(tax),
        "_tax": tax,
        "_used": used or bool(current and current.get("_used")),
    }
    if record != current:  # documents re-send unchanged items all the time: skip the write
        ctx.tx.put("item", item_id, ctx.name, record)
    return record


def _item_tax(tax: Mapping[str, Any] | None) -> Json:
    if tax is None:
        return {"name": "", "value": 0, "comment": ""}
    _, wired, text = stored_rate(str(tax["value"]))
    return {"name": tax["name"], "value": wired, "comment": f"tax value:{text}%"}


def delete_item(ctx: Ctx, item_id: int) -> None:
    get_item(ctx, item_id)
    ctx.tx.delete("item", item_id)
