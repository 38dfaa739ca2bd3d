"""A planted API key must never appear in logs, exceptions, reprs or recorded exchanges."""

from __future__ import annotations

import logging
import traceback
from typing import Any

import httpx
import pytest
import respx

from invoicexpress import InvoiceXpressError, TransportError
from invoicexpress.testing import spec_example as example
from invoicexpress_core.exchange import Exchange

PLANTED_KEY = "PLANTED-1xc-SECRET-k3y-0000"  # recognisable, obviously fake


def test_the_key_travels_in_the_query_string(mock_api: respx.MockRouter, make_client: Any) -> None:
    route = mock_api.get("/invoices/1001.json").mock(
        return_value=httpx.Response(200, json=example("getInvoice", 200))
    )
    make_client().invoices.get(1001)
    assert route.calls[0].request.url.params["api_key"] == PLANTED_KEY


def test_planted_key_is_absent_everywhere(
    mock_api: respx.MockRouter, make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    recorded: list[Exchange] = []
    # The server echoes the key back in an error body, the worst case.
    mock_api.get("/invoices/1.json").mock(
        return_value=httpx.Response(
            422, json={"errors": {"error": f"bad request ?api_key={PLANTED_KEY}"}}
        )
    )
    mock_api.get("/invoices/2.json").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "1"}),
            httpx.Response(200, json=example("getInvoice", 200)),
        ]
    )
    mock_api.post("/invoices.json").mock(side_effect=httpx.ConnectError(f"to {PLANTED_KEY}"))
    ix = make_client(on_exchange=recorded.append)

    texts = [repr(ix), str(ix), repr(ix._client), repr(ix._policy)]
    errors: list[BaseException] = []
    with pytest.raises(InvoiceXpressError) as first:
        ix.invoices.get(1)
    errors.append(first.value)
    ix.invoices.get(2)
    with pytest.raises(TransportError) as second:
        ix.invoices.create({"date": "01/01/2026"})
    errors.append(second.value)

    for err in errors:
        texts += [str(err), repr(err), "".join(traceback.format_exception(err))]
        texts.append(repr(getattr(err, "request", "")))
        exchange = getattr(err, "exchange", None)
        if exchange is not None:
            texts.append(exchange.to_json())
    texts += [e.to_json() for e in recorded]
    texts += [r.getMessage() for r in caplog.records]
    texts.append(caplog.text)

    assert len(recorded) == 3  # the 422, the 429 and the 200
    assert any("api_key=[REDACTED]" in e.url for e in recorded)
    assert caplog.records, "the client logged nothing, so this test proves nothing"
    leaks = [t for t in texts if PLANTED_KEY in t]
    assert leaks == []
