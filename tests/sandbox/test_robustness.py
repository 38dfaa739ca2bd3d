"""Issue 13: no input breaks the sandbox, no web page drives it, every refusal changes nothing.

Each failure the issue reproduced by hand has a test here; the fuzz test sends every
malformed-request case once (bounded), asserting a 4xx, no 5xx and an unchanged store.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
import zlib

import httpx
import pytest

from invoicexpress_sandbox import Options, Sandbox, StartupError
from invoicexpress_sandbox.testdata import SPEC, date_in, example, iso_date_in
from invoicexpress_sandbox.testing import RunningSandbox
from tests.sandbox.robustness import (
    Case,
    Tally,
    all_cases,
    browser_cases,
    encoding_cases,
    id_cases,
    number_cases,
    prepare,
    raw_cases,
    run_cases,
    send,
)

JSON = {"content-type": "application/json"}
POISON = '{"client":{"name":"Poison\\ud800","code":"P1"}}'  # what json.dumps sends


def test_every_malformed_case_is_refused_with_state_unchanged(sb: RunningSandbox) -> None:
    with httpx.Client(base_url=sb.base_url, timeout=60) as client:
        ids, final = prepare(client, sb.api_key)
        every = all_cases(ids, final, sb.admin_token)
        cases = every[:: max(1, len(every) // 1500)]  # 1,500+ spread over every kind (nox: all)
        tally = run_cases(
            client,
            sb.api_key,
            sb.state,
            cases,
            max_requests=len(cases),
            max_seconds=900,  # a guard against a hang, not a measure
            check_state_every=7,
        )
    assert tally.requests == len(cases) >= min(len(every), 1500), (tally.requests, len(cases))
    assert tally.server_errors == []
    assert tally.not_refused == []
    assert tally.state_changes == []
    assert sb.state() == sb.state()  # the snapshot itself is stable


def _every(sb: RunningSandbox, cases: list[Case], check_state_every: int = 1) -> Tally:
    with httpx.Client(base_url=sb.base_url, timeout=60) as client:
        return run_cases(
            client,
            sb.api_key,
            sb.state,
            cases,
            max_requests=len(cases),
            max_seconds=600,
            check_state_every=check_state_every,
        )


def _clean(tally: Tally, cases: list[Case]) -> None:
    assert tally.requests == len(cases)
    assert tally.server_errors == []
    assert tally.not_refused == []
    assert tally.state_changes == []


def _aimed(sb: RunningSandbox) -> tuple[dict[str, str], str]:
    with httpx.Client(base_url=sb.base_url, timeout=60) as client:
        return prepare(client, sb.api_key)


def test_content_codings_and_media_types_are_refused_with_state_unchanged(
    sb: RunningSandbox,
) -> None:
    cases = list(encoding_cases())
    tally = _every(sb, cases)
    _clean(tally, cases)
    assert tally.by_status[413] == 6  # the three bombs, on both routes: the body limit holds


def test_ids_in_other_digits_or_forms_are_404_never_an_alias(sb: RunningSandbox) -> None:
    """Every id of every path, written in other scripts' digits, with a leading zero, a sign,
    a space, `.0`, or past 64 bits, aimed at a record that exists: all 404, nothing written."""
    ids, _ = _aimed(sb)
    cases = list(id_cases(ids))
    tally = _every(sb, cases, check_state_every=10)
    _clean(tally, cases)
    assert tally.by_status == {404: len(cases)}


def test_numbers_out_of_range_are_the_operations_422(sb: RunningSandbox) -> None:
    ids, final = _aimed(sb)
    cases = list(number_cases(ids, final))
    tally = _every(sb, cases)
    _clean(tally, cases)
    assert set(tally.by_status) <= {404, 422}  # 404: another type's update aimed at an invoice


def test_treasury_number_fields_are_reached_and_refused(
    sb: RunningSandbox, api: httpx.Client
) -> None:
    """The fuzz reaches the treasury rules (a client that exists, so not a 404): 1e300 in a
    movement tripped an assertion (a 500)."""
    ids, final = _aimed(sb)
    treasury = [
        c
        for c in number_cases(ids, final)
        if c.name.split(":")[0]
        in (
            "createClientTreasuryMovement",
            "createClientRegularization",
            "updateClientInitialBalance",
        )
    ]
    assert len(treasury) == 24
    before = sb.state()
    for case in treasury:
        r = send(api, sb.api_key, case)
        assert r.status_code == 422, (case.name, r.status_code, r.text)
        assert "value" in r.headers["X-Sandbox-Reason"].lower(), case.name
    assert sb.state() == before
    movement = {"value": 1e300, "movement_type": "Payment", "payment_method": "TB"}
    r = api.post(
        f"/api/v3/clients/{ids['client-id']}/treasury_movements.json",
        json={"treasury_movement": {**movement, "date": iso_date_in()}},
    )
    assert r.json() == {"errors": [{"error": "Validation failed: Value is not a number"}]}


def test_unicode_digit_ids_answer_404_where_ascii_answers_the_record(
    sb: RunningSandbox, api: httpx.Client
) -> None:
    ids, _ = _aimed(sb)
    draft = ids["document-id"]
    assert api.get(f"/invoices/{draft}.json").status_code == 200
    for text in ("²", "١", "１", "0" + draft, str(2**64 + int(draft))):
        r = api.get(f"/invoices/{text}.json")
        assert r.status_code == 404, (text, r.text)
        assert r.json() == {"errors": {"error": "Document not found."}} or "error" in r.text
        change = api.put(
            f"/invoices/{text}/change-state.json", json={"invoice": {"state": "finalized"}}
        )
        assert change.status_code == 404, (text, change.text)
    assert api.get(f"/invoices/{draft}.json").json()["invoice"]["status"] == "draft"


def test_browser_marked_requests_are_refused_on_api_and_admin_routes(sb: RunningSandbox) -> None:
    ids, final = _aimed(sb)
    cases = list(browser_cases(ids, final, sb.admin_token))
    tally = _every(sb, cases)
    _clean(tally, cases)
    assert tally.by_status == {403: len(cases)}
    r = httpx.get(
        f"{sb.base_url}/invoices.json",
        params={"api_key": sb.api_key},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert r.json() == {
        "errors": {"error": "Cross-site request refused (Sec-Fetch-Site: cross-site)"}
    }
    assert not [h for h in r.headers if h.lower().startswith("access-control-")]


def test_same_origin_and_server_side_clients_are_unaffected(sb: RunningSandbox) -> None:
    own = sb.base_url  # http://127.0.0.1:<port>, the Origin a page of the sandbox sends
    for headers in (
        {},
        {"Sec-Fetch-Site": "same-origin", "Origin": own},
        {"Sec-Fetch-Site": "none"},  # typed into the address bar
        {"Origin": own},
    ):
        r = httpx.get(f"{own}/invoices.json", params={"api_key": sb.api_key}, headers=headers)
        assert r.status_code == 200, (headers, r.text)
        admin = httpx.get(
            f"{own}/_sandbox/health", headers={**headers, "X-Sandbox-Token": sb.admin_token}
        )
        assert admin.status_code == 200, (headers, admin.text)


def test_cross_site_requests_do_not_use_up_the_rate_limit(
    sb: RunningSandbox, api: httpx.Client
) -> None:
    sb.admin.put("/_sandbox/rate-limit", json={"per_minute": 3}).raise_for_status()
    page = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}
    for _ in range(10):
        r = httpx.get(f"{sb.base_url}/invoices.json", params={"api_key": sb.api_key}, headers=page)
        assert r.status_code == 403
    assert api.get("/invoices.json").status_code == 200


def test_gzip_and_deflate_bodies_are_decoded(sb: RunningSandbox, api: httpx.Client) -> None:
    def client(code: str) -> bytes:
        return json.dumps({"client": {"name": f"Zip {code}", "code": code}}).encode()

    raw_deflate = zlib.compressobj(wbits=-15)
    for code, body, coding in (
        ("GZ1", gzip.compress(client("GZ1")), "gzip"),
        ("GZ2", gzip.compress(client("GZ2")), "x-gzip"),
        ("DF1", zlib.compress(client("DF1")), "deflate"),
        ("DF2", raw_deflate.compress(client("DF2")) + raw_deflate.flush(), "deflate"),
        ("GZ3", gzip.compress(gzip.compress(client("GZ3"))), "gzip, gzip"),
        ("ID1", client("ID1"), "identity"),
    ):
        headers = {**JSON, "Content-Encoding": coding}
        r = api.post("/clients.json", content=body, headers=headers)
        assert r.status_code == 201, (coding, r.text)
        assert r.json()["client"]["code"] == code


def test_refused_codings_and_media_types_answer_415_where_documented(
    sb: RunningSandbox, api: httpx.Client
) -> None:
    """`listClientInvoices` documents a 415 (and no 422); the others answer their 422."""
    ids, _ = _aimed(sb)
    path = f"/clients/{ids['client-id']}/invoices.json"
    body = json.dumps({"filter": {"status": ["sent"]}}).encode()
    assert api.post(path, content=body, headers=JSON).status_code == 200
    ok = {"content-type": "application/json; charset=UTF-8"}
    assert api.post(path, content=body, headers=ok).status_code == 200
    for headers in (
        {**JSON, "Content-Encoding": "br"},
        {"content-type": "application/evil+json"},
        {"content-type": "application/json; charset=iso-8859-1"},
    ):
        r = api.post(path, content=body, headers=headers)
        assert r.status_code == 415, (headers, r.text)
        assert r.json() == {"errors": {"error": "No content type or wrongly specified"}}
        r = api.post(
            "/clients.json", content=b'{"client":{"name":"M","code":"M1"}}', headers=headers
        )
        assert r.status_code == 422, (headers, r.text)


def test_admin_refuses_encoded_bodies_and_out_of_range_clock(sb: RunningSandbox) -> None:
    before = sb.state()
    token = {"X-Sandbox-Token": sb.admin_token}
    for headers, body in (
        ({**JSON, "Content-Encoding": "gzip"}, gzip.compress(b'{"per_minute": 1}')),
        ({"content-type": "application/evil+json"}, b'{"per_minute": 1}'),
    ):
        r = httpx.put(
            f"{sb.base_url}/_sandbox/rate-limit", headers={**token, **headers}, content=body
        )
        assert r.status_code == 415, r.text
    for change in (
        {"advance_days": 99_999_999},
        {"advance_days": 1e300},
        {"now": "9999-12-31T00:00:00"},
    ):
        assert sb.admin.post("/_sandbox/clock", json=change).status_code == 400, change
    deep = b"[" * 50_000 + b"]" * 50_000
    r = httpx.post(f"{sb.base_url}/_sandbox/clock", headers={**token, **JSON}, content=deep)
    assert r.status_code == 400
    assert sb.state() == before
    with sb.client() as api:
        assert api.get("/invoices.json").status_code == 200


@pytest.mark.parametrize(("how", "length"), [("env", 5), ("env", 15), ("option", 15)])
def test_short_admin_token_is_refused_at_start(how: str, length: int) -> None:
    token = ("Qz7#w" * 3)[:length]
    env = {k: v for k, v in os.environ.items() if k != "IXC_SANDBOX_TOKEN"}
    cmd = [sys.executable, "-m", "invoicexpress_sandbox", "--port", "0"]
    if how == "env":
        env["IXC_SANDBOX_TOKEN"] = token
    else:
        cmd += ["--admin-token", token]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert "at least 16 characters" in lines[0]
    assert token not in lines[0]  # the refusal does not echo the secret


def test_admin_token_of_16_characters_is_accepted() -> None:
    with pytest.raises(StartupError, match="at least 16"):
        Sandbox(Options(admin_token="x" * 15))
    sandbox = Sandbox(Options(admin_token="x" * 16))
    assert sandbox.admin_token == "x" * 16
    sandbox.store.close()


def test_raw_cases_each_change_nothing(sb: RunningSandbox) -> None:
    """State compared after every single raw case (bodies, headers, query strings)."""
    with httpx.Client(base_url=sb.base_url, timeout=60) as client:
        for case in raw_cases():
            before = sb.state()
            r = send(client, sb.api_key, case)
            assert 400 <= r.status_code < 500, (case.name, r.status_code, r.text[:300])
            assert sb.state() == before, case.name


# ---------------------------------------------------------------- the poisoned store


def test_lone_surrogate_client_is_refused_and_reads_keep_working(
    sb: RunningSandbox, api: httpx.Client
) -> None:
    before = sb.state()
    r = api.post("/clients.json", content=POISON, headers=JSON)
    assert r.status_code == 422, r.text
    assert r.headers["X-Sandbox-Reason"].startswith("/client/name: lone surrogate U+D800")
    assert sb.state() == before
    assert api.get("/clients.json").status_code == 200
    assert api.get("/clients/find-by-code.json", params={"client_code": "P1"}).status_code == 404


def test_item_with_lone_surrogate_is_refused(sb: RunningSandbox, api: httpx.Client) -> None:
    before = sb.state()
    body = '{"item":{"name":"I\\udc00","description":"d","unit_price":"1.0"}}'
    assert api.post("/items.json", content=body, headers=JSON).status_code == 422
    invoice = json.loads(json.dumps(SPEC_INVOICE))
    invoice["invoice"]["items"][0]["name"] = "\ud800"
    r = api.post("/invoices.json", content=json.dumps(invoice), headers=JSON)
    assert r.status_code == 422
    assert sb.state() == before


SPEC_INVOICE = example("createInvoice")


def test_rows_stored_before_the_fix_are_served_not_500(
    sb: RunningSandbox, api: httpx.Client
) -> None:
    """A store written by an older sandbox may hold a lone surrogate: every read still answers
    (the JSON escape goes out), so a poisoned file never turns reads into 500s."""
    made = api.post("/clients.json", json={"client": {"name": "Old", "code": "OLD1"}}).json()[
        "client"
    ]
    invoice = json.loads(json.dumps(SPEC_INVOICE))
    invoice["invoice"]["client"] = {"name": "Old", "code": "OLD1"}
    doc = api.post("/invoices.json", json=invoice).json()["invoice"]
    assert sb.sandbox is not None
    with sb.sandbox.store.write() as tx:
        row = tx.get("client", int(made["id"]))
        assert row is not None
        tx.put(
            "client", int(made["id"]), str(row.get("_account", "demo")), {**row, "name": "P\ud800"}
        )
        stored = tx.get("document", int(doc["id"]))
        assert stored is not None
        stored["client"] = {**stored["client"], "name": "P\ud800"}
        tx.put("document", int(doc["id"]), str(stored.get("_account", "demo")), stored)
    for path, params in (
        ("/clients.json", {}),
        (f"/clients/{made['id']}.json", {}),
        ("/clients/find-by-code.json", {"client_code": "OLD1"}),
        (f"/invoices/{doc['id']}.json", {}),
        ("/invoices.json", {}),
    ):
        r = api.get(path, params=params)
        assert r.status_code in (200, 404), (path, r.status_code, r.text[:200])
        assert r.status_code == 200 or path.endswith("find-by-code.json"), path
        json.loads(r.content)  # valid JSON


# ---------------------------------------------------------------- text limits


@pytest.mark.parametrize(
    ("name", "why"),
    [("A\x00B", "control character U+0000"), ("x" * 600_000, "longer than 100 characters")],
)
def test_nul_and_oversize_names_are_refused(
    sb: RunningSandbox, api: httpx.Client, name: str, why: str
) -> None:
    before = sb.state()
    r = api.post("/clients.json", json={"client": {"name": name, "code": "N1"}})
    assert r.status_code == 422, r.text[:300]
    assert why in r.headers["X-Sandbox-Reason"]
    assert sb.state() == before


def test_limits_come_from_the_spec() -> None:
    client = SPEC.resolve(SPEC.document["components"]["schemas"]["ClientRequest"])
    fields = SPEC.resolve(client["properties"]["client"])
    assert fields["properties"]["name"]["maxLength"] == 100
    assert fields["properties"]["code"]["maxLength"] == 30


# ---------------------------------------------------------------- strictness promised


def test_impossible_filter_date_is_400(api: httpx.Client) -> None:
    for query in ({"date[from]": "31/02/2025"}, {"due_date[to]": "29/02/2025"}):
        r = api.get("/invoices.json", params=query)
        assert r.status_code == 400, (query, r.text)
    assert api.get("/invoices.json", params={"date[from]": "29/02/2024"}).status_code == 200


def test_purchase_order_dates_go_out_normalised_and_email_checked(api: httpx.Client) -> None:
    body = example("createPurchaseOrder")
    soon = dt.date.fromisoformat(iso_date_in(3))
    body["purchase_order"]["loaded_at"] = f"{soon.day}/{soon.month}/{soon.year}"  # unpadded
    r = api.post("/purchase_orders.json", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["purchase_order"]["loaded_at"] == date_in(3)
    body["purchase_order"]["client"] = {**body["purchase_order"]["client"], "email": "not-mail"}
    assert api.post("/purchase_orders.json", json=body).status_code == 422


# ---------------------------------------------------------------- fidelity (api-docs 002)


def _final_invoice(api: httpx.Client, item_name: str) -> dict[str, object]:
    body = json.loads(json.dumps(SPEC_INVOICE))
    body["invoice"]["items"][0]["name"] = item_name
    body["invoice"]["items"][0]["description"] = f"{item_name} description"
    body.pop("proprietary_uid", None)  # the example's UID allows one creation
    doc = api.post("/invoices.json", json=body).json()["invoice"]
    api.put(
        f"/invoices/{doc['id']}/change-state.json", json={"invoice": {"state": "finalized"}}
    ).raise_for_status()
    return dict(api.get(f"/invoices/{doc['id']}.json").json()["invoice"])


def test_text_search_finds_documents_by_item(api: httpx.Client) -> None:
    doc = _final_invoice(api, "Parafuso-M8")
    _final_invoice(api, "Outra-coisa")
    for text in ("parafuso-m8", "Parafuso-M8 description"):
        found = api.get("/invoices.json", params={"text": text}).json()["invoices"]
        assert [d["id"] for d in found] == [doc["id"]], text


def test_settling_by_change_state_creates_a_receipt(api: httpx.Client) -> None:
    doc = _final_invoice(api, "Settle-me")
    r = api.put(f"/invoices/{doc['id']}/change-state.json", json={"invoice": {"state": "settled"}})
    assert r.status_code == 200, r.text
    related = api.get(f"/document/{doc['id']}/related_documents.json").json()
    receipts = [d for d in related.get("documents", []) if d["type"] == "Receipt"]
    assert len(receipts) == 1, related
    assert float(receipts[0]["total"]) == float(str(doc["total"]))
    assert receipts[0]["status"] == "final"


def _quirk(sb: RunningSandbox, name: str) -> None:
    sb.admin.put("/_sandbox/faults", json={"quirks": [name]}).raise_for_status()


def _zero_rate_invoice() -> dict[str, object]:
    body = json.loads(json.dumps(SPEC_INVOICE))
    body.pop("proprietary_uid", None)
    body["invoice"].pop("tax_exemption", None)
    body["invoice"]["items"][0]["tax"] = {"name": "IVA0"}
    return dict(body)


def test_exemption_live_by_default_documented_by_switch(
    sb: RunningSandbox, api: httpx.Client
) -> None:
    r = api.post("/invoices.json", json=_zero_rate_invoice())
    assert r.status_code == 201, r.text
    assert r.json()["invoice"]["tax_exemption"] == "M99"
    _quirk(sb, "exemption_required")
    before = sb.state()
    r = api.post("/invoices.json", json=_zero_rate_invoice())
    assert r.status_code == 422, r.text
    assert sb.state() == before


def test_bad_date_answers_422_by_default_today_by_switch(
    sb: RunningSandbox, api: httpx.Client
) -> None:
    body = json.loads(json.dumps(SPEC_INVOICE))
    body.pop("proprietary_uid", None)
    sb.admin.post("/_sandbox/clock", json={"now": f"{iso_date_in(0)}T10:00:00", "frozen": True})
    body["invoice"]["date"] = iso_date_in(2)  # ISO: not the documents' dd/mm/yyyy
    body["invoice"]["due_date"] = date_in(30)
    assert api.post("/invoices.json", json=body).status_code == 422
    _quirk(sb, "bad_date_today")
    r = api.post("/invoices.json", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["invoice"]["date"] == date_in(0)


def test_quote_dates_optional_by_default_required_by_switch(
    sb: RunningSandbox, api: httpx.Client
) -> None:
    body = {
        "quote": {
            "client": {"name": "Q", "code": "Q1"},
            "items": [{"name": "q", "description": "d", "unit_price": "1", "quantity": "1"}],
        }
    }
    assert api.post("/quotes.json", json=body).status_code == 201
    _quirk(sb, "quote_dates_required")
    assert api.post("/quotes.json", json=body).status_code == 422
