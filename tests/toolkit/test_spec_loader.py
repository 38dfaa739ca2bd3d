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


def _documented_examples() -> list[tuple[str, object]]:
    out = []
    for op in SPEC:
        for status in op.responses:
            pointer = SPEC.response_schema_pointer(op, status)
            media = (SPEC.resolve(op.responses[status]).get("content") or {}).get(
                "application/json"
            ) or {}
            for example in (media.get("examples") or {}).values():
                if pointer:
                    out.append((pointer, SPEC.resolve(example).get("value")))
    return out


def _spoiled(value: object) -> list[object]:
    """Wrong variants of a valid value: each leaf in turn replaced by a value of another type,
    a bad date and a bad e-mail where strings stand."""
    if isinstance(value, dict):
        out: list[object] = [[], "x"]
        for key, item in value.items():
            out += [{**value, key: bad} for bad in _spoiled(item)[:2]]
        return out
    if isinstance(value, list):
        return [{}, *([[bad, *value[1:]] for bad in _spoiled(value[0])[:2]] if value else [])]
    return [{"x": 1}, None, "2026-13-45", "not-an-email", -1.5, True]


def test_errors_at_agrees_with_the_compiled_validator() -> None:
    """The fast pass (jsonschema-rs) never clears what jsonschema refuses: same errors on
    every documented response example and on wrong variants of each."""
    checked = refused = 0
    for pointer, example in _documented_examples():
        for value in [example, *_spoiled(example)[:12]]:
            expected = [e.message for e in SPEC.validator_at(pointer).iter_errors(value)]
            assert [e.message for e in SPEC.errors_at(pointer, value)] == expected
            checked += 1
            refused += bool(expected)
    assert checked > 300
    assert refused > checked / 2


def test_state_machine_and_document_type_are_exposed() -> None:
    op = SPEC.operations["changeInvoiceReceiptState"]
    assert op.document_type == "invoice_receipts"
    assert op.family == "invoices"
    assert op.state_machine is not None
    assert {"from": "draft", "event": "finalized", "to": "settled"} in op.state_machine[
        "transitions"
    ]
