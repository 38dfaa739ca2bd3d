"""Against a sandbox that breaks the contract on purpose (its named faults), the client stops
at the first misfit and says where: operation, JSON pointer, expected type. `strict=False`
lets the same responses through with a warning."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from invoicexpress import InvoiceXpress, ResponseDriftWarning, UnexpectedResponseError
from invoicexpress.requests import InvoicesFields
from invoicexpress_sandbox import testing

FIELDS: InvoicesFields = {
    "date": dt.date(2026, 11, 27),
    "due_date": dt.date(2026, 11, 27),
    "client": {"name": "Cliente", "code": "C1"},
    "items": [{"name": "Hora", "description": "h", "unit_price": Decimal(10), "quantity": 1}],
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[testing.RunningSandbox]:
    with testing.running_sandbox() as sb:
        yield sb


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("wrong_type", "createInvoice: /invoice/total: expected a number, got "),
        ("iso_dates", "createInvoice: /invoice/date: expected a date dd/mm/yyyy (DateDMY), got "),
        ("enum_changed", "createInvoice: /invoice/status: expected one of 'draft', "),
        ("drop_required", "createInvoice: /invoice/id: expected a required field (id), got None"),
        ("rename_field", "createInvoice: /invoice/sequence_number: expected a required field"),
        ("wrong_status", "createInvoice: /: expected status 201, got 200"),
        ("wrong_content_type", "createInvoice: /: expected content type application/json, got "),
    ],
)
def test_each_fault_is_named_where_it_happens(
    sandbox: testing.RunningSandbox, fault: str, message: str
) -> None:
    sandbox.reset()
    sandbox.set_faults(fault)
    with InvoiceXpress(
        sandbox.account_name, sandbox.api_key, base_url=sandbox.base_url, requests_per_minute=0
    ) as ix:
        with pytest.raises(UnexpectedResponseError) as info:
            ix.invoices.create(FIELDS)
        assert info.value.message.startswith(message), info.value.message
    lenient = InvoiceXpress(
        sandbox.account_name,
        sandbox.api_key,
        base_url=sandbox.base_url,
        requests_per_minute=0,
        strict=False,
    )
    with lenient, pytest.warns(ResponseDriftWarning) as caught:
        lenient.invoices.create(FIELDS)
    assert any(str(w.message).startswith(message) for w in caught)
