"""Decimal and date in; the wire form each field of the spec wants out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from invoicexpress import parse_date, to_decimal, to_wire
from invoicexpress._wire import shape_body
from invoicexpress_client.models import (
    InvoiceCreateRequest,
    PartialPaymentRequest,
)
from invoicexpress_client.models.initial_balance_request import InitialBalanceRequest


def test_money_goes_out_as_the_field_type_says() -> None:
    payment = shape_body({"partial_payment": {"amount": Decimal("12.30")}}, PartialPaymentRequest)
    assert payment == {"partial_payment": {"amount": 12.3}}  # spec: number
    invoice = shape_body(
        {"invoice": {"items": [{"unit_price": Decimal("24.3902"), "quantity": Decimal("1")}]}},
        InvoiceCreateRequest,
    )
    item = invoice["invoice"]["items"][0]
    assert item == {"unit_price": "24.3902", "quantity": "1"}  # spec: string-or-number


def test_dates_are_dd_mm_yyyy_except_where_the_spec_says_iso() -> None:
    day = dt.date(2026, 3, 4)
    invoice = shape_body({"invoice": {"date": day}}, InvoiceCreateRequest)
    assert invoice == {"invoice": {"date": "04/03/2026"}}
    balance = shape_body({"initial_balance": {"date": day}}, InitialBalanceRequest)
    assert balance == {"initial_balance": {"date": "2026-03-04"}}


def test_unknown_keys_pass_through_unchanged() -> None:
    assert shape_body({"invoice": {"x_new": Decimal("1.0")}}, InvoiceCreateRequest) == {
        "invoice": {"x_new": "1.0"}
    }


def test_to_wire_and_back() -> None:
    assert to_wire({"d": dt.date(2026, 1, 2), "n": [Decimal("1.50")]}) == {
        "d": "02/01/2026",
        "n": ["1.50"],
    }
    assert to_decimal("24.3902") == Decimal("24.3902")
    assert to_decimal(0.1) == Decimal("0.1")
    assert to_decimal("") is None
    assert parse_date("04/03/2026") == dt.date(2026, 3, 4)
    assert parse_date("2026-03-04") == dt.date(2026, 3, 4)
    with pytest.raises(ValueError, match="not a decimal"):
        to_decimal("abc")


def test_bool_flags_go_out_as_the_wire_writes_them() -> None:
    from invoicexpress_client.models.email_document_request_message_client import (
        EmailDocumentRequestMessageClient,
    )
    from invoicexpress_client.models.tax_request_tax import TaxRequestTax

    assert shape_body({"email": "a@b.pt", "save": True}, EmailDocumentRequestMessageClient) == {
        "email": "a@b.pt",
        "save": "1",
    }
    assert shape_body({"name": "X", "default_tax": False}, TaxRequestTax)["default_tax"] == 0
