"""A tour of the `invoicexpress` client, written as a user would (runs against `ixc sandbox`).

Create an invoice, a credit note against it, finalise both, pay the invoice in two parts, get
its PDF, list with filters, handle a 404 and a 422, then do it again asynchronously.
Set INVOICEXPRESS_ACCOUNT / _API_KEY (and _BASE_URL for a sandbox) before running. Each run
uses its own order reference, so it runs again on the same account and reads back only its own
documents.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from decimal import Decimal

from invoicexpress import (
    AsyncInvoiceXpress,
    InvoiceXpress,
    NotFoundError,
    ValidationError,
)
from invoicexpress.requests import InvoicesFields


def invoice_fields(today: dt.date, order: str) -> InvoicesFields:
    return {
        "date": today,
        "due_date": today + dt.timedelta(days=30),
        "reference": order,
        "client": {"name": "Cliente Exemplo", "code": "C001", "country": "Portugal"},
        "items": [
            {
                "name": "Consultoria",
                "description": "Uma hora de consultoria",
                "unit_price": Decimal("50.00"),
                "quantity": Decimal(3),
                "unit": "hour",
                "tax": {"name": "IVA23"},
            }
        ],
    }


def expect(ok: bool, what: str) -> None:
    """Stop the tour loudly when the API does not do what the tour relies on."""
    if not ok:
        raise RuntimeError(f"unexpected: {what}")


def tour(ix: InvoiceXpress, order: str) -> None:
    today = dt.date.today()
    invoice = ix.invoices.create(invoice_fields(today, order), proprietary_uid=order)
    final = ix.invoices.change_state(invoice.invoice.id, "finalized").invoice
    expect(final.total == Decimal("184.50"), "150 + 23 % IVA, as a Decimal")
    expect(final.date == today, "dates come back as datetime.date")

    note = ix.credit_notes.create(
        {**invoice_fields(today, order), "owner_invoice_id": final.id}
    ).credit_note
    ix.credit_notes.change_state(note.id, "finalized")

    half = (final.total / 2).quantize(Decimal("0.01"))
    ix.documents.pay(final.id, {"amount": half, "payment_mechanism": "TB", "payment_date": today})
    ix.documents.pay(final.id, {"amount": final.total - half, "payment_mechanism": "MB"})
    expect(ix.invoices.get(final.id).invoice.status == "settled", "paid in full")

    print("pdf:", ix.pdf.wait(final.id, interval=0.1).output.pdf_url)

    invoices = [
        d.id for d in ix.invoices.iter(status=["settled"], date_from=today, reference=order)
    ]
    notes = [d.id for d in ix.invoices.iter(type=["CreditNote"], status=["sent"], reference=order)]
    expect(invoices == [final.id], "invoices.iter walks invoices only")
    expect(notes == [note.id], "type=[...] walks other types of the family")

    try:
        ix.invoices.get(999_999)
    except NotFoundError as missing:
        print("404:", missing.messages)
    try:
        ix.invoices.change_state(final.id, "finalized")  # already final
    except ValidationError as invalid:
        print("422:", invalid.messages)


async def async_tour(aix: AsyncInvoiceXpress, order: str) -> None:
    created = await aix.invoices.create(invoice_fields(dt.date.today(), order))
    final = (await aix.invoices.change_state(created.invoice.id, "finalized")).invoice
    finals = [doc.id async for doc in aix.invoices.iter(status=["sent"], reference=order)]
    expect(finals == [final.id], "the async client lists what the sync one does")
    print("async:", final.sequence_number, final.date.isoformat())


async def run_async(order: str) -> None:
    async with AsyncInvoiceXpress() as aix:
        await async_tour(aix, order)


def main() -> None:
    run = secrets.token_hex(4)  # this run's documents, whatever earlier runs left
    with InvoiceXpress() as ix:
        tour(ix, f"order-{run}-1")
    asyncio.run(run_async(f"order-{run}-2"))


if __name__ == "__main__":
    main()
