"""Deliberate mistakes: each line marked `# E: <mypy error code>` must be rejected by mypy --strict.

tests/client/test_typing.py type-checks this file and compares mypy's errors, line by line, with
the markers. Unmarked lines must type-check. Never imported or run.
"""

import datetime as dt
from decimal import Decimal

from invoicexpress import InvoiceXpress
from invoicexpress.requests import DocumentClientInput, DocumentItemInput, InvoicesFields


def mistakes(ix: InvoiceXpress) -> None:
    today = dt.date(2026, 11, 27)
    line: DocumentItemInput = {
        "name": "X",
        "description": "d",
        "unit_price": Decimal(1),
        "quantity": Decimal(1),
    }
    doc: InvoicesFields = {
        "date": today,
        "due_date": today,
        "client": {"name": "A", "code": "A"},
        "items": [line],
    }
    ix.invoices.create(doc, proprietary_uid="order-42")
    # request fields and values
    ix.invoices.create({**doc, "dat": today})  # E: typeddict-unknown-key
    ix.invoices.create({**doc, "date": "27/11/2026"})  # E: typeddict-item
    ix.invoices.create({**doc, "items": [{**line, "unit": "kg"}]})  # E: typeddict-item
    ix.invoices.create({**doc, "items": [{**line, "unit_price": 1.5}]})  # E: typeddict-item
    ix.invoices.create({**doc, "tax_exemption": "M77"})  # E: typeddict-item
    client: DocumentClientInput = {"name": "A", "code": "A"}
    ix.invoices.create({**doc, "client": {**client, "country": "Portugall"}})  # E: typeddict-item
    ix.invoices.change_state(1, "finalised")  # E: arg-type
    ix.invoices.change_state(1, "final")  # E: arg-type
    ix.documents.pay(1, {"amount": Decimal(1), "payment_mechanism": "XX"})  # E: typeddict-item
    ix.documents.pay(1, {"amount": Decimal(1), "date": today})  # E: typeddict-unknown-key
    ix.documents.pay(1, {"amount": 9.99})  # E: typeddict-item
    # list filters: final documents are listed with the documented "sent"
    ix.invoices.iter(status=["final"])  # E: list-item
    ix.invoices.iter(type=["Quote"])  # E: list-item
    ix.invoices.iter(date_from="01/01/2026")  # E: arg-type
    # methods that are not operations
    ix.clients.delete(1)  # E: attr-defined
    ix.invoices.cancel(1, message="x")  # E: attr-defined
    ix.receipts.create({})  # E: attr-defined
    ix.invoice_receipts.iter(date_from=today)  # E: call-arg
    # typed responses
    total: float = ix.invoices.get(1).invoice.total  # E: assignment
    when: str = ix.invoices.get(1).invoice.date  # E: assignment
    client_id: str = ix.clients.get(1).client.id  # E: assignment
    print(total, when, client_id)
    # what is right passes
    ix.invoices.iter(status=["sent"], type=["Invoice", "CreditNote"], date_from=today)
    ix.receipts.cancel(1, message="duplicate")
    ix.documents.pay(
        1, {"amount": Decimal("9.99"), "payment_mechanism": "TB", "payment_date": today}
    )
