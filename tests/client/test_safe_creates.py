"""Safe creates: a `proprietary_uid` create whose answer was lost, or that is run twice, ends
with the document the first call made, against both plausible server behaviours.

The sandbox's default (documented assumption): a finished create's uid answers 409 for ever.
Its `uid_replay` quirk: such a create answers 201 with the first document. Real HTTP to a real
sandbox; a lost answer is an httpx transport that forwards the first create, then drops its
response (the server did the work, the caller never heard).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from invoicexpress import ConflictError, InvoiceXpress
from invoicexpress.requests import InvoicesFields
from invoicexpress_sandbox import testing


@pytest.fixture(scope="module")
def sandbox() -> Iterator[testing.RunningSandbox]:
    with testing.running_sandbox() as sb:
        yield sb


@pytest.fixture(params=["409_for_ever", "uid_replay"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sb(sandbox: testing.RunningSandbox, mode: str) -> testing.RunningSandbox:
    sandbox.reset()
    quirks = [mode] if mode == "uid_replay" else []
    sandbox.admin.put("/_sandbox/faults", json={"quirks": quirks}).raise_for_status()
    return sandbox


class LoseFirstCreateAnswer(httpx.BaseTransport):
    """Sends every request; the first POST's response is dropped after the server handled it."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST" and not self.lost:
            response.read()
            self.lost += 1
            raise httpx.ReadError("connection reset after the server answered", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def _client(sb: testing.RunningSandbox, **kwargs: object) -> InvoiceXpress:
    return InvoiceXpress(
        sb.account_name,
        sb.api_key,
        base_url=sb.base_url,
        requests_per_minute=0,
        **kwargs,  # type: ignore[arg-type]
    )


def _fields(reference: str | None = "order-42") -> InvoicesFields:
    today = dt.date(2026, 11, 27)
    fields: InvoicesFields = {
        "date": today,
        "due_date": today,
        "client": {"name": "Cliente Exemplo", "code": "C001"},
        "items": [{"name": "Hora", "description": "h", "unit_price": Decimal(50), "quantity": 1}],
    }
    if reference:
        fields["reference"] = reference
    return fields


def _invoice_ids(sb: testing.RunningSandbox) -> list[int]:
    with sb.client() as http:
        return [d["id"] for d in http.get("/invoices.json").json()["invoices"]]


def test_running_the_same_create_twice_returns_the_first_document(
    sb: testing.RunningSandbox,
) -> None:
    with _client(sb) as ix:
        first = ix.invoices.create(_fields(), proprietary_uid="order-42").invoice
        again = ix.invoices.create(_fields(), proprietary_uid="order-42").invoice
    assert again.id == first.id
    assert _invoice_ids(sb) == [first.id]


def test_a_lost_answer_is_recovered_and_nothing_is_created_twice(
    sb: testing.RunningSandbox,
) -> None:
    lossy = LoseFirstCreateAnswer()
    store: dict[str, int] = {}
    with _client(sb, transport=lossy, uid_store=store) as ix:
        created = ix.invoices.create(_fields(), proprietary_uid="order-42").invoice
    assert lossy.lost == 1
    assert _invoice_ids(sb) == [created.id]
    assert store == {"order-42": created.id}
    assert created.reference == "order-42"


def test_a_persistent_uid_store_recovers_across_clients(sb: testing.RunningSandbox) -> None:
    store: dict[str, int] = {}
    with _client(sb, uid_store=store) as ix:
        first = ix.invoices.create(_fields(None), proprietary_uid="order-7").invoice
    with _client(sb, uid_store=store) as ix:
        again = ix.invoices.create(_fields(None), proprietary_uid="order-7").invoice
    assert again.id == first.id
    assert _invoice_ids(sb) == [first.id]


def test_without_a_store_or_reference_the_409_says_how_to_recover(
    sb: testing.RunningSandbox, mode: str
) -> None:
    with _client(sb) as ix:
        first = ix.invoices.create(_fields(None), proprietary_uid="order-9").invoice
    with _client(sb) as fresh:
        if mode == "uid_replay":  # the server answers with the first document itself
            assert fresh.invoices.create(_fields(None), proprietary_uid="order-9").invoice.id == (
                first.id
            )
            return
        with pytest.raises(ConflictError, match="keep `uid_store` across runs") as info:
            fresh.invoices.create(_fields(None), proprietary_uid="order-9")
    assert info.value.status == 409
    assert _invoice_ids(sb) == [first.id]
