"""Handlers of partial payments and receipt cancelling."""

from __future__ import annotations

from .._catalog import DOC_TYPES
from ..areas._base import Ctx, public
from ..areas.payments_receipts import cancel_receipt, partial_payment
from ._base import Reply, Req, handles, register


def _cancel_receipt(ctx: Ctx, req: Req) -> Reply:
    receipt = cancel_receipt(ctx, req.int_param("receipt_id", "id"), req.json, req.state_machine())
    return 200, {"receipt": public(receipt)}


register("cancelReceipt", _cancel_receipt, writes=True, dt=DOC_TYPES["receipts"])


@handles("createPartialPayment", writes=True)
def _partial_payment(ctx: Ctx, req: Req) -> Reply:
    receipt = partial_payment(ctx, req.int_param("document_id", "id"), req.json)
    return 201, {"receipt": public(receipt)}
