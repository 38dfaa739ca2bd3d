"""What billing sends to InvoiceXpress, read from the sandbox's record of calls (`ix_sandbox`,
typed `SandboxHandle`, so `mypy --strict` checks these tests too)."""

from __future__ import annotations

from decimal import Decimal

from shop import Line, bill

from invoicexpress import InvoiceXpress
from invoicexpress_sandbox import SandboxHandle


def test_billing_an_order_makes_three_calls_each_answered(
    ix: InvoiceXpress, ix_sandbox: SandboxHandle
) -> None:
    bill(ix, "order-7", "Rui Sousa", [Line("Caneca", Decimal("10.00"), Decimal("1"))])
    calls = ix_sandbox.calls()
    assert [c["method"] for c in calls] == ["POST", "PUT", "POST"]  # create, finalise, pay
    assert all(200 <= c["status"] < 300 for c in calls), calls
    assert all("api_key=" not in c["url"] or "REDACTED" in c["url"] for c in calls)
