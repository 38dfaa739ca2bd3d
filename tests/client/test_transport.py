"""429 handling, connection-error retries (only where safe) and client-side pacing."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import httpx
import pytest
import respx

from invoicexpress import (
    AsyncInvoiceXpress,
    Pacer,
    RateLimitError,
    RetryPolicy,
    TransportError,
    ValidationError,
)
from invoicexpress._transport import retry_after_seconds
from invoicexpress.testing import FakeClock
from invoicexpress.testing import spec_example as example

BASE = "https://acme.app.invoicexpress.com"
PLANTED_KEY = "PLANTED-1xc-SECRET-k3y-0000"  # recognisable, obviously fake

INVOICE = example("getInvoice", 200)
TOO_MANY = example("getInvoice", 429)


def test_429_retry_after_is_honoured_then_succeeds(
    mock_api: respx.MockRouter, make_client: Any, clock: FakeClock
) -> None:
    route = mock_api.get("/invoices/1001.json").mock(
        side_effect=[
            httpx.Response(429, json=TOO_MANY, headers={"Retry-After": "7"}),
            httpx.Response(429, json=TOO_MANY, headers={"Retry-After": "3"}),
            httpx.Response(200, json=INVOICE),
        ]
    )
    got = make_client().invoices.get(1001)
    assert route.call_count == 3
    assert clock.sleeps == [7.0, 3.0]
    assert got.invoice.id == INVOICE["invoice"]["id"]


def test_429_without_retry_after_backs_off_exponentially_with_bounded_jitter(
    mock_api: respx.MockRouter, make_client: Any, clock: FakeClock
) -> None:
    mock_api.get("/invoices/1001.json").mock(
        side_effect=[httpx.Response(429, json=TOO_MANY)] * 3 + [httpx.Response(200, json=INVOICE)]
    )
    make_client(
        retry=RetryPolicy(base_delay=1.0, max_delay=3.0, rng=random.Random(1))
    ).invoices.get(1001)
    caps = [1.0, 2.0, 3.0]  # 1*2^0, 1*2^1, min(3, 1*2^2)
    assert len(clock.sleeps) == 3
    for slept, cap in zip(clock.sleeps, caps, strict=True):
        assert cap / 2 <= slept <= cap


def test_429_gives_up_after_max_retries_with_rate_limit_error(
    mock_api: respx.MockRouter, make_client: Any, clock: FakeClock
) -> None:
    route = mock_api.get("/invoices/1001.json").mock(
        return_value=httpx.Response(429, json=TOO_MANY, headers={"Retry-After": "2"})
    )
    with pytest.raises(RateLimitError) as info:
        make_client(retry=RetryPolicy(max_retries=2)).invoices.get(1001)
    assert route.call_count == 3
    assert info.value.status == 429
    assert info.value.retry_after == 2.0
    assert "requests_per_minute" in str(info.value)


def test_429_with_retry_after_beyond_the_bound_is_not_waited(
    mock_api: respx.MockRouter, make_client: Any, clock: FakeClock
) -> None:
    mock_api.get("/invoices/1001.json").mock(
        return_value=httpx.Response(429, json=TOO_MANY, headers={"Retry-After": "3600"})
    )
    with pytest.raises(RateLimitError) as info:
        make_client().invoices.get(1001)
    assert clock.sleeps == []
    assert info.value.retry_after == 3600.0


@pytest.mark.parametrize(
    ("header", "expected"), [("12", 12.0), ("", None), ("soon", None), (None, None)]
)
def test_retry_after_parsing(header: str | None, expected: float | None) -> None:
    assert retry_after_seconds(header) == expected


def test_retry_after_http_date_is_seconds_from_now() -> None:
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


def test_connection_error_on_a_read_is_retried(
    mock_api: respx.MockRouter, make_client: Any, clock: FakeClock
) -> None:
    route = mock_api.get("/invoices/1001.json").mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(200, json=INVOICE)]
    )
    make_client().invoices.get(1001)
    assert route.call_count == 2
    assert len(clock.sleeps) == 1


def test_connection_error_on_a_create_without_uid_is_not_retried(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    route = mock_api.post("/invoices.json").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(TransportError, match="not safe to repeat"):
        make_client().invoices.create({"date": "01/12/2026"})
    assert route.call_count == 1


def test_connection_error_on_a_create_with_proprietary_uid_is_retried(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    created = example("createInvoice", 201)
    route = mock_api.post("/invoices.json").mock(
        side_effect=[httpx.ReadTimeout("slow"), httpx.Response(201, json=created)]
    )
    make_client().invoices.create({"date": "01/12/2026"}, proprietary_uid="order-42")
    assert route.call_count == 2
    assert json.loads(route.calls[1].request.content)["proprietary_uid"] == "order-42"


def test_connection_errors_give_up_after_max_retries(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    route = mock_api.get("/invoices/1001.json").mock(side_effect=httpx.ConnectError("down"))
    with pytest.raises(TransportError, match="gave up"):
        make_client(retry=RetryPolicy(max_retries=2)).invoices.get(1001)
    assert route.call_count == 3


def test_pacer_lets_a_burst_through_then_waits_for_the_window() -> None:
    clock = FakeClock()
    pacer = Pacer(3, clock)
    assert [pacer.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert pacer.reserve() == 60.0
    clock.now += 60.0
    assert pacer.reserve() == 0.0  # the first slot left the window; the 4th booking is at +60


def test_pacer_spreads_requests_beyond_the_limit() -> None:
    clock = FakeClock()
    pacer = Pacer(2, clock)
    clock.now = 0.0
    waits = []
    for _ in range(6):
        wait = pacer.reserve()
        waits.append(wait)
        clock.now += wait
    assert waits == [0.0, 0.0, 60.0, 0.0, 60.0, 0.0]


def test_client_paces_at_the_configured_rate(
    mock_api: respx.MockRouter, make_client: Any, clock: FakeClock
) -> None:
    route = mock_api.get("/invoices/1001.json").mock(return_value=httpx.Response(200, json=INVOICE))
    ix = make_client(requests_per_minute=5)
    for _ in range(6):
        ix.invoices.get(1001)
    assert route.call_count == 6
    assert clock.sleeps == [60.0]


def test_default_pace_is_100_per_minute(
    mock_api: respx.MockRouter, make_client: Any, clock: FakeClock
) -> None:
    mock_api.get("/invoices/1001.json").mock(return_value=httpx.Response(200, json=INVOICE))
    ix = make_client()
    for _ in range(101):
        ix.invoices.get(1001)
    assert clock.sleeps == [60.0]


def test_pacer_rejects_a_nonsense_rate() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Pacer(0, FakeClock())


def test_async_client_retries_429_and_paces(mock_api: respx.MockRouter, clock: FakeClock) -> None:
    route = mock_api.get("/invoices/1001.json").mock(
        side_effect=[
            httpx.Response(429, json=TOO_MANY, headers={"Retry-After": "4"}),
            httpx.Response(200, json=INVOICE),
            httpx.Response(200, json=INVOICE),
        ]
    )

    async def main() -> list[Any]:
        async with AsyncInvoiceXpress(
            "acme", PLANTED_KEY, base_url=BASE, clock=clock, requests_per_minute=2
        ) as ix:
            return [await ix.invoices.get(1001), await ix.invoices.get(1001)]

    got = asyncio.run(main())
    assert route.call_count == 3
    assert clock.sleeps == [4.0, 60.0 - 4.0]
    assert [g.invoice.id for g in got] == [1001, 1001]


def test_pacing_logs_at_info_only_when_it_waits_longer_than_a_second(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    pacer = Pacer(2, clock)
    with caplog.at_level("INFO", logger="invoicexpress"):
        pacer.reserve()
        pacer.reserve()
        assert caplog.records == []
        pacer.reserve()  # the third request of the minute waits 60 s
    [record] = caplog.records
    assert record.levelname == "INFO"
    assert record.getMessage() == "pacing: waiting 60.0 s to stay under 2 requests per minute"


def test_the_sandboxs_reason_header_is_in_the_error(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    mock_api.get("/invoices/1.json").mock(
        return_value=httpx.Response(
            422,
            json={"errors": [{"error": "Date is not valid"}]},
            headers={"X-Sandbox-Reason": "/invoice/date: not a dd/mm/yyyy date"},
        )
    )
    with pytest.raises(ValidationError) as info:
        make_client().invoices.get(1)
    assert info.value.reason == "/invoice/date: not a dd/mm/yyyy date"
    assert str(info.value).startswith(
        "GET https://acme.app.invoicexpress.com/invoices/1.json?api_key=[REDACTED] -> 422: "
        "Date is not valid. [sandbox: /invoice/date: not a dd/mm/yyyy date]"
    )
