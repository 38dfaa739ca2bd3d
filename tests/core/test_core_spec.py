"""The core's typed view of the spec, and its fast JSON twin."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from invoicexpress_core.errors import ErrorMessage, parse_error_body
from invoicexpress_core.spec import compiled_path, load_spec, spec_path

SPEC = load_spec()


def test_the_twin_is_current_and_holds_the_same_document() -> None:
    import yaml

    twin = json.loads(compiled_path(spec_path()).read_text(encoding="utf-8"))
    assert twin["source_sha256"] == SPEC.sha256
    assert twin["document"] == yaml.safe_load(spec_path().read_bytes())


def test_a_stale_twin_is_ignored(tmp_path: Path) -> None:
    copy = tmp_path / "invoicexpress.yaml"
    shutil.copy(spec_path(), copy)
    compiled_path(copy).write_text(
        json.dumps({"source_sha256": "0" * 64, "document": {"openapi": "3.1.0", "paths": {}}})
    )
    spec = load_spec(copy)
    assert len(spec.operations) == len(SPEC.operations)  # read from the YAML, not the twin


def test_document_types_agree_with_the_sandbox_and_the_client() -> None:
    """Phase B makes the sandbox and the client read this table; until then they must agree."""
    from invoicexpress_client.typed.namespaces import RESOURCES
    from invoicexpress_sandbox._catalog import DOC_TYPES

    core = SPEC.document_types
    assert {k: (v.key, v.type, v.family) for k, v in core.items()} == {
        k: (v.key, v.type, v.family) for k, v in DOC_TYPES.items()
    }
    # The client's namespaces are generated from the spec: one per document type.
    assert set(core) <= set(RESOURCES)


def test_every_change_state_operation_has_a_typed_machine_with_all_states_reachable() -> None:
    machines = SPEC.machines
    assert len(machines) == 14
    for name, machine in machines.items():
        assert machine.reachable() == set(machine.states), name
        assert machine.errors["invalid_transition"].status == 422


def test_the_shortest_path_is_shortest() -> None:
    invoices = SPEC.machines["invoices"]
    steps = invoices.path("canceled")
    assert steps is not None
    assert [t.event for t in steps] == ["finalized", "canceled"]
    assert steps[-1].requires == ("message",)
    assert invoices.path("draft") == []
    assert invoices.path("no-such-state") is None


def test_enums_and_documented_messages_are_addressable() -> None:
    assert "Portugal" in SPEC.enums["Country"]
    assert "Document should have at least one item" in SPEC.error_catalogue["createInvoice"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (["fiscal_id", "is invalid"], [ErrorMessage("is invalid", field="fiscal_id")]),
        ({"errors": {"code": "003", "message": "x y"}}, [ErrorMessage("x y", code="003")]),
        ({"base": ["Tax region is empty"]}, [ErrorMessage("Tax region is empty")]),
        ({"errors": {"email": ["is invalid"]}}, [ErrorMessage("is invalid", field="email")]),
    ],
)
def test_error_bodies_yield_raw_messages(body: object, expected: list[ErrorMessage]) -> None:
    assert parse_error_body(body) == expected
