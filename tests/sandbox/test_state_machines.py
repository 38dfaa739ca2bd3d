"""Every allowed and every forbidden transition of every family, read from `x-state-machine`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from invoicexpress_core.spec import Operation
from invoicexpress_sandbox._catalog import DOC_TYPES
from invoicexpress_sandbox.testdata import (
    CHANGE_STATE_OPS,
    change_state,
    create_document,
    document_fields,
    document_in_state,
)


def _cases() -> list[Any]:
    cases = []
    for op in CHANGE_STATE_OPS:
        machine = op.state_machine
        assert machine is not None
        aliases = dict(machine.get("aliases") or {})
        events = sorted({t["event"] for t in machine["transitions"]} | set(aliases))
        for state in machine["states"]:
            if state == "deleted" and not any(t["to"] == "deleted" for t in machine["transitions"]):
                continue
            for event in events:
                canonical = aliases.get(event, event)
                target = next(
                    (
                        t["to"]
                        for t in machine["transitions"]
                        if t["from"] == state and t["event"] == canonical
                    ),
                    None,
                )
                cases.append(
                    pytest.param(op, state, event, target, id=f"{op.operation_id}-{state}-{event}")
                )
    return cases


def _send(
    api: httpx.Client, op: Operation, doc_id: int, event: str, message: str | None
) -> httpx.Response:
    machine = op.state_machine
    assert machine is not None
    key = DOC_TYPES[str(machine["document_type"])].key
    payload: dict[str, Any] = {"state": event}
    if message is not None:
        payload["message"] = message
    path = op.path.replace("{document-id}", str(doc_id))
    return api.put(path, json={key: payload})


@pytest.mark.parametrize(("op", "state", "event", "target"), _cases())
def test_transition(
    api: httpx.Client, op: Operation, state: str, event: str, target: str | None
) -> None:
    doc_id = document_in_state(api, op, state)
    r = _send(api, op, doc_id, event, "Motivo do cancelamento")
    machine = op.state_machine
    assert machine is not None
    if target is None:
        assert r.status_code == 422, r.text
        assert r.json() == {"errors": {"error": machine["errors"]["invalid_transition"]["message"]}}
        after = api.get(op.path.replace("/change-state", "").replace("{document-id}", str(doc_id)))
        assert after.json()[next(iter(after.json()))]["status"] == state
    else:
        assert r.status_code == 200, r.text
        body = r.json()
        assert body[next(iter(body))]["status"] == target


def _requires_message() -> list[Any]:
    return [
        pytest.param(op, t["from"], t["event"], id=f"{op.operation_id}-{t['from']}")
        for op in CHANGE_STATE_OPS
        for t in op.state_machine["transitions"]  # type: ignore[index]
        if "message" in (t.get("requires") or [])
    ]


@pytest.mark.parametrize(("op", "state", "event"), _requires_message())
def test_cancel_without_message_is_refused_and_changes_nothing(
    api: httpx.Client, op: Operation, state: str, event: str
) -> None:
    doc_id = document_in_state(api, op, state)
    r = _send(api, op, doc_id, event, None)
    machine = op.state_machine
    assert machine is not None
    assert r.status_code == 422
    assert machine["errors"]["message_required"]["message"] in r.text


def test_finalising_gives_the_next_number_and_settled_documents_are_immutable(
    api: httpx.Client,
) -> None:
    first = create_document(api, "invoices")
    assert first["sequence_number"] == "rascunho"
    assert first["atcud"] is None
    final = change_state(api, "invoices", first["id"], "finalized", None).json()["invoice"]
    number, serie = final["sequence_number"].split("/")
    assert final["inverted_sequence_number"] == f"{serie}/{number}"
    assert final["atcud"].endswith(f"-{number}")
    assert len(final["saft_hash"]) == 4
    r = api.put(
        f"/invoices/{first['id']}.json", json={"invoice": document_fields(DOC_TYPES["invoices"])}
    )
    assert r.status_code == 422
    assert "can't be changed anymore" in r.text
