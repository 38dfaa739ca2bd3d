"""PDF / QR code / SAF-T polling (202 until 200) and page iterators with typed filters."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from invoicexpress import (
    AsyncInvoiceXpress,
    PollTimeoutError,
    ResponseDriftWarning,
    UnexpectedResponseError,
)
from invoicexpress.testing import FakeClock
from invoicexpress.testing import spec_example as example
from invoicexpress_client.api import OPERATIONS

BASE = "https://acme.app.invoicexpress.com"
PLANTED_KEY = "PLANTED-1xc-SECRET-k3y-0000"  # recognisable, obviously fake


def test_pdf_wait_polls_202_until_200(
    mock_api: respx.MockRouter, make_client: Any, clock: FakeClock
) -> None:
    ready = example("generatePdf", 200)
    route = mock_api.get("/api/pdf/1001.json").mock(
        side_effect=[httpx.Response(202), httpx.Response(202), httpx.Response(200, json=ready)]
    )
    got = make_client().pdf.wait(1001, interval=2.0)
    assert got.output.pdf_url == ready["output"]["pdfUrl"]
    assert route.call_count == 3
    assert clock.sleeps == [2.0, 3.0]


def test_pdf_wait_times_out_with_a_hint(
    mock_api: respx.MockRouter, make_client: Any, clock: FakeClock
) -> None:
    mock_api.get("/api/pdf/1001.json").mock(return_value=httpx.Response(202))
    with pytest.raises(PollTimeoutError, match="larger timeout"):
        make_client().pdf.wait(1001, timeout=10.0, interval=1.0)
    assert sum(clock.sleeps) <= 10.0


def test_pdf_generate_returns_none_while_202(mock_api: respx.MockRouter, make_client: Any) -> None:
    route = mock_api.get("/api/pdf/5.json").mock(return_value=httpx.Response(202))
    assert make_client().pdf.generate(5, second_copy=True) is None
    assert route.calls[0].request.url.params["second_copy"] == "true"


def test_qr_code_wait_skips_the_in_progress_body(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    mock_api.get("/api/qr_codes/1001.json").mock(
        side_effect=[
            httpx.Response(202, json=example("getQrCode", 202)),
            httpx.Response(200, json=example("getQrCode", 200)),
        ]
    )
    got = make_client().qr_codes.wait(1001)
    assert got.qr_code.url == example("getQrCode", 200)["qr_code"]["url"]


def test_saft_wait_sends_month_and_year(mock_api: respx.MockRouter, make_client: Any) -> None:
    route = mock_api.get("/api/export_saft.json").mock(
        side_effect=[
            httpx.Response(202, json=example("exportSaft", 202)),
            httpx.Response(200, json=example("exportSaft", 200)),
        ]
    )
    got = make_client().saft.wait(month=11, year=2026)
    assert got.url == example("exportSaft", 200)["url"]
    assert route.calls[0].request.url.params["month"] == "11"


def test_async_pdf_wait(mock_api: respx.MockRouter, clock: FakeClock) -> None:
    mock_api.get("/api/pdf/9.json").mock(
        side_effect=[httpx.Response(202), httpx.Response(200, json=example("generatePdf", 200))]
    )

    async def main() -> Any:
        async with AsyncInvoiceXpress("acme", PLANTED_KEY, base_url=BASE, clock=clock) as ix:
            return await ix.pdf.wait(9)

    assert asyncio.run(main()).output.pdf_url
    assert clock.sleeps == [1.0]


def _page(number: int, total_pages: int, ids: list[int]) -> dict[str, Any]:
    body: dict[str, Any] = dict(example("listInvoices", 200))
    template = body["invoices"][0]
    body["invoices"] = [{**template, "id": i} for i in ids]
    body["pagination"] = {
        "total_entries": 99,
        "per_page": len(ids),
        "current_page": number,
        "total_pages": total_pages,
    }
    return body


def test_iter_walks_every_page_in_order(mock_api: respx.MockRouter, make_client: Any) -> None:
    pages = {1: [1, 2], 2: [3, 4], 3: [5]}

    def answer(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params["page"])
        return httpx.Response(200, json=_page(n, 3, pages[n]))

    route = mock_api.get("/invoices.json").mock(side_effect=answer)
    ids = [doc.id for doc in make_client().invoices.iter(per_page=2)]
    assert ids == [1, 2, 3, 4, 5]
    assert [c.request.url.params["page"] for c in route.calls] == ["1", "2", "3"]


def test_typed_filters_go_out_as_bracket_names_and_dd_mm_yyyy(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    route = mock_api.get("/invoices.json").mock(
        return_value=httpx.Response(200, json=_page(1, 1, [1]))
    )
    make_client().invoices.list(
        type=["Invoice", "CreditNote"],
        status=["sent"],
        date_from=dt.date(2026, 1, 31),
        date_to=dt.date(2026, 2, 1),
        total_before_taxes_from=Decimal("10.50"),
        non_archived=True,
        per_page=30,
    )
    query = parse_qs(route.calls[0].request.url.query.decode())
    assert query["type[]"] == ["Invoice", "CreditNote"]
    assert query["status[]"] == ["sent"]
    assert query["date[from]"] == ["31/01/2026"]
    assert query["date[to]"] == ["01/02/2026"]
    assert query["total_before_taxes[from]"] == ["10.50"]
    assert query["non_archived"] == ["true"]
    assert query["page"] == ["1"]
    assert query["per_page"] == ["30"]


def test_a_filter_value_outside_the_spec_is_refused_before_any_request(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    route = mock_api.get("/invoices.json")
    with pytest.raises(ValueError, match=r"status\[\] does not accept 'final'.*'sent'"):
        make_client().invoices.list(status=["final"])
    assert not route.called


def test_family_lists_default_to_the_namespaces_own_type(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    route = mock_api.get("/invoices.json").mock(
        return_value=httpx.Response(200, json=_page(1, 1, [1]))
    )
    ix = make_client()
    list(ix.invoices.iter())
    list(ix.invoices.iter(type=["Invoice", "CreditNote"]))
    sent = [c.request.url.params.get_list("type[]") for c in route.calls]
    assert sent == [["Invoice"], ["Invoice", "CreditNote"]]


def test_a_status_the_spec_does_not_know_is_drift_unless_strict_is_off(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    body = _page(1, 1, [1])
    body["invoices"][0]["status"] = "brand_new_state"
    mock_api.get("/invoices.json").mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(UnexpectedResponseError, match="/invoices/0/status: expected one of"):
        list(make_client().invoices.iter())
    with pytest.warns(ResponseDriftWarning):
        [doc] = list(make_client(strict=False).invoices.iter())
    assert doc.status == "brand_new_state"


def test_quotes_list_uses_the_estimates_list_filtered_by_type(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    assert "list_quotes" not in OPERATIONS
    route = mock_api.get("/estimates.json").mock(
        return_value=httpx.Response(200, json=example("listEstimates", 200))
    )
    make_client().quotes.list()
    assert route.calls[0].request.url.params.get_list("type[]") == ["Quote"]


def test_an_unknown_filter_is_a_type_error_naming_the_valid_ones(make_client: Any) -> None:
    with pytest.raises(TypeError, match="date_from"):
        make_client().invoice_receipts.list(date_from=dt.date(2026, 1, 1))


def test_unpaginated_lists_are_one_page(mock_api: respx.MockRouter, make_client: Any) -> None:
    route = mock_api.get("/taxes.json").mock(
        return_value=httpx.Response(200, json=example("listTaxes", 200))
    )
    taxes = list(make_client().taxes.iter())
    assert [t.name for t in taxes] == [t["name"] for t in example("listTaxes", 200)["taxes"]]
    assert route.call_count == 1


def test_async_iter_walks_pages(mock_api: respx.MockRouter, clock: FakeClock) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params["page"])
        return httpx.Response(200, json=_page(n, 2, [n * 10]))

    mock_api.get("/invoices.json").mock(side_effect=answer)

    async def main() -> list[int]:
        async with AsyncInvoiceXpress("acme", PLANTED_KEY, base_url=BASE, clock=clock) as ix:
            return [doc.id async for doc in ix.invoices.iter()]

    assert asyncio.run(main()) == [10, 20]
