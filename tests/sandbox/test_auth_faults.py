"""Auth, the per-account rate limit, fault switches and known live quirks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from invoicexpress_sandbox import QUIRKS
from invoicexpress_sandbox._catalog import DOC_TYPES
from invoicexpress_sandbox.testdata import (
    change_state,
    create_document,
    document_fields,
    iso_date_in,
    make_receipt,
)
from invoicexpress_sandbox.testing import RunningSandbox, running_sandbox


@pytest.mark.parametrize("params", [{}, {"api_key": ""}, {"api_key": "wrong"}])
def test_missing_or_wrong_key_is_401_with_the_real_body(
    sb: RunningSandbox, params: dict[str, str]
) -> None:
    with httpx.Client(base_url=sb.base_url) as raw:
        r = raw.get("/invoices.json", params=params)
    assert r.status_code == 401
    assert r.json() == {"errors": {"error": "Invalid API key"}}


def test_keys_are_per_account(sb: RunningSandbox, api: httpx.Client) -> None:
    other = sb.admin.post("/_sandbox/accounts", json={"name": "outra"}).json()
    create_document(api, "invoices")
    with sb.client(params={"api_key": other["api_key"]}) as theirs:
        assert theirs.get("/invoices.json").json()["invoices"] == []
        assert theirs.get("/invoices/1.json").status_code == 404


def test_rate_limit_is_per_account_with_retry_after() -> None:
    with running_sandbox(rate_limit=3) as sb, sb.client() as api:
        statuses = [api.get("/taxes.json").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        r = api.get("/taxes.json")
        assert r.status_code == 429
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert r.json() == {"errors": {"error": "Too many requests, slow down."}}
        other = sb.admin.post("/_sandbox/accounts", json={"name": "outra"}).json()
        with sb.client(params={"api_key": other["api_key"]}) as theirs:
            assert theirs.get("/taxes.json").status_code == 200
        sb.admin.put("/_sandbox/rate-limit", json={"per_minute": None})
        assert api.get("/taxes.json").status_code == 200


def _invoice_body() -> dict[str, Any]:
    return {"invoice": document_fields(DOC_TYPES["invoices"])}


def _fault_effect(api: httpx.Client, fault: str) -> bool:
    """True when the response shows the fault's breakage."""
    if fault == "skip_auth":
        with httpx.Client(base_url=str(api.base_url)) as raw:
            return raw.get("/taxes.json").status_code == 200
    if fault == "allow_forbidden_transition":  # a document's move, and a receipt's
        doc = create_document(api, "invoices")
        receipt = make_receipt(api)
        cancel = {"receipt": {"state": "canceled", "message": "twice"}}
        for _ in range(2):  # the second cancel is from `canceled`: no such move
            again = api.put(f"/receipts/{receipt['id']}/change-state.json", json=cancel)
        moved = change_state(api, "invoices", doc["id"], "settled", None).status_code == 200
        return moved and again.status_code == 200
    body = _invoice_body()
    r = api.post("/invoices.json", json=body)
    doc = (
        r.json().get("invoice", {})
        if "json" in r.headers.get("content-type", "") or (fault == "wrong_content_type")
        else {}
    )
    checks = {
        "rename_field": "sequence_num" in doc and "sequence_number" not in doc,
        "wrong_type": isinstance(doc.get("total"), str),
        "drop_required": "id" not in doc,
        "wrong_status": r.status_code == 200,
        "totals_off_by_cent": doc.get("total") == 30.01,
        "iso_dates": doc.get("date")
        == dt.datetime.strptime(body["invoice"]["date"], "%d/%m/%Y").date().isoformat(),
        "enum_changed": doc.get("status") == "DRAFT",
        "wrong_content_type": r.headers["content-type"].startswith("text/html"),
    }
    return checks[fault]


# The first faults, each checked here on one create; the whole catalogue is proven against the
# contract suites by tests/contract/test_proof_of_power.py.
SWITCH_CHECKED = (
    "skip_auth", "allow_forbidden_transition", "rename_field", "wrong_type", "drop_required",
    "wrong_status", "totals_off_by_cent", "iso_dates", "enum_changed", "wrong_content_type",
)  # fmt: skip


@pytest.mark.parametrize("fault", SWITCH_CHECKED)
def test_each_fault_breaks_its_promise_and_only_while_on(
    sb: RunningSandbox, api: httpx.Client, fault: str
) -> None:
    assert not _fault_effect(api, fault)
    sb.set_faults(fault)
    try:
        assert _fault_effect(api, fault)
    finally:
        sb.set_faults()
    assert not _fault_effect(api, fault)


def test_faults_from_the_command_line_switch() -> None:
    with running_sandbox(faults=["wrong_status"]) as sb, sb.client() as api:
        assert api.post("/invoices.json", json=_invoice_body()).status_code == 200
        assert sb.admin.get("/_sandbox/faults").json()["faults"] == ["wrong_status"]


def test_quirk_guide_update_500(sb: RunningSandbox, api: httpx.Client) -> None:
    guide = create_document(api, "shippings")
    body = {"shipping": document_fields(DOC_TYPES["shippings"], reference="R2")}
    sb.admin.put("/_sandbox/faults", json={"quirks": ["guide_update_500"]})
    assert api.put(f"/shippings/{guide['id']}.json", json=body).status_code == 500
    sb.set_faults()
    assert api.put(f"/shippings/{guide['id']}.json", json=body).status_code == 200


def test_quirk_treasury_delete_500_is_applied_then_404(
    sb: RunningSandbox, api: httpx.Client
) -> None:
    client_id = api.post("/clients.json", json={"client": {"name": "T", "code": "T"}}).json()[
        "client"
    ]["id"]
    mov = api.post(
        f"/api/v3/clients/{client_id}/treasury_movements.json",
        json={
            "treasury_movement": {"value": 5, "movement_type": "Payment", "date": iso_date_in(-1)}
        },
    )
    assert mov.status_code == 201, mov.text
    mov_id = mov.json()["treasury_movement"]["id"]
    url = f"/api/v3/clients/{client_id}/treasury_movements/{mov_id}.json"
    sb.admin.put("/_sandbox/faults", json={"quirks": ["treasury_delete_500"]})
    assert api.delete(url).status_code == 500
    assert api.delete(url).status_code == 404


def test_quirk_tax_numeric_value_500(sb: RunningSandbox, api: httpx.Client) -> None:
    body = {"tax": {"name": "IVA5", "value": 5, "region": "PT"}}
    assert api.post("/taxes.json", json=body).status_code == 422
    sb.admin.put("/_sandbox/faults", json={"quirks": ["tax_numeric_value_500"]})
    assert api.post("/taxes.json", json=body).status_code == 500


def test_unknown_switch_names_are_refused(sb: RunningSandbox) -> None:
    r = sb.admin.put("/_sandbox/faults", json={"faults": ["nope"]})
    assert r.status_code == 422
    assert set(sb.admin.get("/_sandbox/faults").json()["available_quirks"]) == set(QUIRKS)
