"""Every operation of the spec is reachable from a resource namespace."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
import respx

from invoicexpress.testing import spec_example as example
from invoicexpress_client.api import OPERATIONS
from invoicexpress_core.exchange import Exchange
from invoicexpress_core.spec import load_spec


def _snake(name: str) -> str:
    out = "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
    return out.lstrip("_")


def test_the_generated_registry_is_the_spec() -> None:
    assert set(OPERATIONS) == {_snake(op.operation_id) for op in load_spec()}


def test_every_operation_has_a_namespace_method(make_client: Any) -> None:
    ix = make_client()
    reached = ix.operations()
    missing = sorted(set(OPERATIONS) - set(reached))
    assert missing == []
    for target in reached.values():
        namespace, method = target.split(".")
        assert callable(getattr(getattr(ix, namespace), method))


def test_each_document_type_is_a_namespace_with_exactly_its_operations(make_client: Any) -> None:
    ix = make_client()
    by_type: dict[str, set[str]] = {}
    for op in load_spec():
        segment = op.raw.get("x-document-type")
        if segment:
            by_type.setdefault(segment, set()).add(_snake(op.operation_id))
    assert by_type
    for segment, ops in by_type.items():
        own = set(getattr(ix, segment).operations())
        assert ops <= own, segment
        assert own - ops <= {
            "list_invoices",
            "list_estimates",
            "list_guides",
            "list_purchase_orders",
        }


@pytest.mark.parametrize(
    ("namespace", "method"),
    [("clients", "delete"), ("invoices", "cancel"), ("receipts", "create"), ("quotes", "iter_all")],
)
def test_a_method_that_is_not_an_operation_does_not_exist(
    make_client: Any, namespace: str, method: str
) -> None:
    assert not hasattr(getattr(make_client(), namespace), method)


def test_change_state_sends_the_types_root_key(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    route = mock_api.put("/quotes/5/change-state.json").mock(
        return_value=httpx.Response(200, json=example("changeQuoteState", 200))
    )
    make_client().quotes.change_state(5, "accepted")
    assert json.loads(route.calls[0].request.content) == {"quote": {"state": "accepted"}}


def test_create_wraps_in_the_root_key_and_writes_dates_and_flags_for_the_wire(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    route = mock_api.post("/invoice_receipts.json").mock(
        return_value=httpx.Response(201, json=example("createInvoiceReceipt", 201))
    )
    ix = make_client()
    ix.invoice_receipts.create({"date": dt.date(2026, 1, 1), "mb_reference": True})
    assert json.loads(route.calls[0].request.content) == {
        "invoice_receipt": {"date": "01/01/2026", "mb_reference": "1"}
    }


def test_operation_ids_round_trip_to_the_spec() -> None:
    from invoicexpress._client import operation_id

    spec_ids = {op.operation_id for op in load_spec()}
    assert {operation_id(name) for name in OPERATIONS} == spec_ids


def test_call_runs_any_operation_and_recordings_name_it(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    recorded: list[Exchange] = []
    route = mock_api.get("/clients/find-by-code.json").mock(
        return_value=httpx.Response(200, json=example("findClientByCode", 200))
    )
    got = make_client(on_exchange=recorded.append).call(
        "find_client_by_code", query={"client_code": "C001"}
    )
    assert got == example("findClientByCode", 200)
    assert route.calls[0].request.url.params["client_code"] == "C001"
    assert [e.operation_id for e in recorded] == ["findClientByCode"]


def test_proprietary_uid_is_refused_where_the_spec_has_no_such_field(make_client: Any) -> None:
    with pytest.raises(TypeError, match="proprietary_uid"):
        make_client().quotes.create({}, proprietary_uid="x")
