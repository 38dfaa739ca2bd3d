"""Requests the live API accepted are accepted here too, and behave (issue 17): a numeric
`serie`, `"default_tax":"1"`, an item tax sent as `{name, value}`, an update that echoes what
a GET returned, `preferred_contact.mobile`, an `email` in a guide's address; the document
client is found by its unique `code`, as api-docs 001 says; and a Portuguese account reads the
Portuguese wordings recorded live."""

from __future__ import annotations

from typing import Any

import httpx

from invoicexpress_sandbox._catalog import DOC_TYPES
from invoicexpress_sandbox.testdata import SPEC, create_document, document_fields, response_errors
from invoicexpress_sandbox.testing import RunningSandbox


def test_a_numeric_serie_is_read_as_its_digits(api: httpx.Client) -> None:
    r = api.post("/sequences.json", json={"sequence": {"serie": 77}})
    assert r.status_code == 201, r.text
    assert r.json()["sequence"]["serie"] == "77"
    again = api.post("/sequences.json", json={"sequence": {"serie": "77"}})
    assert again.status_code == 422  # the same series, whichever way it was written


def test_default_tax_as_a_string_makes_the_tax_the_default(api: httpx.Client) -> None:
    body = {"tax": {"name": "IVA9", "value": "9.0", "region": "PT", "default_tax": "1"}}
    r = api.post("/taxes.json", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["tax"]["default_tax"] == 1
    taxes = api.get("/taxes.json").json()["taxes"]
    assert [t["name"] for t in taxes if t["default_tax"] == 1] == ["IVA9"]
    for wrong in ("2", 2, True):  # only the evidenced forms: 0/1 and "0"/"1"
        refused = api.post(
            "/taxes.json", json={"tax": {**body["tax"], "name": "Y", "default_tax": wrong}}
        )
        assert refused.status_code == 422, wrong


def test_an_item_tax_is_found_by_name_and_its_value_is_ignored(api: httpx.Client) -> None:
    item = dict(document_fields(DOC_TYPES["invoices"])["items"][0])
    item["tax"] = {"name": "IVA23", "value": "6.0"}
    doc = create_document(api, "invoices", items=[item])
    line = doc["items"][0]
    assert line["tax"]["name"] == "IVA23"
    assert (line["tax_amount"], doc["total"]) == (5.61, 30)  # 23 %, not the 6 % sent


def test_an_update_that_echoes_a_read_document_is_accepted_and_ignores_read_only_fields(
    api: httpx.Client,
) -> None:
    doc = create_document(api, "invoices")
    fields = document_fields(DOC_TYPES["invoices"])
    echo: dict[str, Any] = {
        **fields,
        **{k: doc[k] for k in ("id", "status", "sequence_number", "sum", "taxes", "total")},
        "currency": "Dollar",
        "client": {**fields["client"], "id": doc["client"]["id"]},
        "items": [{**fields["items"][0], **dict.fromkeys(("subtotal", "total", "id"), 999)}],
    }
    echo["status"] = "settled"
    r = api.put(f"/invoices/{doc['id']}.json", json={"invoice": echo})
    assert r.status_code == 200, r.text
    after = api.get(f"/invoices/{doc['id']}.json").json()["invoice"]
    assert (after["status"], after["currency"], after["total"]) == ("draft", "Euro", 30)
    assert after["items"][0]["subtotal"] == 24.39
    unknown = api.put(f"/invoices/{doc['id']}.json", json={"invoice": {**echo, "colour": "red"}})
    assert unknown.status_code == 422  # what no GET returns is still an unknown field


def test_a_preferred_contact_mobile_is_kept(api: httpx.Client) -> None:
    contact = {"name": "Ana", "email": "ana@example.com", "phone": "", "mobile": "912000000"}
    r = api.post("/clients.json", json={"client": {"name": "Móvel", "code": "MOB1",
                                                   "preferred_contact": contact}})  # fmt: skip
    assert r.status_code == 201, r.text
    got = api.get(f"/clients/{r.json()['client']['id']}.json").json()
    assert got["client"]["preferred_contact"]["mobile"] == "912000000"
    assert response_errors(SPEC.operations["getClient"], 200, got) == []


def test_an_email_in_a_guide_address_is_accepted_and_kept(api: httpx.Client) -> None:
    fields = document_fields(DOC_TYPES["shippings"])
    fields["address_to"] = {**fields["address_to"], "email": "armazem@example.com"}
    doc = create_document(api, "shippings", **fields)
    assert doc["address_to"]["email"] == "armazem@example.com"
    assert "email" not in doc["address_from"]


def test_the_document_client_is_found_by_code_and_its_other_fields_are_ignored(
    api: httpx.Client,
) -> None:
    made = api.post("/clients.json", json={"client": {"name": "Loja Norte", "code": "LN1"}})
    assert made.status_code == 201, made.text
    client_id = int(made.json()["client"]["id"])
    doc = create_document(
        api, "invoices", client={"name": "Outro nome", "code": "LN1", "email": "x@example.com"}
    )
    assert (doc["client"]["id"], doc["client"]["name"]) == (client_id, "Loja Norte")
    assert doc["client"]["email"] is None  # the sent e-mail was ignored, as documented
    assert (
        api.get("/clients/find-by-name.json", params={"client_name": "Outro nome"}).status_code
        == 404
    )


def test_two_clients_cannot_share_one_code(api: httpx.Client) -> None:
    assert (
        api.post("/clients.json", json={"client": {"name": "A", "code": "K1"}}).status_code == 201
    )
    r = api.post("/clients.json", json={"client": {"name": "B", "code": "K1"}})
    assert r.status_code == 422
    assert r.json() == {"errors": ["Code has already been taken"]}
    b = api.post("/clients.json", json={"client": {"name": "B", "code": "K2"}}).json()["client"]
    moved = api.put(f"/clients/{b['id']}.json", json={"client": {"name": "B", "code": "K1"}})
    assert moved.status_code == 422
    same = api.put(f"/clients/{b['id']}.json", json={"client": {"name": "B", "code": "K2"}})
    assert same.status_code == 200


def _account(sb: RunningSandbox, language: str | None) -> httpx.Client:
    data = {"name": f"conta{language or 'default'}"} | ({"language": language} if language else {})
    made = sb.admin.post("/_sandbox/accounts", json=data)
    assert made.status_code == 201, made.text
    return httpx.Client(base_url=sb.base_url, params={"api_key": made.json()["api_key"]})


def test_a_portuguese_account_reads_the_evidenced_portuguese_wordings(sb: RunningSandbox) -> None:
    with _account(sb, "pt") as pt, _account(sb, None) as en:
        tax = {"tax": {"name": "IVA23", "value": "23.0", "region": "PT"}}  # seeded already
        assert pt.post("/taxes.json", json=tax).json() == {"name": ["não está disponível."]}
        assert en.post("/taxes.json", json=tax).json() == {"name": ["Name has already been taken"]}
        nameless = {"client": {"code": "X1"}}
        assert pt.post("/clients.json", json=nameless).json() == {
            "errors": ["Nome é um campo obrigatório"]
        }
        assert en.post("/clients.json", json=nameless).json() == {"errors": ["Name can't be blank"]}
        # the same English wording on clients has no evidenced Portuguese form: English stays
        assert pt.post("/clients.json", json={"client": {"name": "A", "code": "A"}}).is_success
        taken = pt.post("/clients.json", json={"client": {"name": "A", "code": "B"}})
        assert taken.json() == {"errors": ["Name has already been taken"]}
