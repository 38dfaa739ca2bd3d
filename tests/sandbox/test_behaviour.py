"""Documented behaviour: upserts, PUT replaces, links, payments, async jobs, lists, resources."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from invoicexpress_sandbox._catalog import DOC_TYPES
from invoicexpress_sandbox.testdata import (
    SPEC,
    change_state,
    create_document,
    date_in,
    document_fields,
    iso_date_in,
    make_receipt,
    response_errors,
)
from invoicexpress_sandbox.testing import RunningSandbox

INVOICES = DOC_TYPES["invoices"]


def _finalised(api: httpx.Client, segment: str = "invoices", **fields: Any) -> dict[str, Any]:
    doc = create_document(api, segment, **fields)
    r = change_state(api, segment, doc["id"], "finalized", None)
    assert r.status_code == 200, r.text
    final: dict[str, Any] = r.json()[DOC_TYPES[segment].key]
    return final


def test_document_client_is_created_once_and_existing_name_ignores_other_fields(
    api: httpx.Client,
) -> None:
    create_document(api, "invoices", client={"name": "Ana", "code": "A1", "city": "Porto"})
    create_document(api, "invoices", client={"name": "Ana", "code": "ZZ", "city": "Faro"})
    clients = api.get("/clients.json").json()["clients"]
    assert [(c["name"], c["code"], c["city"]) for c in clients] == [("Ana", "A1", "Porto")]


def test_document_items_are_created_then_updated_with_the_sent_values(api: httpx.Client) -> None:
    line = {"name": "Hora", "description": "v1", "unit_price": "10", "quantity": "1"}
    create_document(api, "invoices", items=[line])
    create_document(api, "invoices", items=[dict(line, description="v2", unit_price="12.5")])
    items = api.get("/items.json").json()["items"]
    assert [(i["name"], i["description"], i["unit_price"]) for i in items] == [
        ("Hora", "v2", "12.5")
    ]


def test_put_replaces_the_items(api: httpx.Client) -> None:
    two = [{"name": n, "description": "x", "unit_price": "1", "quantity": "1"} for n in "AB"]
    doc = create_document(api, "invoices", items=two)
    r = api.put(
        f"/invoices/{doc['id']}.json", json={"invoice": document_fields(INVOICES, items=two[:1])}
    )
    assert r.status_code == 200
    assert [
        i["name"] for i in api.get(f"/invoices/{doc['id']}.json").json()["invoice"]["items"]
    ] == ["A"]


def test_generic_root_key_is_accepted_and_answer_uses_the_type_key(api: httpx.Client) -> None:
    r = api.post("/credit_notes.json", json={"invoice": document_fields(INVOICES)})
    assert r.status_code == 201, r.text
    assert set(r.json()) == {"credit_note"}
    assert r.json()["credit_note"]["type"] == "CreditNote"


def test_proprietary_uid_duplicate_is_409_with_reason(api: httpx.Client) -> None:
    body = {"invoice": document_fields(INVOICES), "proprietary_uid": "uid-1"}
    assert api.post("/invoices.json", json=body).status_code == 201
    r = api.post("/invoices.json", json=body)
    assert r.status_code == 409
    assert r.json() == {
        "reason": "There's an ongoing document creation with the provided UID uid-1"
    }


def test_credit_note_links_to_its_owner_invoice_both_ways(api: httpx.Client) -> None:
    invoice = _finalised(api)
    note = create_document(api, "credit_notes", owner_invoice_id=invoice["id"])
    assert note["owner_invoice_id"] == invoice["id"]
    related = api.get(f"/document/{invoice['id']}/related_documents.json").json()["documents"]
    assert [d["id"] for d in related] == [note["id"]]
    back = api.get(f"/document/{note['id']}/related_documents.json").json()["documents"]
    assert [d["id"] for d in back] == [invoice["id"]]


def test_payments_make_receipts_settle_and_a_cancelled_receipt_reopens(api: httpx.Client) -> None:
    invoice = _finalised(api)  # total 30
    url = f"/documents/{invoice['id']}/partial_payments.json"
    first = api.post(url, json={"partial_payment": {"amount": 10, "payment_mechanism": "MB"}})
    assert first.status_code == 201
    receipt = first.json()["receipt"]
    assert (receipt["type"], receipt["status"], receipt["total"]) == ("Receipt", "final", 10)
    assert api.get(f"/invoices/{invoice['id']}.json").json()["invoice"]["status"] == "final"
    second = api.post(url, json={"partial_payment": {"amount": 20, "payment_mechanism": "TB"}})
    assert second.status_code == 201
    assert api.get(f"/invoices/{invoice['id']}.json").json()["invoice"]["status"] == "settled"
    r = api.put(
        f"/receipts/{receipt['id']}/change-state.json",
        json={"receipt": {"state": "canceled", "message": "Engano"}},
    )
    assert r.status_code == 200
    assert api.get(f"/invoices/{invoice['id']}.json").json()["invoice"]["status"] == "final"
    assert api.get(f"/receipts/{receipt['id']}.json").json()["receipt"]["status"] == "canceled"
    receipts = api.get("/receipts.json").json()["receipts"]
    assert len(receipts) == 2


def test_finalising_a_date_before_the_series_last_final_document_is_refused(
    api: httpx.Client,
) -> None:
    _finalised(api, date=date_in(9), due_date=date_in(9))
    earlier = create_document(api, "invoices", date=date_in(0), due_date=date_in(0))
    r = change_state(api, "invoices", earlier["id"], "finalized", None)
    assert r.status_code == 422
    assert api.get(f"/invoices/{earlier['id']}.json").json()["invoice"]["status"] == "draft"


def test_numbering_is_per_series_and_document_type(api: httpx.Client) -> None:
    assert _finalised(api)["sequence_number"].startswith("1/")
    assert _finalised(api, "invoice_receipts")["sequence_number"].startswith("1/")
    assert _finalised(api)["sequence_number"].startswith("2/")
    seq = api.post("/sequences.json", json={"sequence": {"serie": "B"}}).json()["sequence"]
    other = _finalised(api, sequence_id=seq["current_invoice_sequence_id"])
    assert other["sequence_number"] == "1/B"
    assert other["atcud"] == f"{seq['current_invoice_validation_code']}-1"


def test_unregistered_series_gives_atcud_nd_until_registered(
    sb: RunningSandbox, api: httpx.Client
) -> None:
    other = sb.admin.post("/_sandbox/accounts", json={"name": "semat", "at_configured": False})
    with sb.client(params={"api_key": other.json()["api_key"]}) as theirs:
        seq = theirs.post("/sequences.json", json={"sequence": {"serie": "C"}}).json()["sequence"]
        assert seq["current_invoice_validation_code"] == "N/D"
        doc = _finalised(theirs, sequence_id=seq["current_invoice_sequence_id"])
        assert doc["atcud"] == "N/D"
        assert theirs.put(f"/sequences/{seq['id']}/register.json").status_code == 422
        theirs.post(
            "/api/v3/accounts/at_communication.json",
            json={
                "at_communication": {
                    "at_subuser": "508000000/1",
                    "at_password": "c2VncmVkbw==",
                    "communication_type": "auto",
                }
            },
        )
        r = theirs.put(f"/sequences/{seq['id']}/register.json")
        assert r.status_code == 200, r.text
        registered = next(s for s in r.json()["sequences"] if s["id"] == seq["id"])
        assert registered["current_invoice_validation_code"] not in ("N/D", "N/A")
        assert theirs.put(f"/sequences/{seq['id']}/register.json").status_code == 409


def test_set_current_sequence_changes_the_default(api: httpx.Client) -> None:
    seq = api.post("/sequences.json", json={"sequence": {"serie": "D"}}).json()["sequence"]
    assert api.put(f"/sequences/{seq['id']}/set_current.json").status_code == 200
    assert _finalised(api)["sequence_number"] == "1/D"
    assert api.put("/sequences/999/set_current.json").json()["errors"]["code"] == "006"


@pytest.mark.parametrize("segment", ["invoices", "quotes", "shippings"])
def test_pdf_is_202_then_200_and_406_for_deleted(api: httpx.Client, segment: str) -> None:
    doc = create_document(api, segment)
    first = api.get(f"/api/pdf/{doc['id']}.json")
    assert first.status_code == 202
    second = api.get(f"/api/pdf/{doc['id']}.json")
    assert second.status_code == 200
    pdf = httpx.get(second.json()["output"]["pdfUrl"])
    assert pdf.content.startswith(b"%PDF")
    change_state(api, segment, doc["id"], "deleted", None)
    assert api.get(f"/api/pdf/{doc['id']}.json").status_code == 406
    assert api.get("/api/pdf/99999.json").status_code == 404


def test_qr_code_is_422_for_drafts_then_202_then_200(api: httpx.Client) -> None:
    doc = create_document(api, "invoices")
    r = api.get(f"/api/qr_codes/{doc['id']}.json")
    assert r.status_code == 422
    assert "still in draft" in r.json()["error"]
    change_state(api, "invoices", doc["id"], "finalized", None)
    assert api.get(f"/api/qr_codes/{doc['id']}.json").json() == {
        "qr_code": {"status": "In progress"}
    }
    assert "url" in api.get(f"/api/qr_codes/{doc['id']}.json").json()["qr_code"]
    assert api.get("/api/qr_codes/99999.json").status_code == 404


def test_saft_export_is_202_then_200_and_accepts_years(api: httpx.Client) -> None:
    final = _finalised(api)
    _, month, year = final["date"].split("/")  # the month of the document just finalised
    params = {"month": str(int(month)), "years": year}
    assert api.get("/api/export_saft.json", params=params).status_code == 202
    r = api.get("/api/export_saft.json", params=params)
    assert r.status_code == 200
    assert r.json()["url"].endswith(".xml")


def test_email_goes_to_the_outbox_and_save_stores_the_address(
    sb: RunningSandbox, api: httpx.Client
) -> None:
    doc = _finalised(api)
    r = api.put(
        f"/invoices/{doc['id']}/email-document.json",
        json={
            "message": {
                "client": {"email": "novo@example.com", "save": "1"},
                "subject": "Fatura",
                "cc": "a@example.com, b@example.com",
            }
        },
    )
    assert r.status_code == 200
    [mail] = sb.outbox()
    assert (mail["to"], mail["subject"], mail["cc"]) == (
        "novo@example.com",
        "Fatura",
        ["a@example.com", "b@example.com"],
    )
    client = api.get(f"/clients/{doc['client']['id']}.json").json()["client"]
    assert client["email"] == "novo@example.com"


def test_list_filters_and_pagination(api: httpx.Client) -> None:
    for day in (0, 1, 2):
        _finalised(api, date=date_in(day), due_date=date_in(day), reference=f"R{day}")
    create_document(api, "invoice_receipts", date=date_in(3), due_date=date_in(3))
    create_document(api, "quotes")

    def ids(**params: Any) -> list[int]:
        body = api.get("/invoices.json", params=params).json()
        return [d["id"] for d in body["invoices"]]

    assert len(ids()) == 4
    assert len(ids(**{"type[]": "Invoice"})) == 3
    assert len(ids(**{"status[]": "sent"})) == 3
    assert len(ids(**{"status[]": "draft"})) == 1
    assert len(ids(**{"date[from]": date_in(1), "date[to]": date_in(2)})) == 2
    assert len(ids(reference="R1")) == 1
    assert len(ids(text="Cliente Exemplo")) == 4
    assert len(ids(**{"total_before_taxes[from]": "100"})) == 0
    page = api.get("/invoices.json", params={"per_page": 3, "page": 2}).json()
    assert page["pagination"] == {
        "total_entries": 4,
        "per_page": 3,
        "current_page": 2,
        "total_pages": 2,
    }
    assert len(page["invoices"]) == 1
    assert len(api.get("/estimates.json").json()["estimates"]) == 1
    assert api.get("/guides.json").json()["guides"] == []
    assert len(api.get("/invoice_receipts.json").json()["invoice_receipts"]) == 1


def test_find_client_by_name_and_code_and_client_invoices(api: httpx.Client) -> None:
    doc = _finalised(api)
    create_document(api, "invoices")
    by_name = api.get("/clients/find-by-name.json", params={"client_name": "Cliente Exemplo"})
    by_code = api.get("/clients/find-by-code.json", params={"client_code": "C001"})
    assert by_name.json() == by_code.json()
    assert (
        api.get("/clients/find-by-name.json", params={"client_name": "Cliente"}).status_code == 404
    )
    client_id = by_name.json()["client"]["id"]
    r = api.post(f"/clients/{client_id}/invoices.json", json={"filter": {"status": ["sent"]}})
    assert [d["id"] for d in r.json()["invoices"]] == [doc["id"]]
    assert len(api.post(f"/clients/{client_id}/invoices.json").json()["invoices"]) == 2


def test_treasury_balance_follows_documents_and_movements(api: httpx.Client) -> None:
    doc = _finalised(api)
    client_id = doc["client"]["id"]
    base = f"/api/v3/clients/{client_id}"
    assert api.get(f"{base}/balance.json").json()["balance"]["with_vat"] == 30
    r = api.post(
        f"{base}/regularization.json", json={"regularization": {"value": 5, "date": iso_date_in(2)}}
    )
    assert r.status_code == 201
    assert r.json()["regularization"][0]["number"] == "NR00000001"
    assert api.get(f"{base}/balance.json").json()["balance"]["with_vat"] == 25
    opened = iso_date_in(-300)  # read once: the run may cross midnight
    r = api.put(
        f"{base}/initial_balance.json", json={"initial_balance": {"value": 100, "date": opened}}
    )
    assert r.status_code == 200
    balance = api.get(f"{base}/balance.json").json()
    assert balance["initial_balance"]["created_at"] == opened
    assert balance["balance"]["with_vat"] == 125
    reg_id = api.get(f"{base}/regularization.json").json()["regularization"][0]["id"]
    assert api.delete(f"{base}/regularization/{reg_id}.json").status_code == 200
    assert api.get("/api/v3/clients/999/balance.json").json() == {
        "errors": [{"error": "Client not found"}]
    }


def test_accounts_create_get_update(api: httpx.Client, sb: RunningSandbox) -> None:
    r = api.post(
        "/api/accounts/create.json",
        json={
            "account": {
                "organization_name": "Nova Empresa",
                "email": "nova@example.com",
                "password": "x",
                "terms": "1",
            }
        },
    )
    assert r.status_code == 201, r.text
    new = r.json()["account"]
    with sb.client(params={"api_key": new["api_key"]}) as theirs:
        me = theirs.get(f"/api/accounts/{new['id']}/get.json")
        assert me.json()["account"]["organization_name"] == "Nova Empresa"
        assert theirs.get("/api/accounts/1/get.json").status_code == 404
        assert (
            theirs.put(
                f"/api/accounts/{new['id']}/update.json", json={"account": {"city": "Braga"}}
            ).status_code
            == 200
        )


def test_guide_loaded_at_cannot_be_in_the_past_by_the_sandbox_clock(
    sb: RunningSandbox,
    api: httpx.Client,
) -> None:
    body = {"shipping": document_fields(DOC_TYPES["shippings"])}
    assert api.post("/shippings.json", json=body).status_code == 201
    sb.admin.post("/_sandbox/clock", json={"advance_days": 30})
    assert api.post("/shippings.json", json=body).status_code == 422


def test_get_responses_conform_to_the_spec(api: httpx.Client) -> None:
    doc = _finalised(api)
    make_receipt(api)
    for op_id, path in (
        ("getInvoice", f"/invoices/{doc['id']}.json"),
        ("listInvoices", "/invoices.json"),
        ("listSequences", "/sequences.json"),
        ("listTaxes", "/taxes.json"),
        ("listItems", "/items.json"),
        ("listClients", "/clients.json"),
        ("listReceipts", "/receipts.json"),
    ):
        r = api.get(path)
        assert response_errors(SPEC.operations[op_id], r.status_code, r.json()) == []


def test_a_series_made_before_at_credentials_waits_for_registration(
    sb: RunningSandbox,
) -> None:
    """createSequence 409 (code 006) and setCurrentSequence 422 (code 003) of the spec."""
    made = sb.admin.post("/_sandbox/accounts", json={"name": "pending", "at_configured": False})
    key = made.json()["api_key"]
    with httpx.Client(base_url=sb.base_url, params={"api_key": key}) as api:
        seq = api.post("/sequences.json", json={"sequence": {"serie": "P1"}})
        assert seq.status_code == 201, seq.text
        seq_id = seq.json()["sequence"]["id"]
        assert api.put(f"/sequences/{seq_id}/set_current.json").status_code == 200
        at = {
            "at_subuser": "999999990/1",
            "at_password": "c2VncmVkbw==",
            "communication_type": "auto",
        }
        assert (
            api.post(
                "/api/v3/accounts/at_communication.json", json={"at_communication": at}
            ).status_code
            == 200
        )
        pending = api.put(f"/sequences/{seq_id}/set_current.json")
        assert pending.status_code == 422, pending.text
        assert pending.json()["errors"]["code"] == "003"
        again = api.post("/sequences.json", json={"sequence": {"serie": "P1"}})
        assert again.status_code == 409, again.text
        assert again.json()["errors"]["code"] == "006"
        assert api.put(f"/sequences/{seq_id}/register.json").status_code == 200
        assert api.put(f"/sequences/{seq_id}/set_current.json").status_code == 200
        taken = api.post("/sequences.json", json={"sequence": {"serie": "P1"}})
        assert taken.status_code == 422
        assert taken.json()["errors"]["code"] == "002"
