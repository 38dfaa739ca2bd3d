"""The shop's own tests, against a local sandbox (no network, no real account)."""

from __future__ import annotations

from decimal import Decimal

from shop import Line, bill, try_bill

from invoicexpress import InvoiceXpress


def test_an_order_is_billed_finalised_and_paid(ix: InvoiceXpress) -> None:
    receipt = bill(ix, "order-1", "Ana Lima", [Line("Caneca", Decimal("10.00"), Decimal("2"))])
    assert receipt.total == Decimal("24.60")  # 2 x 10.00 + 23% VAT
    assert receipt.number
    invoice = ix.invoices.get(receipt.invoice_id).invoice
    assert invoice.status == "settled"


def test_a_refused_order_says_why(ix: InvoiceXpress) -> None:
    reasons = try_bill(ix, "order-3", "Eva Cruz", [])
    assert reasons == ["Document should have at least one item"]
