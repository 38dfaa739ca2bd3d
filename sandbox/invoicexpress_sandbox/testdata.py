"""Valid request bodies and state-machine walking, for tests that drive a sandbox.

`document_fields(dt)` is a valid create body for any document type; `create_document`,
`change_state`, `make_receipt` and `document_in_state` drive a running sandbox through the
API; `response_errors` checks a body against the spec's schema for that status.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from invoicexpress_core.calendar import dmy, lisbon_now
from invoicexpress_core.machines import StateMachine
from invoicexpress_core.spec import Operation, load_spec
from invoicexpress_sandbox._catalog import DOC_TYPES, DocType

SPEC = load_spec()
CHANGE_STATE_OPS: list[Operation] = [op for op in SPEC if op.state_machine]


def example(operation: str | Operation) -> Any:
    """The operation's `sandbox` request example, its dates moved to this machine's Lisbon
    today (the spec's examples keep the day they were written for)."""
    op = SPEC.operations[operation] if isinstance(operation, str) else operation
    return SPEC.request_example(op, lisbon_now().date())


def date_in(days: int = 0) -> str:
    """dd/mm/yyyy, `days` from this machine's Lisbon today (the unmoved sandbox clock's)."""
    return dmy(lisbon_now().date() + timedelta(days=days))


def iso_date_in(days: int = 0) -> str:
    """yyyy-mm-dd (treasury's form), `days` from this machine's Lisbon today."""
    return (lisbon_now().date() + timedelta(days=days)).isoformat()


def document_fields(dt: DocType, today: date | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid create body's root object for any document type, dated `today` (default: this
    machine's day in Lisbon, the sandbox's unless its clock was moved)."""
    today = today or lisbon_now().date()
    fields: dict[str, Any] = {
        "date": dmy(today),
        "due_date": dmy(today + timedelta(days=15)),
        "client": {"name": "Cliente Exemplo", "code": "C001", "country": "Portugal"},
        "items": [
            {
                "name": "Consultoria",
                "description": "Uma hora",
                "unit_price": "24.3902",
                "quantity": "1",
                "tax": {"name": "IVA23"},
            }
        ],
    }
    if dt.family == "guides":
        address = {
            "detail": "Rua A 1",
            "city": "Lisboa",
            "postal_code": "1000-001",
            "country": "Portugal",
        }
        fields.update(
            loaded_at=f"{dmy(today + timedelta(days=2))} 09:00:00",
            address_from=address,
            address_to=dict(address, detail="Rua B 2"),
        )
    fields.update(overrides)
    return fields


def create_document(api: httpx.Client, segment: str, **overrides: Any) -> dict[str, Any]:
    dt = DOC_TYPES[segment]
    r = api.post(f"/{segment}.json", json={dt.key: document_fields(dt, **overrides)})
    assert r.status_code == 201, r.text
    doc: dict[str, Any] = r.json()[dt.key]
    return doc


def change_state(
    client: httpx.Client, segment: str, doc_id: int, event: str, message: str | None = "Motivo"
) -> httpx.Response:
    dt = DOC_TYPES[segment]
    payload: dict[str, Any] = {"state": event}
    if message is not None:
        payload["message"] = message
    return client.put(f"/{segment}/{doc_id}/change-state.json", json={dt.key: payload})


def path_to(machine: StateMachine, target: str) -> list[str] | None:
    """The shortest list of events leading from the initial state to `target`."""
    steps = machine.path(target)
    return None if steps is None else [t.event for t in steps]


def make_receipt(client: httpx.Client, amount: float = 10) -> dict[str, Any]:
    """A final receipt: a partial payment on a finalised invoice."""
    invoice = create_document(client, "invoices")
    r = change_state(client, "invoices", invoice["id"], "finalized", None)
    assert r.status_code == 200, r.text
    r = client.post(
        f"/documents/{invoice['id']}/partial_payments.json",
        json={"partial_payment": {"amount": amount, "payment_mechanism": "MB"}},
    )
    assert r.status_code == 201, r.text
    receipt: dict[str, Any] = r.json()["receipt"]
    return receipt


def document_in_state(client: httpx.Client, op: Operation, state: str) -> int:
    """A document of the operation's type, driven to `state` through allowed events."""
    machine = op.machine
    assert machine is not None
    segment = machine.document_type
    if segment == "receipts":
        receipt = make_receipt(client)
        events = path_to(machine, state)
        assert events is not None
        for event in events:
            r = client.put(
                f"/receipts/{receipt['id']}/change-state.json",
                json={"receipt": {"state": event, "message": "Motivo"}},
            )
            assert r.status_code == 200, r.text
        return int(receipt["id"])
    doc = create_document(client, segment)
    events = path_to(machine, state)
    assert events is not None, f"{state} is unreachable in {segment}"
    for event in events:
        r = change_state(client, segment, doc["id"], event)
        assert r.status_code == 200, r.text
    return int(doc["id"])


_VALIDATORS: dict[tuple[str, int], Any] = {}


def response_errors(op: Operation, status: int, body: Any) -> list[str]:
    """Why `body` does not match the spec's schema for `op`'s `status` response."""
    import jsonschema_rs

    key = (op.operation_id, status)
    if key not in _VALIDATORS:
        response = SPEC.resolve(op.responses[str(status)])
        schema = ((response.get("content") or {}).get("application/json") or {}).get("schema")
        if schema is None:
            return [] if body in (None, b"", "") else ["the spec declares no body"]
        _VALIDATORS[key] = jsonschema_rs.validator_for(
            {"components": SPEC.document["components"], **schema}
        )
    return [e.message for e in _VALIDATORS[key].iter_errors(body)]
