"""One exception tree; messages parsed from every error shape; safe, actionable reprs."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from invoicexpress import (
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    InvoiceXpress,
    InvoiceXpressError,
    NotAcceptableError,
    NotFoundError,
    RateLimitError,
    ResponseDriftWarning,
    ServerError,
    UnexpectedResponseError,
    ValidationError,
    error_messages,
)
from invoicexpress.testing import spec_example as example
from invoicexpress_core.spec import load_spec

# Every shape of CONVENTIONS.md "Error bodies" and api-surface §7, with the messages we expect.
SHAPES = [
    ({"errors": {"error": "Invalid API key"}}, ["Invalid API key"]),
    (
        {"errors": [{"error": "Date is not valid"}, {"error": "Document should have one item"}]},
        ["Date is not valid", "Document should have one item"],
    ),
    (
        {"errors": [{"error": ["CantHandle: draft for CreditNote"]}]},
        ["CantHandle: draft for CreditNote"],
    ),
    (
        {"errors": ["Name can't be blank", "Fiscal is invalid"]},
        ["Name can't be blank", "Fiscal is invalid"],
    ),
    (["fiscal_id", "is invalid"], ["fiscal_id is invalid"]),
    ([["Amount is too big"]], ["Amount is too big"]),
    (
        {"name": ["is not available."], "base": ["Tax region is empty"]},
        ["name is not available.", "Tax region is empty"],
    ),
    (
        {"errors": {"code": "006", "message": "Sequence not found"}},
        ["Sequence not found (code 006)"],
    ),
    ({"error": "No document with ID 9 was found"}, ["No document with ID 9 was found"]),
    (
        {"error": {"code": "422", "message": "Some parameters were incorrect."}},
        ["Some parameters were incorrect. (code 422)"],
    ),
    (
        {"reason": "There's an ongoing document creation with the provided UID x"},
        ["There's an ongoing document creation with the provided UID x"],
    ),
    ({"message": "There aren't any documents to export"}, ["There aren't any documents to export"]),
    ({"errors": {"email": ["is invalid"]}}, ["email is invalid"]),
    ("<html><body><h1>Bad Gateway</h1></body></html>", ["Bad Gateway"]),
    (None, []),
]


@pytest.mark.parametrize(("body", "messages"), SHAPES, ids=[str(i) for i in range(len(SHAPES))])
def test_error_messages_from_every_shape(body: Any, messages: list[str]) -> None:
    assert error_messages(body) == messages


def _error_examples() -> list[tuple[str, str, Any]]:
    spec = load_spec()
    found = []
    for op in spec:
        for status, response in op.responses.items():
            if not status.isdigit() or int(status) < 400:
                continue
            content = spec.resolve(response).get("content", {}).get("application/json", {})
            for name, ex in content.get("examples", {}).items():
                value = spec.resolve(ex).get("value")
                if value is not None:
                    found.append((f"{op.operation_id}-{status}-{name}", status, value))
    return found


@pytest.mark.parametrize(("label", "status", "body"), _error_examples(), ids=lambda v: str(v)[:60])
def test_every_error_example_in_the_spec_yields_a_message(
    label: str, status: str, body: Any
) -> None:
    messages = error_messages(body)
    assert messages, f"{label}: no message parsed from {body!r}"
    assert all(m.strip() for m in messages)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (401, AuthenticationError),
        (404, NotFoundError),
        (406, NotAcceptableError),
        (409, ConflictError),
        (422, ValidationError),
        (429, RateLimitError),
        (500, ServerError),
        (418, APIStatusError),
    ],
)
def test_status_maps_to_its_exception_with_status_body_and_request(
    mock_api: respx.MockRouter, make_client: Any, status: int, cls: type[APIStatusError]
) -> None:
    body = {"errors": {"error": f"boom {status}"}}
    mock_api.get("/api/pdf/7.json").mock(return_value=httpx.Response(status, json=body))
    with pytest.raises(cls) as info:
        make_client(retry=None, max_retries=0).pdf.generate(7)
    err = info.value
    assert type(err) is cls
    assert isinstance(err, InvoiceXpressError)
    assert err.status == status
    assert err.body == body
    assert err.messages == [f"boom {status}"]
    assert err.request.method == "GET"
    assert err.request.url.startswith("https://acme.app.invoicexpress.com/api/pdf/7.json")
    assert err.exchange is not None
    assert err.exchange.status == status
    if cls.hint:
        assert "HINT:" in str(err)


def test_validation_error_from_the_spec_example_lists_the_messages(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    body = example("createPartialPayment", 422)
    mock_api.post("/documents/1001/partial_payments.json").mock(
        return_value=httpx.Response(422, json=body)
    )
    with pytest.raises(ValidationError) as info:
        make_client().documents.pay(1001, {"amount": 1})
    assert info.value.messages == error_messages(body)
    assert "fix the fields" in str(info.value)


def test_repr_has_no_body_and_no_headers(mock_api: respx.MockRouter, make_client: Any) -> None:
    mock_api.get("/invoices/1.json").mock(
        return_value=httpx.Response(404, json={"errors": {"error": "private detail"}})
    )
    with pytest.raises(NotFoundError) as info:
        make_client().invoices.get(1)
    assert "private detail" not in repr(info.value)
    assert repr(info.value).startswith("NotFoundError(status=404")


def test_missing_key_says_which_variables_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("INVOICEXPRESS_ACCOUNT", "INVOICEXPRESS_API_KEY", "INVOICEXPRESS_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(ConfigurationError, match="INVOICEXPRESS_API_KEY"):
        InvoiceXpress("acme")
    with pytest.raises(ConfigurationError, match="account"):
        InvoiceXpress(api_key="k")


def test_configuration_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INVOICEXPRESS_ACCOUNT", "acme")
    monkeypatch.setenv("INVOICEXPRESS_API_KEY", "env-key")
    monkeypatch.delenv("INVOICEXPRESS_BASE_URL", raising=False)
    with InvoiceXpress() as ix:
        assert ix.base_url == "https://acme.app.invoicexpress.com"
    monkeypatch.setenv("INVOICEXPRESS_BASE_URL", "http://127.0.0.1:9/")
    with InvoiceXpress() as ix:
        assert ix.base_url == "http://127.0.0.1:9"


def test_a_2xx_body_that_does_not_match_the_spec_is_reported_as_drift(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    mock_api.get("/invoices/1.json").mock(return_value=httpx.Response(200, json={"nope": 1}))
    with pytest.raises(
        UnexpectedResponseError, match="getInvoice: /invoice: expected a required"
    ) as info:
        make_client().invoices.get(1)
    assert "ixc drift" in str(info.value)


def _invoice_with(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(example("getInvoice", 200))
    body["invoice"].update(changes)
    return body


def test_a_wrong_type_names_the_operation_pointer_and_expected_type(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    mock_api.get("/invoices/1.json").mock(
        return_value=httpx.Response(200, json=_invoice_with(total="30 EUR"))
    )
    with pytest.raises(UnexpectedResponseError) as info:
        make_client().invoices.get(1)
    assert info.value.message == "getInvoice: /invoice/total: expected a number, got '30 EUR'"


def test_an_iso_date_where_dd_mm_yyyy_is_documented_is_drift(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    mock_api.get("/invoices/1.json").mock(
        return_value=httpx.Response(200, json=_invoice_with(date="2026-11-27"))
    )
    with pytest.raises(UnexpectedResponseError, match=r"/invoice/date: expected a date dd/mm/yyyy"):
        make_client().invoices.get(1)


def test_strict_false_warns_and_keeps_the_raw_value(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    mock_api.get("/invoices/1.json").mock(
        return_value=httpx.Response(200, json=_invoice_with(total="30 EUR", status="archived"))
    )
    with pytest.warns(ResponseDriftWarning) as caught:
        doc = make_client(strict=False).invoices.get(1).invoice
    assert doc.total == "30 EUR"
    assert doc.status == "archived"
    assert [str(w.message).split(":")[1].strip() for w in caught] == [
        "/invoice/status",
        "/invoice/total",
    ]


def test_responses_are_converted_money_dates_ids_flags(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    body = _invoice_with(total=24.6, date="27/11/2026", sequence_id="7")
    body["invoice"]["items"][0].update(unit_price="100.0", quantity=3, subtotal=300)
    mock_api.get("/invoices/1.json").mock(return_value=httpx.Response(200, json=body))
    doc = make_client().invoices.get(1).invoice
    assert doc.total == Decimal("24.6")
    assert isinstance(doc.total, Decimal)
    assert doc.date == dt.date(2026, 11, 27)
    assert doc.sequence_id == 7
    item = doc.items[0]
    assert (item.unit_price, item.quantity, item.subtotal) == (Decimal(100), 3, 300)
    assert all(isinstance(v, Decimal) for v in (item.unit_price, item.quantity, item.subtotal))
    assert isinstance(doc.archived, bool)


def test_repr_shows_only_the_fields_that_are_set(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    mock_api.get("/invoices/1.json").mock(
        return_value=httpx.Response(200, json=example("getInvoice", 200))
    )
    text = repr(make_client().invoices.get(1))
    assert text.startswith("InvoiceResponse(invoice=Invoice(id=")
    for noise in ("Unset", "None", " at 0x"):
        assert noise not in text


def test_generated_unexpected_status_keeps_the_body_out_of_its_message() -> None:
    from invoicexpress_client.errors import UnexpectedStatus

    err = UnexpectedStatus(500, b'{"secret": "body"}')
    assert "secret" not in str(err)
    assert "secret" not in repr(err)
    assert err.content == b'{"secret": "body"}'
