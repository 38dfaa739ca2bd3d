"""Totals as InvoiceXpress computes them: Decimal, 2 dp, ROUND_HALF_UP, on the vendor's examples."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from invoicexpress_sandbox._money import LineIn, compute
from invoicexpress_sandbox.testdata import date_in


def _create(api: httpx.Client, items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    body = {
        "date": date_in(0),
        "due_date": date_in(15),
        "client": {"name": "John", "code": "J1"},
        "items": items,
        **extra,
    }
    r = api.post("/invoices.json", json={"invoice": body})
    assert r.status_code == 201, r.text
    doc: dict[str, Any] = r.json()["invoice"]
    return doc


def _line(price: str, quantity: str = "1", tax: str = "IVA23", **more: Any) -> dict[str, Any]:
    return {
        "name": f"L{price}{tax}{quantity}",
        "description": "x",
        "unit_price": price,
        "quantity": quantity,
        "tax": {"name": tax},
        **more,
    }


def _totals(doc: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(doc[k] for k in ("sum", "discount", "before_taxes", "taxes", "total"))


def test_vendor_create_response_example_24_39_plus_5_61_is_30(api: httpx.Client) -> None:
    """api-docs 004: one line of 24.3902 at IVA23 gives exactly 24.39 + 5.61 = 30."""
    doc = _create(api, [_line("24.3902")])
    assert _totals(doc) == (24.39, 0, 24.39, 5.61, 30)
    item = doc["items"][0]
    assert (item["subtotal"], item["tax_amount"], item["discount_amount"], item["total"]) == (
        24.39,
        5.61,
        0,
        30,
    )
    assert item["unit_price"] == "24.3902"
    assert item["quantity"] == "1.0"


def test_vendor_create_request_example_line_and_global_percentage_discount(
    api: httpx.Client,
) -> None:
    """api-docs 004 request: 5 x 100 with 50 % line discount and a 50 % global discount."""
    doc = _create(
        api,
        [_line("100", "5", discount="50")],
        global_discount={"value_type": "percentage", "value": 50.0},
    )
    # 500 gross, 250 line discount, 125 global discount, 125 taxable at 23 % = 28.75
    assert _totals(doc) == (500, 375, 125, 28.75, 153.75)
    assert doc["global_discount"] == {"value_type": "percentage", "value": 50.0}


def test_absolute_global_discount_is_shared_by_net_value_across_tax_rates(
    api: httpx.Client,
) -> None:
    doc = _create(
        api,
        [_line("100"), _line("50", tax="IVA6")],
        global_discount={"value_type": "absolute", "value": 30},
    )
    # shares 20 and 10: (80 x 23 %) + (40 x 6 %) = 18.40 + 2.40
    assert _totals(doc) == (150, 30, 120, 20.8, 140.8)


def test_rounding_is_half_up_not_half_even(api: httpx.Client) -> None:
    doc = _create(api, [_line("10.75", tax="IVA6")])
    assert doc["taxes"] == 0.65  # 0.645: ROUND_HALF_EVEN would give 0.64
    doc = _create(api, [_line("0.125", tax="IVA0")], tax_exemption="M07")
    assert doc["sum"] == 0.13  # ROUND_HALF_EVEN would give 0.12


def test_total_is_before_taxes_plus_taxes_and_retention_is_not_subtracted(
    api: httpx.Client,
) -> None:
    doc = _create(
        api, [_line("33.33", "3", discount="7.5"), _line("19.99", "2", tax="IVA13")], retention="25"
    )
    assert Decimal(str(doc["total"])) == Decimal(str(doc["before_taxes"])) + Decimal(
        str(doc["taxes"])
    )
    assert doc["retention"] == "25"


def test_unknown_tax_name_applies_the_default_tax(api: httpx.Client) -> None:
    doc = _create(api, [_line("100", tax="NO-SUCH-TAX")])
    assert doc["items"][0]["tax"]["name"] == "IVA23"
    assert doc["taxes"] == 23


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            [LineIn(Decimal("24.3902"), Decimal(1), Decimal(0), Decimal(23))],
            ("24.39", "0", "24.39", "5.61", "30.00"),
        ),
        (
            [LineIn(Decimal("1.005"), Decimal(1), Decimal(0), Decimal(0))],
            ("1.01", "0", "1.01", "0", "1.01"),
        ),
        (
            [LineIn(Decimal("9.99"), Decimal(3), Decimal(10), Decimal(6))],
            ("29.97", "3.00", "26.97", "1.62", "28.59"),
        ),
    ],
)
def test_compute_lines(lines: list[LineIn], expected: tuple[str, ...]) -> None:
    totals = compute(lines)
    got = (totals.sum, totals.discount, totals.before_taxes, totals.taxes, totals.total)
    assert tuple(Decimal(v) for v in expected) == got
