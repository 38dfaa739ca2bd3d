"""A tiny shop that bills its orders through InvoiceXpress (the user's app, not the toolkit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from invoicexpress import InvoiceXpress, ValidationError


@dataclass(frozen=True)
class Line:
    product: str
    unit_price: Decimal
    quantity: Decimal


@dataclass(frozen=True)
class Receipt:
    invoice_id: int
    number: str
    total: Decimal


def bill(ix: InvoiceXpress, order_id: str, customer: str, lines: list[Line]) -> Receipt:
    """Invoice an order, finalise it and record its payment; safe to retry per order_id."""
    today = dt.date.today()
    created = ix.invoices.create(
        {
            "date": today,
            "due_date": today,
            "client": {"name": customer, "code": customer.lower().replace(" ", "-")},
            "items": [
                {
                    "name": line.product,
                    "description": line.product,
                    "unit_price": line.unit_price,
                    "quantity": line.quantity,
                    "tax": {"name": "IVA23"},
                }
                for line in lines
            ],
        },
        proprietary_uid=order_id,
    )
    invoice_id = created.invoice.id
    final = ix.invoices.change_state(invoice_id, "finalized").invoice
    total = Decimal(str(final.total))
    ix.documents.pay(
        invoice_id, {"amount": total, "payment_mechanism": "MB", "payment_date": today}
    )
    return Receipt(invoice_id, str(final.sequence_number), total)


def try_bill(ix: InvoiceXpress, order_id: str, customer: str, lines: list[Line]) -> list[str]:
    """The reasons InvoiceXpress refused an order (empty when it was billed)."""
    try:
        bill(ix, order_id, customer, lines)
    except ValidationError as exc:
        return list(exc.messages)
    return []
