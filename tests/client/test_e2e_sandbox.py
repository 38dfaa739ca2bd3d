"""End to end: every resource of the client against the sandbox, over real HTTP.

Request bodies are the spec's own sandbox examples (`spec_request_example`), so these tests
follow the spec. The last test replays every scenario with a recorder and checks that every
operation of the spec was driven through the client at least once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from invoicexpress import (
    AsyncInvoiceXpress,
    AuthenticationError,
    ConflictError,
    InvoiceXpress,
    NotFoundError,
    RateLimitError,
    ValidationError,
)
from invoicexpress.testing import FakeClock, spec_request_example
from invoicexpress_client.api import OPERATIONS
from invoicexpress_core.exchange import Exchange
from invoicexpress_core.spec import load_spec
from invoicexpress_sandbox import testing


@dataclass(frozen=True)
class DocumentType:
    """A document type as the spec's operations name it (`x-document-type`, `x-family`)."""

    segment: str
    key: str
    family: str


def _document_types() -> list[DocumentType]:
    found: dict[str, DocumentType] = {}
    for op in load_spec():
        segment, family = op.raw.get("x-document-type"), op.raw.get("x-family")
        if segment and op.operation_id.startswith("get"):
            key = op.operation_id.removeprefix("get")
            snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in key).lstrip("_")
            found[segment] = DocumentType(segment, snake, str(family))
    return sorted(found.values(), key=lambda d: d.segment)


Scenario = Callable[[InvoiceXpress, Any], None]
SCENARIOS: dict[str, Scenario] = {}


def scenario(fn: Scenario) -> Scenario:
    SCENARIOS[fn.__name__.removeprefix("scenario_")] = fn
    return fn


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Any]:
    with testing.running_sandbox() as sb:
        yield sb


@pytest.fixture
def sb(sandbox: Any) -> Any:
    sandbox.reset()
    return sandbox


def _client(sb: Any, **kwargs: Any) -> InvoiceXpress:
    # The sandbox runs with its rate limit off; pacing is proven in its own test below.
    return InvoiceXpress(
        sb.account_name, sb.api_key, base_url=sb.base_url, requests_per_minute=0, **kwargs
    )


@pytest.fixture
def ix(sb: Any) -> Iterator[InvoiceXpress]:
    with _client(sb) as client:
        yield client


def _op_name(doc: DocumentType, verb: str) -> str:
    pascal = "".join(part.title() for part in doc.key.split("_"))
    return verb.format(S=pascal)


def _first_event(doc: DocumentType) -> tuple[str, str]:
    """The first non-delete transition out of the initial state, from x-state-machine."""
    spec = load_spec()
    machine = spec.operations[_op_name(doc, "change{S}State")].state_machine
    assert machine is not None
    for t in machine["transitions"]:
        if t["from"] == machine["initial"] and t["to"] != "deleted":
            return str(t["event"]), str(t["to"])
    raise AssertionError(f"no transition out of {machine['initial']}")


def _final_invoice(ix: InvoiceXpress) -> Any:
    invoice = ix.invoices.create(spec_request_example("createInvoice")["invoice"]).invoice
    return ix.invoices.change_state(invoice.id, "finalized").invoice


def drive_document_type(ix: InvoiceXpress, sb: Any, doc: DocumentType) -> None:
    resource = getattr(ix, doc.segment)
    body = spec_request_example(_op_name(doc, "create{S}"))[doc.key]
    if "owner_invoice_id" in body:  # credit/debit notes correct a final invoice
        body = {**body, "owner_invoice_id": _final_invoice(ix).id}
    # proprietary_uid is an invoices-family feature (the spec puts it on those creates only)
    if doc.family == "invoices":
        created = getattr(resource.create(body, proprietary_uid=f"e2e-{doc.key}"), doc.key)
    else:
        created = getattr(resource.create(body), doc.key)
    assert created.status == "draft"
    doc_id = created.id

    assert getattr(resource.get(doc_id), doc.key).id == doc_id

    update = {**spec_request_example(_op_name(doc, "update{S}"))[doc.key], **body}
    resource.update(doc_id, {**update, "observations": "updated by e2e"})
    assert getattr(resource.get(doc_id), doc.key).observations == "updated by e2e"

    assert doc_id in [d.id for d in resource.iter()]

    event, target = _first_event(doc)
    changed = getattr(resource.change_state(doc_id, event), doc.key)
    assert changed.status == target

    before = len(sb.outbox())
    resource.email(
        doc_id,
        {"client": {"email": "cliente@example.com", "save": False}, "subject": "e2e"},
    )
    assert len(sb.outbox()) == before + 1

    assert ix.pdf.wait(doc_id, interval=0.05).output.pdf_url.startswith("http")
    ix.documents.related(doc_id)


DOCUMENTS = [d for d in _document_types() if d.segment != "receipts"]


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[d.segment for d in DOCUMENTS])
def test_document_type_lifecycle(ix: InvoiceXpress, sb: Any, doc: DocumentType) -> None:
    drive_document_type(ix, sb, doc)


@scenario
def scenario_documents(ix: InvoiceXpress, sb: Any) -> None:
    for doc in DOCUMENTS:
        drive_document_type(ix, sb, doc)


@scenario
def scenario_payment_receipt_and_qr(ix: InvoiceXpress, sb: Any) -> None:
    body = spec_request_example("createInvoice")["invoice"]
    invoice = ix.invoices.create(body).invoice
    final = ix.invoices.change_state(invoice.id, "finalized").invoice
    assert ix.qr_codes.wait(invoice.id, interval=0.05).qr_code.url.startswith("http")
    receipt = ix.documents.pay(
        invoice.id,
        {"amount": Decimal("1.00"), "payment_mechanism": "TB", "payment_date": final.date},
    ).receipt
    assert ix.receipts.get(receipt.id).receipt.id == receipt.id
    assert receipt.id in [r.id for r in ix.receipts.iter()]
    canceled = ix.receipts.cancel(receipt.id, message="Pagamento duplicado.").receipt
    assert canceled.status == "canceled"


@scenario
def scenario_family_lists(ix: InvoiceXpress, sb: Any) -> None:
    quote = ix.quotes.create(spec_request_example("createQuote")["quote"]).quote
    shipping = ix.shippings.create(spec_request_example("createShipping")["shipping"]).shipping
    invoice = ix.invoices.create(spec_request_example("createInvoice")["invoice"]).invoice
    assert quote.id in [d.id for d in ix.estimates.iter(type=["Quote"], status=["draft"])]
    assert shipping.id in [d.id for d in ix.guides.iter(type=["Shipping"])]
    dated = ix.invoices.list(type=["Invoice"], date_from=dt.date(2000, 1, 1), per_page=50)
    assert invoice.id in [d.id for d in dated.invoices]
    assert ix.purchase_orders.list().purchase_orders is not None


@scenario
def scenario_clients(ix: InvoiceXpress, sb: Any) -> None:
    # Spec examples are wire-shaped JSON (Any); typed values are merged into them.
    body: Any = spec_request_example("createClient")["client"]
    client = ix.clients.create(body | {"name": "E2E Client", "code": "E2E1"}).client
    assert ix.clients.get(client.id).client.name == "E2E Client"
    ix.clients.update(client.id, body | {"name": "E2E Client", "code": "E2E1", "city": "Porto"})
    assert ix.clients.find_by_name("E2E Client").client.code == "E2E1"
    assert ix.clients.find_by_code("E2E1").client.name == "E2E Client"
    assert "E2E1" in [c.code for c in ix.clients.iter()]
    invoice: Any = spec_request_example("createInvoice")["invoice"]
    ix.invoices.create(invoice | {"client": {"name": "E2E Client", "code": "E2E1"}})
    listed = ix.clients.invoices(client.id, {"filter": {"status": ["draft"]}})
    assert len(listed.invoices) >= 1


@scenario
def scenario_items_taxes(ix: InvoiceXpress, sb: Any) -> None:
    item_body: Any = spec_request_example("createItem")["item"]
    item = ix.items.create(item_body | {"name": "E2E item", "unit_price": Decimal("12.50")}).item
    assert ix.items.get(item.id).item.name == "E2E item"
    update_body: Any = spec_request_example("updateItem")["item"]
    ix.items.update(item.id, update_body | {"name": "E2E item"})
    assert item.id in [i.id for i in ix.items.iter()]
    ix.items.delete(item.id)
    with pytest.raises(NotFoundError):
        ix.items.get(item.id)

    tax_body: Any = spec_request_example("createTax")["tax"]
    e2e13 = {"name": "E2E13", "value": Decimal("13.0"), "default_tax": False}
    tax = ix.taxes.create(tax_body | e2e13).tax
    assert ix.taxes.get(tax.id).tax.name == "E2E13"
    tax_update: Any = spec_request_example("updateTax")["tax"]
    ix.taxes.update(tax.id, tax_update | e2e13)
    assert "E2E13" in [t.name for t in ix.taxes.iter()]
    ix.taxes.delete(tax.id)


@scenario
def scenario_sequences(ix: InvoiceXpress, sb: Any) -> None:
    sequence = ix.sequences.create(spec_request_example("createSequence")["sequence"]).sequence
    assert ix.sequences.get(sequence.id).sequence.id == sequence.id
    # The demo account has AT configured, so new sequences are registered on creation.
    with pytest.raises(ConflictError, match="already registered"):
        ix.sequences.register(sequence.id)
    ix.sequences.set_current(sequence.id)
    assert sequence.id in [s.id for s in ix.sequences.list().sequences]


@scenario
def scenario_accounts(ix: InvoiceXpress, sb: Any) -> None:
    created = ix.accounts.create(spec_request_example("createAccount")["account"]).account
    body: Any = spec_request_example("createAccountForExistingUser")["account"]
    ix.accounts.create_for_existing_user(body | {"organization_name": "Segunda Empresa"})
    with pytest.raises(NotFoundError):  # an account is only visible with its own key
        ix.accounts.get(created.id)
    with ix.for_account(created.name, created.api_key) as own:
        assert own.accounts.get(created.id).account.organization_name == "Nova Empresa"
        own.accounts.update(created.id, spec_request_example("updateAccount")["account"])
        at = spec_request_example("configureAtCommunication")["at_communication"]
        own.accounts.configure_at_communication(at)


@scenario
def scenario_treasury(ix: InvoiceXpress, sb: Any) -> None:
    client = ix.clients.create(spec_request_example("createClient")["client"]).client
    ix.treasury.update_initial_balance(
        client.id, {"value": Decimal("100.00"), "date": dt.date(2026, 1, 1)}
    )
    ix.treasury.balance(client.id)
    reg = ix.treasury.create_regularization(
        client.id, {"value": Decimal("10.00"), "date": dt.date(2026, 2, 1)}
    ).regularization
    assert reg
    ix.treasury.regularizations(client.id)
    ix.treasury.delete_regularization(client.id, reg[0].id)
    movement = ix.treasury.create_movement(
        client.id,
        {
            "value": Decimal("5.00"),
            "movement_type": "Payment",
            "payment_method": "TB",
            "date": dt.date(2026, 2, 2),
        },
    ).treasury_movement
    ix.treasury.delete_movement(client.id, movement.id)


@scenario
def scenario_saft(ix: InvoiceXpress, sb: Any) -> None:
    invoice = ix.invoices.create(spec_request_example("createInvoice")["invoice"]).invoice
    final = ix.invoices.change_state(invoice.id, "finalized").invoice
    when = final.date
    ready = ix.saft.wait(month=when.month, year=when.year, interval=0.05, timeout=30)
    assert isinstance(ready.url, str)  # the spec leaves `url` optional (None when absent)
    assert ready.url.startswith("http")


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_resource_scenario(ix: InvoiceXpress, sb: Any, name: str) -> None:
    SCENARIOS[name](ix, sb)


def test_errors_are_typed_over_http(ix: InvoiceXpress, sb: Any) -> None:
    with pytest.raises(NotFoundError) as missing:
        ix.invoices.get(987654321)
    assert missing.value.messages
    invoice = ix.invoices.create(spec_request_example("createInvoice")["invoice"]).invoice
    with pytest.raises(ValidationError):
        ix.invoices.change_state(invoice.id, "settled")  # not allowed from draft
    with (
        InvoiceXpress(sb.account_name, "not-the-key", base_url=sb.base_url) as wrong,
        pytest.raises(AuthenticationError, match="INVOICEXPRESS_API_KEY"),
    ):
        wrong.invoices.list()


def test_server_429_is_retried_then_raised() -> None:
    clock = FakeClock()
    with (
        testing.running_sandbox(rate_limit=2) as limited,
        InvoiceXpress(
            limited.account_name,
            limited.api_key,
            base_url=limited.base_url,
            requests_per_minute=0,
            clock=clock,
            max_retries=2,
        ) as ix,
    ):
        ix.taxes.list()
        ix.taxes.list()
        with pytest.raises(RateLimitError):
            ix.taxes.list()
    assert len(clock.sleeps) == 2  # two retries were waited for (on the fake clock)


def test_every_operation_is_driven_end_to_end(sb: Any) -> None:
    spec = load_spec()
    driven: set[str] = set()

    def note(exchange: Exchange) -> None:
        op = spec.find(exchange.method, exchange.path)
        if op is not None:
            driven.add(op.operation_id)

    with _client(sb, on_exchange=note) as ix:
        for run in SCENARIOS.values():
            sb.reset()
            run(ix, sb)
    expected = {op.operation_id for op in spec}
    assert len(expected) == len(OPERATIONS)
    assert sorted(expected - driven) == []


def test_async_client_drives_an_invoice_over_http(sb: Any) -> None:
    async def main() -> tuple[str, str, list[int]]:
        async with AsyncInvoiceXpress(
            sb.account_name, sb.api_key, base_url=sb.base_url, requests_per_minute=0
        ) as ix:
            body = spec_request_example("createInvoice")["invoice"]
            created = (await ix.invoices.create(body)).invoice
            final = (await ix.invoices.change_state(created.id, "finalized")).invoice
            await ix.documents.pay(created.id, {"amount": final.total, "payment_mechanism": "TB"})
            pdf = await ix.pdf.wait(created.id, interval=0.05)
            ids = [d.id async for d in ix.invoices.iter(status=["settled"])]
            settled = (await ix.invoices.get(created.id)).invoice.status
            return settled, pdf.output.pdf_url, [*ids, created.id]

    status, url, ids = asyncio.run(main())
    assert status == "settled"
    assert url.startswith("http")
    assert ids[-1] in ids[:-1]
