"""`invoicexpress_core.spec`: operations found by concrete request paths; schema validation."""

from __future__ import annotations

import pytest

from invoicexpress_core.spec import load_spec

SPEC = load_spec()


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/invoices.json", "listInvoices"),
        ("POST", "/invoices.json", "createInvoice"),
        ("GET", "/credit_notes/17.json", "getCreditNote"),
        ("PUT", "/quotes/3/change-state.json", "changeQuoteState"),
        ("GET", "/clients/find-by-name.json", "findClientByName"),
        ("GET", "/clients/12.json", "getClient"),
        ("DELETE", "/api/v3/clients/1/treasury_movements/9.json", "deleteClientTreasuryMovement"),
        ("GET", "/nothing-here.json", None),
        ("DELETE", "/invoices.json", None),
    ],
)
def test_find_maps_concrete_paths_to_operations(
    method: str, path: str, expected: str | None
) -> None:
    op = SPEC.find(method, path)
    assert (op.operation_id if op else None) == expected


def test_path_regex_names_groups_after_parameters() -> None:
    match = SPEC.operations["getCreditNote"].path_regex.match("/credit_notes/17.json")
    assert match is not None
    assert match.group("document_id") == "17"


def test_validators_resolve_refs_and_report_quirk_violations() -> None:
    op = SPEC.operations["getInvoice"]
    pointer = SPEC.response_schema_pointer(op, 200)
    assert pointer is not None
    validator = SPEC.validator_at(pointer)
    example = op.responses["200"]["content"]["application/json"]["examples"]["sandbox"]["value"]
    assert not list(validator.iter_errors(example))
    iso = {"invoice": {**example["invoice"], "date": "2026-12-03"}}
    assert [e.validator for e in validator.iter_errors(iso)] == ["pattern"]
    assert SPEC.validator_at(pointer) is validator  # compiled once


def test_state_machine_and_document_type_are_exposed() -> None:
    op = SPEC.operations["changeInvoiceReceiptState"]
    assert op.document_type == "invoice_receipts"
    assert op.family == "invoices"
    assert op.state_machine is not None
    assert {"from": "draft", "event": "finalized", "to": "settled"} in op.state_machine[
        "transitions"
    ]
