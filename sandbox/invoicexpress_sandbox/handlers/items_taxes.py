"""Handlers of the item and tax operations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._errors import invalid
from ..areas._base import Ctx, paginate, public
from ..areas.items_taxes import (
    delete_item,
    delete_tax,
    get_item,
    get_tax,
    items,
    save_item,
    save_tax,
    taxes,
)
from ._base import Reply, Req, handles


@handles("listItems", writes=False)
def _list_items(ctx: Ctx, req: Req) -> Reply:
    rows = sorted(items(ctx), key=lambda c: int(c["id"]))
    page, pagination = paginate(rows, req.query)
    return 200, {"items": [public(i) for i in page], "pagination": pagination}


def _item_root(req: Req) -> Mapping[str, Any]:
    root = req.json.get("item")
    if not isinstance(root, Mapping):
        raise invalid("blank", what="Name", field="name")
    return root


@handles("createItem", writes=True)
def _create_item(ctx: Ctx, req: Req) -> Reply:
    return 201, {"item": public(save_item(ctx, _item_root(req)))}


@handles("getItem", writes=False)
def _get_item(ctx: Ctx, req: Req) -> Reply:
    return 200, {"item": public(get_item(ctx, req.int_param("item_id", "id")))}


@handles("updateItem", writes=True)
def _update_item(ctx: Ctx, req: Req) -> Reply:
    current = get_item(ctx, req.int_param("item_id", "id"))
    save_item(ctx, _item_root(req), current)
    return 200, None


@handles("deleteItem", writes=True)
def _delete_item(ctx: Ctx, req: Req) -> Reply:
    delete_item(ctx, req.int_param("item_id", "id"))
    return 200, None


def _tax_root(req: Req) -> Mapping[str, Any]:
    root = req.json.get("tax")
    if not isinstance(root, Mapping):
        raise invalid("blank", what="Value", field="value")
    return root


@handles("listTaxes", writes=False)
def _list_taxes(ctx: Ctx, req: Req) -> Reply:
    return 200, {"taxes": [public(t) for t in taxes(ctx)]}


@handles("createTax", writes=True)
def _create_tax(ctx: Ctx, req: Req) -> Reply:
    return 201, {"tax": public(save_tax(ctx, _tax_root(req)))}


@handles("getTax", writes=False)
def _get_tax(ctx: Ctx, req: Req) -> Reply:
    return 200, {"tax": public(get_tax(ctx, req.int_param("tax_id", "id")))}


@handles("updateTax", writes=True)
def _update_tax(ctx: Ctx, req: Req) -> Reply:
    save_tax(ctx, _tax_root(req), get_tax(ctx, req.int_param("tax_id", "id")))
    return 200, None


@handles("deleteTax", writes=True)
def _delete_tax(ctx: Ctx, req: Req) -> Reply:
    delete_tax(ctx, req.int_param("tax_id", "id"))
    return 200, None
