"""Every operation called with its documented example on existing resources: the documented
success status (and the async 202 -> 200 of PDF, QR code and SAF-T), schema-checked by the
client. This is what makes "100% of operations" true against the sandbox."""

from __future__ import annotations

import time
from typing import Any

import pytest

from invoicexpress_core.spec import load_spec

from ._client import ContractClient
from ._inputs import root_key
from ._world import World, example_request

SPEC = load_spec()
ASYNC = {"generatePdf", "getQrCode", "exportSaft"}
POLL_WAITS = (0.5, 1, 2, 4, 8)  # seconds between polls of an answer still in progress (202)


def _success(op_id: str) -> list[int]:
    return [c for c in SPEC.operations[op_id].status_codes if 200 <= c < 300]


def _prepare(
    api: ContractClient, world: World, op_id: str
) -> tuple[dict[str, Any], Any, dict[str, Any]]:
    op = SPEC.operations[op_id]
    body = example_request(SPEC, op)
    query: dict[str, Any] = {}
    for raw in op.raw.get("parameters", []):
        p = SPEC.resolve(raw)
        if p.get("in") == "query" and p.get("required"):
            query[p["name"]] = p.get("example") or (p.get("schema") or {}).get("example") or "1"
    if op.family and op_id.startswith(("create", "update")):
        body = world.document_body(op.document_type or "invoices")
    params = world.params_for(op)
    key = root_key(SPEC, op)
    if isinstance(body, dict) and key and isinstance(body.get(key), dict):
        root = body[key]
        # names and codes the server keeps unique (a client's code since documents find
        # their client by it) are the run's own
        for field, stem in (("name", "n"), ("code", "c"), ("serie", "S"), ("email", "e")):
            if field == "code" and "Client" not in op_id:
                continue  # a tax's `code` is an enum (NOR, RED...), not an identifier
            if field in root and op_id in {
                "createClient",
                "createItem",
                "createTax",
                "updateClient",
                "updateItem",
                "updateTax",
                "createAccount",
            }:
                root[field] = (
                    f"{world.unique(stem)}@example.com"
                    if field == "email"
                    else world.unique(stem)[-20 if "Tax" in op_id or field == "code" else -100 :]
                )  # clients and items keep the whole marker (live clean-up finds them by it)
        if op_id in ("createTax", "updateTax"):
            root["default_tax"] = 0  # the account's default tax is not ours to change
        if op_id == "createSequence":
            root["serie"] = world.series_name("X")
    if op_id == "findClientByName":
        query["client_name"] = _client_name(api, world)
    if op_id == "findClientByCode":
        query["client_code"] = _client_code(api, world)
    if op_id == "createAccountForExistingUser":
        email, password = world.existing_user()
        body["account"].update(email=email, password=password)
    if op_id == "createPartialPayment":
        inv = api.call("getInvoice", {"document-id": params["document-id"]}).json()["invoice"]
        body["partial_payment"].update(
            amount=inv["total"], payment_date=inv["date"], note=api.target.worker_marker
        )
    return params, body, query


def _client_name(api: ContractClient, world: World) -> str:
    cid = world.client_id()
    return str(api.call("getClient", {"client-id": cid}).json()["client"]["name"])


def _client_code(api: ContractClient, world: World) -> str:
    cid = world.client_id()
    return str(api.call("getClient", {"client-id": cid}).json()["client"]["code"])


@pytest.mark.parametrize("operation_id", sorted(SPEC.operations))
def test_operation_answers_its_documented_success(
    api: ContractClient, world: World, operation_id: str
) -> None:
    op = SPEC.operations[operation_id]
    if op.operation_id.startswith("email") and not api.target.send_email:
        pytest.skip("would send real e-mail; pass --send-email")
    if api.target.live and operation_id in {
        "createAccount",
        "createAccountForExistingUser",
        "updateAccount",
        "configureAtCommunication",
        "registerSequence",
        "setCurrentSequence",
        "createSequence",
    }:
        pytest.skip("changes account-wide settings; never on a live account")
    params, body, query = _prepare(api, world, operation_id)
    if operation_id == "exportSaft":
        world.final_invoice()
        inv_date = api.call("listInvoices").json()["invoices"][0]["date"]
        query.update(month=inv_date[3:5], year=inv_date[6:10])
    key = world.key_for(params)
    response = api.call(operation_id, params, query=query, json=body, key=key)
    if operation_id == "registerSequence":
        _registered_either_way(api, params, response)
        return
    expected = _success(operation_id)
    assert response.status_code in expected, (
        f"[{operation_id}] expected one of {expected}, got {api.describe(response)}"
    )
    if operation_id in ASYNC:
        for wait in POLL_WAITS:  # a real server takes seconds to render; the bound is theirs
            if response.status_code != 202:
                break
            time.sleep(wait)
            response = api.call(operation_id, params, query=query, json=body, key=key)
        assert response.status_code == 200, (
            f"[{operation_id}] still not ready after {sum(POLL_WAITS)} s of polling: "
            f"{api.describe(response)}"
        )


def _registered_either_way(api: ContractClient, params: dict[str, Any], response: Any) -> None:
    """A new series is registered at once (then: 409/005 "all registered") or pending (then:
    200 registers it). Either way a second request finds nothing left to register."""
    first = response.status_code
    assert first in (200, 409), (
        f"[registerSequence] expected 200 or 409, got {api.describe(response)}"
    )
    if first == 409:
        code = (response.json().get("errors") or {}).get("code")
        assert code in ("005", "008"), (
            f"[registerSequence] 409 for a new series must say it is registered (005) or being "
            f"registered (008), got {api.describe(response)}"
        )
    again = api.call("registerSequence", params)
    assert again.status_code == 409, (
        f"[registerSequence] after {first}, a second registration expected 409, got "
        f"{api.describe(again)}"
    )
