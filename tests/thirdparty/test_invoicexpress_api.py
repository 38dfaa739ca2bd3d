"""Third-party conformance: the PyPI client `invoicexpress-api` (0.1.2, bitmario/
invoicexpress-api-python) runs its calls against a real sandbox, each outcome pinned.

The client builds `https://{account}.app.invoicexpress.com/` in its constructor and keeps it
in the public instance attribute `base_url`, which every call reads: the test sets that
attribute on the instance (no monkeypatching of the package). Failures are pinned with whose
they are: the client's own bug, or the sandbox disagreeing with evidence (spec/evidence).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import invoicexpress_api  # the dev extra installs it
import pytest
from invoicexpress_api import clients, invoices

from invoicexpress_sandbox.testing import RunningSandbox, running_sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    with running_sandbox() as sb:
        yield sb


@pytest.fixture
def ix(sandbox: RunningSandbox) -> Any:
    sandbox.reset()
    client = invoicexpress_api.Client(sandbox.account_name, sandbox.api_key)
    client.base_url = sandbox.base_url + "/"
    return client


def _dates(sandbox: RunningSandbox) -> tuple[str, str]:
    now = datetime.fromisoformat(sandbox.admin.get("/_sandbox/clock").json()["now"])
    return now.strftime("%d/%m/%Y"), (now + timedelta(days=30)).strftime("%d/%m/%Y")


def _body(sandbox: RunningSandbox, **extra: str) -> dict[str, Any]:
    today, due = _dates(sandbox)
    return {
        "invoice_receipt": {
            "date": today,
            "due_date": due,
            "client": {"name": "Cliente PyPI", "code": "PYPI-1"},
            "items": [
                {
                    "name": "SRV",
                    "description": "Serviço",
                    "unit_price": "10.0",
                    "quantity": "1",
                    "tax": {"name": "IVA23"},
                }
            ],
            **extra,
        }
    }


def _receipt(ix: Any, sandbox: RunningSandbox) -> dict[str, Any]:
    created = invoices.create(ix, _body(sandbox))  # default type: invoice_receipt
    return dict(created["invoice_receipt"])


def test_client_calls(ix: Any) -> None:
    """create, get, update (returns None by design), find by code: all succeed."""
    made = clients.create(ix, {"client": {"name": "Cliente PyPI", "code": "PYPI-1"}})["client"]
    assert clients.get(ix, made["id"])["client"]["code"] == "PYPI-1"
    assert (
        clients.update(ix, made["id"], {"client": {"name": "Cliente PyPI 2", "code": "PYPI-1"}})
        is None
    )
    assert clients.code_search(ix, "PYPI-1")["client"]["name"] == "Cliente PyPI 2"


def test_document_lifecycle(ix: Any, sandbox: RunningSandbox) -> None:
    """create, get, update, finalize (an invoice receipt is settled by it), e-mail (with
    `save: "0"`): all succeed."""
    receipt = _receipt(ix, sandbox)
    doc_id = receipt["id"]
    assert invoices.get(ix, doc_id)["invoice_receipt"]["status"] == "draft"
    invoices.update(ix, doc_id, _body(sandbox, reference="PO-7"))
    assert invoices.get(ix, doc_id)["invoice_receipt"]["reference"] == "PO-7"
    invoices.change_state(ix, doc_id, state=invoices.States.FINAL)
    invoices.send_email(ix, doc_id, "cliente@example.com", subject="Fatura", body="Obrigado")
    assert sandbox.outbox()[-1]["to"] == "cliente@example.com"
    assert invoices.get(ix, doc_id)["invoice_receipt"]["status"] == "settled"


def test_pdf_url(ix: Any, sandbox: RunningSandbox) -> None:
    """get_pdf_url polls the legacy /api/pdf/{id}.json route through 202s and reads
    output.pdfUrl: succeeds."""
    receipt = _receipt(ix, sandbox)
    invoices.change_state(ix, receipt["id"], state=invoices.States.FINAL)
    assert invoices.get_pdf_url(ix, receipt["id"]).startswith("http")


def test_cancel_with_message_fails_by_the_clients_bug(ix: Any, sandbox: RunningSandbox) -> None:
    """The client's own bug: change_state puts `message` at the body's root, beside
    `invoice_receipt`; the docs (and the spec) put it inside the state object, and a
    cancellation needs it there. The sandbox answers 422; the client raises ValueError."""
    receipt = _receipt(ix, sandbox)
    invoices.change_state(ix, receipt["id"], state=invoices.States.FINAL)
    with pytest.raises(ValueError, match="422"):
        invoices.change_state(ix, receipt["id"], state=invoices.States.CANCELED, message="Erro")
    assert invoices.get(ix, receipt["id"])["invoice_receipt"]["status"] == "settled"


def test_missing_client_raises(ix: Any) -> None:
    """A 404 raises ValueError carrying the status (the client accepts only 200 and 201)."""
    with pytest.raises(ValueError, match="404"):
        clients.get(ix, 999999)
