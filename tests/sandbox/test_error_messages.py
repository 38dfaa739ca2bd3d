"""Every documented error message (`x-error-messages` in the spec) is produced by its rule.

The cases are read from the spec; each message has a trigger below that breaks exactly the
rule the message names. A message without a trigger fails `test_every_message_has_a_trigger`,
so a new message in the spec cannot go untested.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from invoicexpress_core.calendar import lisbon_now
from invoicexpress_core.spec import Operation
from invoicexpress_sandbox._catalog import DOC_TYPES
from invoicexpress_sandbox.areas.accounts_saft import DEMO_EMAIL, DEMO_PASSWORD
from invoicexpress_sandbox.testdata import (
    SPEC,
    change_state,
    create_document,
    date_in,
    document_fields,
    iso_date_in,
    response_errors,
)
from invoicexpress_sandbox.testing import RunningSandbox

Trigger = Callable[[httpx.Client, Operation, RunningSandbox], httpx.Response]
SETTLED = "Invoice has been settled so can't be changed anymore"
MB_MESSAGE = "Option to generate MB reference is set but no payment provider is configurated"
SAFT_MISSING_INFO = (
    "Warning! There is required information missing from Company information. Before you "
    "export the SAF-T PT, please go to Company information and fill out the missing fields."
)


def _cases() -> list[tuple[Operation, int, str]]:
    out = []
    for op in SPEC:
        for code, raw in op.responses.items():
            for message in SPEC.resolve(raw).get("x-error-messages") or []:
                out.append((op, int(code), str(message)))
    return out


# --------------------------------------------------------------------------- documents


def _doc_request(api: httpx.Client, op: Operation, **overrides: Any) -> httpx.Response:
    """Create (or create-then-update) a document of the op's type with `overrides`."""
    segment = str(op.raw["x-document-type"])
    dt = DOC_TYPES[segment]
    fields = document_fields(dt)
    for key, value in overrides.items():
        if value is _DROP:
            fields.pop(key, None)
        else:
            fields[key] = value
    if op.operation_id.startswith("create"):
        return api.post(f"/{segment}.json", json={dt.key: fields})
    doc = create_document(api, segment)
    return api.put(f"/{segment}/{doc['id']}.json", json={dt.key: fields})


_DROP = object()


def _item(**changes: Any) -> list[dict[str, Any]]:
    item = {
        "name": "Consultoria",
        "description": "Uma hora",
        "unit_price": "10",
        "quantity": "1",
        "tax": {"name": "IVA23"},
    }
    item.update(changes)
    return [item]


def _settled_update(api: httpx.Client, op: Operation, sb: RunningSandbox) -> httpx.Response:
    segment = str(op.raw["x-document-type"])
    dt = DOC_TYPES[segment]
    doc = create_document(api, segment)
    assert change_state(api, segment, doc["id"], "finalized", None).status_code == 200
    return api.put(f"/{segment}/{doc['id']}.json", json={dt.key: document_fields(dt)})


DOCUMENT: dict[str, Trigger] = {
    "Items element should be of type array": lambda a, o, s: _doc_request(a, o, items="x"),
    "Country Germani was not found": lambda a, o, s: _doc_request(
        a, o, client={"name": "Novo", "code": "N1", "country": "Germani"}
    ),
    "Retention must be a number between 0 and 99.99": lambda a, o, s: _doc_request(
        a, o, retention="150"
    ),
    "Invoice items is invalid": lambda a, o, s: _doc_request(a, o, items=[{"name": "A"}]),
    "Owner invoice is invalid": lambda a, o, s: _doc_request(a, o, owner_invoice_id=999999),
    "Client is invalid": lambda a, o, s: _doc_request(a, o, client="Cliente"),
    "Due date must be later than date": lambda a, o, s: _doc_request(
        a, o, date=date_in(9), due_date=date_in(0)
    ),
    "Email must be an email address": lambda a, o, s: _doc_request(
        a, o, client={"name": "Novo", "code": "N1", "email": "not-an-email"}
    ),
    "Discount is not a number": lambda a, o, s: _doc_request(a, o, items=_item(discount="abc")),
    "Quantity must be a number greater than 0": lambda a, o, s: _doc_request(
        a, o, items=_item(quantity="0")
    ),
    "Unit price must be a number": lambda a, o, s: _doc_request(
        a, o, items=_item(unit_price="abc")
    ),
    "Unit kg is not included in the list of accepted units": lambda a, o, s: _doc_request(
        a, o, items=_item(unit="kg")
    ),
    MB_MESSAGE: lambda a, o, s: _doc_request(a, o, mb_reference="1"),
    SETTLED: _settled_update,
    "Document should have at least one item": lambda a, o, s: _doc_request(a, o, items=[]),
    "Date is not valid": lambda a, o, s: _doc_request(a, o, date="31/02/2026"),
    "Elemento client não fornecido": lambda a, o, s: _doc_request(a, o, client=_DROP),
}


def _final_doc(api: httpx.Client, op: Operation) -> tuple[str, int]:
    segment = str(op.raw["x-document-type"])
    doc = create_document(api, segment)
    assert change_state(api, segment, doc["id"], "finalized", None).status_code == 200
    return segment, int(doc["id"])


def _double_finalize(api: httpx.Client, op: Operation, sb: RunningSandbox) -> httpx.Response:
    segment, doc_id = _final_doc(api, op)
    return change_state(api, segment, doc_id, "finalized", None)


def _finalize_before_series(api: httpx.Client, op: Operation, sb: RunningSandbox) -> httpx.Response:
    """A draft dated the day before the series' last final document of its type. Both days
    come from one reading of the clock: read twice, they were one day across midnight."""
    segment = str(op.raw["x-document-type"])
    today = lisbon_now().date()
    later = create_document(api, segment, today=today)
    assert change_state(api, segment, later["id"], "finalized", None).status_code == 200
    earlier = create_document(api, segment, today=today - timedelta(days=1))
    return change_state(api, segment, earlier["id"], "finalized", None)


def _cancel_without_message(api: httpx.Client, op: Operation, sb: RunningSandbox) -> httpx.Response:
    segment, doc_id = _final_doc(api, op)
    machine = op.state_machine
    assert machine is not None
    source = next(t["from"] for t in machine["transitions"] if t["event"] == "canceled")
    if source != "final":  # invoice receipts: finalising settles them
        assert source in ("settled",)
    return change_state(api, segment, doc_id, "canceled", None)


def _cancel_receipt(api: httpx.Client, message: str | None) -> httpx.Response:
    from invoicexpress_sandbox.testdata import make_receipt

    receipt = make_receipt(api)
    payload: dict[str, Any] = {"state": "canceled"}
    if message is not None:
        payload["message"] = message
    if message is not None:  # cancel twice: the second is an invalid transition
        api.put(f"/receipts/{receipt['id']}/change-state.json", json={"receipt": payload})
    return api.put(f"/receipts/{receipt['id']}/change-state.json", json={"receipt": payload})


def _email(
    api: httpx.Client,
    op: Operation,
    message: dict[str, Any] | None = None,
    content: bytes | None = None,
) -> httpx.Response:
    segment = str(op.raw["x-document-type"])
    doc = create_document(api, segment)
    url = f"/{segment}/{doc['id']}/email-document.json"
    if content is not None:
        return api.put(url, content=content, headers={"content-type": "text/plain"})
    body = {"client": {"email": "cliente@example.com", "save": "0"}}
    body.update(message or {})
    return api.put(url, json={"message": body})


EMAIL: dict[str, Trigger] = {
    "No content type or wrongly specified": lambda a, o, s: _email(
        a, o, content=b'{"message":{"client":{"email":"a@b.pt","save":"0"}}}'
    ),
    "Email: is an invalid email": lambda a, o, s: _email(
        a, o, {"client": {"email": "not-an-email", "save": "0"}}
    ),
    "Cc: is an invalid email": lambda a, o, s: _email(a, o, {"cc": "bad-address"}),
    "Bcc: is an invalid email": lambda a, o, s: _email(a, o, {"bcc": "bad-address"}),
}

# --------------------------------------------------------------------------- resources


def _client_req(api: httpx.Client, op: Operation, **fields: Any) -> httpx.Response:
    body = {"name": "Outro Cliente", "code": "O1"}
    body.update(fields)
    if op.operation_id == "createClient":
        return api.post("/clients.json", json={"client": body})
    created = api.post("/clients.json", json={"client": {"name": "Alvo", "code": "T1"}})
    return api.put(f"/clients/{created.json()['client']['id']}.json", json={"client": body})


def _taken_client(api: httpx.Client, op: Operation, sb: RunningSandbox) -> httpx.Response:
    api.post("/clients.json", json={"client": {"name": "Repetido", "code": "R1"}})
    return _client_req(api, op, name="Repetido")


CLIENTS: dict[str, Trigger] = {
    "Name has already been taken": _taken_client,
    "Client contact is invalid": lambda a, o, s: _client_req(a, o, preferred_contact="x"),
    "Send options is not a number": lambda a, o, s: _client_req(a, o, send_options="abc"),
    "Send options must be within 1 and 3": lambda a, o, s: _client_req(a, o, send_options="5"),
    "Preferred contact: email must be an email": lambda a, o, s: _client_req(
        a, o, preferred_contact={"email": "bad"}
    ),
    "Country Germani was not found": lambda a, o, s: _client_req(a, o, country="Germani"),
}


def _account_req(
    api: httpx.Client, op: Operation, sb: RunningSandbox, **fields: Any
) -> httpx.Response:
    if op.operation_id == "updateAccount":
        me = sb.admin.post("/_sandbox/accounts", json={"name": "second"}).json()
        with sb.client(params={"api_key": me["api_key"]}) as other:
            return other.put(f"/api/accounts/{me['id']}/update.json", json={"account": fields})
    body = {
        "organization_name": "Nova, Lda",
        "email": DEMO_EMAIL,
        "password": DEMO_PASSWORD,
        "terms": "1",
    }
    body.update(fields)
    return api.post(op.path, json={"account": body})


ACCOUNTS: dict[str, Trigger] = {
    "Postal Code must have the following format DDDD-DDD": lambda a, o, s: _account_req(
        a, o, s, postal_code="1234"
    ),
    "Email is invalid": lambda a, o, s: _account_req(a, o, s, email="not-an-email"),
    "Vat Number is already used in another account": lambda a, o, s: _account_req(
        a, o, s, fiscal_id="508000000"
    ),
    "Terms and Conditions must be accepted": lambda a, o, s: _account_req(a, o, s, terms="0"),
}


def _vat_changed(api: httpx.Client, op: Operation, sb: RunningSandbox) -> httpx.Response:
    account_id = api.get("/api/accounts/1/get.json").status_code and "1"
    return api.put(
        f"/api/accounts/{account_id}/update.json", json={"account": {"fiscal_id": "999999990"}}
    )


def _item_req(api: httpx.Client, op: Operation, **fields: Any) -> httpx.Response:
    body: dict[str, Any] = {"name": "Caneta", "description": "Azul", "unit_price": "1.5"}
    body.update(fields)
    body = {k: v for k, v in body.items() if v is not _DROP}
    if op.operation_id == "createItem":
        return api.post("/items.json", json={"item": body})
    created = api.post(
        "/items.json", json={"item": {"name": "Lápis", "description": "x", "unit_price": "1"}}
    )
    assert created.status_code == 201, created.text
    return api.put(f"/items/{created.json()['item']['id']}.json", json={"item": body})


def _taken_item(api: httpx.Client, op: Operation, sb: RunningSandbox) -> httpx.Response:
    api.post(
        "/items.json", json={"item": {"name": "Repetido", "description": "x", "unit_price": "1"}}
    )
    return _item_req(api, op, name="Repetido")


def _rename_used_item(api: httpx.Client, op: Operation, sb: RunningSandbox) -> httpx.Response:
    create_document(api, "invoices")  # creates item "Consultoria" and uses it
    item = next(i for i in api.get("/items.json").json()["items"] if i["name"] == "Consultoria")
    return api.put(
        f"/items/{item['id']}.json",
        json={"item": {"name": "Consultoria Sénior", "description": "x", "unit_price": "30"}},
    )


ITEMS: dict[str, Trigger] = {
    "Name has already been taken": _taken_item,
    "Unit price can't be blank": lambda a, o, s: _item_req(a, o, unit_price=_DROP),
    "Unit price is not a number": lambda a, o, s: _item_req(a, o, unit_price="abc"),
    "Unit kg is not included in the list of accepted units": lambda a, o, s: _item_req(
        a, o, unit="kg"
    ),
    "Name can't be changed because it is already associated with invoices": _rename_used_item,
}


def _tax_req(api: httpx.Client, op: Operation, **fields: Any) -> httpx.Response:
    body: dict[str, Any] = {"name": "IVA99", "value": "9.5", "region": "PT"}
    body.update(fields)
    body = {k: v for k, v in body.items() if v is not _DROP}
    if op.operation_id == "createTax":
        return api.post("/taxes.json", json={"tax": body})
    created = api.post("/taxes.json", json={"tax": {"name": "IVA7", "value": "7", "region": "PT"}})
    assert created.status_code == 201, created.text
    return api.put(f"/taxes/{created.json()['tax']['id']}.json", json={"tax": body})


TAXES: dict[str, Trigger] = {
    "Name has already been taken": lambda a, o, s: _tax_req(a, o, name="IVA23"),
    "Value can't be blank": lambda a, o, s: _tax_req(a, o, value=_DROP),
    "Value must be a number between 0 and 99.99": lambda a, o, s: _tax_req(a, o, value="150"),
    "Tax region is empty": lambda a, o, s: _tax_req(a, o, region=_DROP),
    "Tax region is not valid": lambda a, o, s: _tax_req(a, o, region="pt-xx"),
}


def _taken_serie(api: httpx.Client, op: Operation, sb: RunningSandbox) -> httpx.Response:
    serie = api.get("/sequences.json").json()["sequences"][0]["serie"]
    return api.post("/sequences.json", json={"sequence": {"serie": serie}})


SEQUENCES: dict[str, Trigger] = {
    "Serie has already been taken": _taken_serie,
    "The sequence name is invalid": lambda a, o, s: a.post(
        "/sequences.json", json={"sequence": {"serie": "no spaces!"}}
    ),
}


def _saft_as(sb: RunningSandbox, name: str, **switches: Any) -> httpx.Client:
    account = sb.admin.post("/_sandbox/accounts", json={"name": name, **switches}).json()
    return sb.client(params={"api_key": account["api_key"]})


def _saft_missing_info(api: httpx.Client, op: Operation, sb: RunningSandbox) -> httpx.Response:
    with _saft_as(sb, "semmorada") as other:
        me = other.get("/api/accounts/2/get.json")
        assert me.status_code == 200, me.text
        other.put("/api/accounts/2/update.json", json={"account": {"address": ""}})
        return other.get("/api/export_saft.json", params={"month": "12", "year": "2026"})


def _saft_trial(api: httpx.Client, op: Operation, sb: RunningSandbox) -> httpx.Response:
    with _saft_as(sb, "trial", trial=True) as other:
        return other.get("/api/export_saft.json", params={"month": "12", "year": "2026"})


SAFT: dict[str, Trigger] = {
    "That option is not available during the trial period, it becomes so only after the "
    "first payment.": _saft_trial,
    "There aren't any documents to export on the selected period.": lambda a, o, s: a.get(
        "/api/export_saft.json", params={"month": "1", "year": "2001"}
    ),
    SAFT_MISSING_INFO: _saft_missing_info,
    "You need to send the month in the request body.": lambda a, o, s: a.get(
        "/api/export_saft.json", params={"year": "2026"}
    ),
}


def _a_client(api: httpx.Client) -> int:
    r = api.post("/clients.json", json={"client": {"name": "Tesouraria", "code": "T9"}})
    return int(r.json()["client"]["id"])


def _treasury(api: httpx.Client, op: Operation, body: dict[str, Any]) -> httpx.Response:
    client_id = _a_client(api)
    return api.request(op.method, op.path.replace("{client-id}", str(client_id)), json=body)


TREASURY: dict[str, Trigger] = {
    "Date can't be blank": lambda a, o, s: _treasury(
        a, o, {("initial_balance" if "initial" in o.path else "regularization"): {"value": 1}}
    ),
    "Value is not a number": lambda a, o, s: _treasury(
        a,
        o,
        {
            ("initial_balance" if "initial" in o.path else "regularization"): {
                "value": "abc",
                "date": iso_date_in(-30),
            }
        },
    ),
    "Value must be less than or equal to the remaining balance": lambda a, o, s: _treasury(
        a, o, {"regularization": {"value": 1000, "date": iso_date_in(-30)}}
    ),
    "Validation failed: Value is not a number": lambda a, o, s: _treasury(
        a,
        o,
        {
            "treasury_movement": {
                "value": "abc",
                "movement_type": "Payment",
                "date": iso_date_in(-30),
            }
        },
    ),
}


def _payment(api: httpx.Client, **fields: Any) -> httpx.Response:
    invoice = create_document(api, "invoices")
    assert change_state(api, "invoices", invoice["id"], "finalized", None).status_code == 200
    body = {"amount": 10, "payment_mechanism": "MB"}
    body.update(fields)
    return api.post(
        f"/documents/{invoice['id']}/partial_payments.json", json={"partial_payment": body}
    )


OTHER: dict[tuple[str, str], Trigger] = {
    ("configureAtCommunication", "The field at_subuser has an incorrect size"): lambda a, o, s: (
        a.post(
            o.path,
            json={
                "at_communication": {
                    "at_subuser": "1",
                    "at_password": "c2VncmVkbw==",
                    "communication_type": "auto",
                }
            },
        )
    ),
    ("createPartialPayment", "payment_mechanism is invalid"): lambda a, o, s: _payment(
        a, payment_mechanism="XX"
    ),
    (
        "createPartialPayment",
        "Amount must be less than or equal to the amount due",
    ): lambda a, o, s: _payment(a, amount=30.01),
    ("generatePdf", "The document-id provided is in an invalid state."): lambda a, o, s: (
        lambda doc: (
            change_state(a, "invoices", doc["id"], "deleted", None),
            a.get(f"/api/pdf/{doc['id']}.json"),
        )[1]
    )(create_document(a, "invoices")),
    ("updateAccount", "Vat Number can't be changed"): _vat_changed,
}


def trigger_for(op: Operation, message: str) -> Trigger | None:
    op_id = op.operation_id
    if (op_id, message) in OTHER:
        return OTHER[(op_id, message)]
    if op.raw.get("x-document-type") and op_id.startswith(("create", "update")):
        return DOCUMENT.get(message)
    if op.state_machine and op_id != "cancelReceipt":
        return {
            "Invalid state": _double_finalize,
            "Cancel message can't be blank": _cancel_without_message,
            SPEC.document["x-error-catalogue"]["date_before_series"]: _finalize_before_series,
        }.get(message)
    if op_id == "cancelReceipt":
        return {
            "Invalid state": lambda a, o, s: _cancel_receipt(a, "Motivo"),
            "Cancel message can't be blank": lambda a, o, s: _cancel_receipt(a, None),
        }.get(message)
    if op_id.startswith("email"):
        return EMAIL.get(message)
    if "/api/v3/clients/" in op.path:
        return TREASURY.get(message)
    for prefix, table in (
        ("createClient", CLIENTS),
        ("updateClient", CLIENTS),
        ("createAccount", ACCOUNTS),
        ("updateAccount", ACCOUNTS),
        ("createItem", ITEMS),
        ("updateItem", ITEMS),
        ("createTax", TAXES),
        ("updateTax", TAXES),
        ("createSequence", SEQUENCES),
        ("exportSaft", SAFT),
    ):
        if op_id.startswith(prefix):
            return table.get(message)
    return None


CASES = _cases()


def test_every_message_has_a_trigger() -> None:
    missing = [(op.operation_id, msg) for op, _, msg in CASES if trigger_for(op, msg) is None]
    assert missing == []


@pytest.mark.parametrize(
    ("op", "status", "message"),
    [pytest.param(*c, id=f"{c[0].operation_id}-{c[2][:40]}") for c in CASES],
)
def test_documented_message(
    api: httpx.Client, sb: RunningSandbox, op: Operation, status: int, message: str
) -> None:
    trigger = trigger_for(op, message)
    assert trigger is not None
    r = trigger(api, op, sb)
    assert r.status_code == status, r.text
    body = r.json()
    # A bare array reads `[field, rest]` when the message starts with the field's name.
    joined = " ".join(map(str, body)) if isinstance(body, list) else ""
    # A message documented as its catalogue template (`{date}`) matches any value there.
    pattern = "(.+)".join(map(re.escape, re.split(r"\{[a-z_]+\}", message)))
    assert re.search(pattern, r.text) or joined == message, r.text
    assert response_errors(op, status, body) == []
