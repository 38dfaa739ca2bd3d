"""Issue 13: no input breaks the sandbox, no web page drives it, every refusal changes nothing.

Each failure the issue reproduced by hand has a test here; the fuzz test sends every
malformed-request case once (bounded), asserting a 4xx, no 5xx and an unchanged store.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from invoicexpress_sandbox import Options, Sandbox
from invoicexpress_sandbox.testdata import SPEC, date_in, example, iso_date_in
from invoicexpress_sandbox.testing import RunningSandbox, running_sandbox
from tests.sandbox.robustness import all_cases, raw_cases, run_cases, send

JSON = {"content-type": "application/json"}
POISON = '{"client":{"name":"Poison\\ud800","code":"P1"}}'  # what json.dumps sends


def test_every_malformed_case_is_refused_with_state_unchanged(sb: RunningSandbox) -> None:
    cases = all_cases()
    with httpx.Client(base_url=sb.base_url, timeout=60) as client:
        tally = run_cases(
            client,
            sb.api_key,
            sb.state,
            cases,
            max_requests=len(cases),
            max_seconds=25,
            check_state_every=7,
        )
    assert tally.requests >= min(len(cases), 1500), tally.requests
    assert tally.server_errors == []
    assert tally.not_refused == []
    assert tally.state_changes == []
    assert sb.state() == sb.state()  # the snapshot itself is stable


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


# ---------------------------------------------------------------- admin routes


def test_admin_routes_need_the_token_and_a_loopback_host(sb: RunningSandbox) -> None:
    base = sb.base_url
    assert httpx.get(f"{base}/_sandbox/accounts").status_code == 401
    assert (
        httpx.get(f"{base}/_sandbox/accounts", headers={"X-Sandbox-Token": "x"}).status_code == 401
    )
    rebinding = httpx.get(
        f"{base}/_sandbox/accounts",
        headers={"Host": "attacker.example", "X-Sandbox-Token": sb.admin_token},
    )
    assert rebinding.status_code == 421
    assert sb.api_key not in rebinding.text
    api_rebinding = httpx.get(
        f"{base}/invoices.json", params={"api_key": sb.api_key}, headers={"Host": "evil.test"}
    )
    assert api_rebinding.status_code == 421
    assert sb.admin.get("/_sandbox/accounts").status_code == 200
    assert sb.admin().get("/_sandbox/health").status_code == 200
    for host in ("localhost", f"127.0.0.1:{base.rsplit(':', 1)[1]}", "[::1]:80"):
        r = httpx.get(
            f"{base}/_sandbox/health", headers={"Host": host, "X-Sandbox-Token": sb.admin_token}
        )
        assert r.status_code == 200, host


def test_simple_cross_origin_posts_change_nothing(sb: RunningSandbox, api: httpx.Client) -> None:
    api.post("/clients.json", json={"client": {"name": "Keep", "code": "K1"}}).raise_for_status()
    before = sb.state()
    page = {"Origin": "http://attacker.example", "content-type": "text/plain"}
    assert (
        httpx.post(f"{sb.base_url}/_sandbox/reset", headers=page, content="{}").status_code == 401
    )
    planted = httpx.post(
        f"{sb.base_url}/_sandbox/accounts",
        headers={**page, "X-Sandbox-Token": sb.admin_token},
        content='{"name":"evil","api_key":"evil-key"}',
    )
    assert planted.status_code == 415
    assert sb.state() == before
    preflight = httpx.options(
        f"{sb.base_url}/_sandbox/reset",
        headers={"Origin": "http://attacker.example", "Access-Control-Request-Method": "POST"},
    )
    for r in (preflight, api.get("/invoices.json", headers={"Origin": "http://a.example"})):
        assert not [h for h in r.headers if h.lower().startswith("access-control-")]


def test_reset_restores_the_start_configuration(sb: RunningSandbox, api: httpx.Client) -> None:
    start = sb.state()["switches"]
    sb.admin.put(
        "/_sandbox/faults", json={"faults": ["wrong_status"], "quirks": ["guide_update_500"]}
    )
    sb.admin.put("/_sandbox/rate-limit", json={"per_minute": 3})
    sb.admin.post("/_sandbox/clock", json={"now": f"{iso_date_in(1200)}T10:00:00", "frozen": True})
    sb.reset()
    faults = sb.admin.get("/_sandbox/faults").json()
    assert (faults["faults"], faults["quirks"]) == ([], [])
    assert sb.admin.get("/_sandbox/rate-limit").json() == {"per_minute": None}
    assert not sb.admin.get("/_sandbox/clock").json().get("frozen")
    assert sb.state()["switches"] == start
    for _ in range(5):
        assert api.get("/taxes.json").status_code == 200


# ---------------------------------------------------------------- reasons and the log


def test_4xx_carry_a_reason_kept_in_calls(sb: RunningSandbox, api: httpx.Client) -> None:
    body = json.loads(json.dumps(SPEC_INVOICE))
    del body["invoice"]["items"][0]["description"]
    r = api.post("/invoices.json", json=body)
    assert r.status_code == 422
    assert r.json() == {"errors": [{"error": "Invoice items is invalid"}]} or "errors" in r.json()
    assert r.headers["X-Sandbox-Reason"] == "/invoice/items/0/description: required"
    body = json.loads(json.dumps(SPEC_INVOICE))
    body["invoice"]["foo"] = 1
    r = api.post("/invoices.json", json=body)
    assert r.headers["X-Sandbox-Reason"] == "/invoice/foo: unknown field"
    body = json.loads(json.dumps(SPEC_INVOICE))
    body.pop("proprietary_uid", None)
    body["invoice"]["date"], body["invoice"]["due_date"] = date_in(9), date_in(0)
    r = api.post("/invoices.json", json=body)  # a rule of the domain, not of the schema
    assert r.status_code == 422
    assert r.headers["X-Sandbox-Reason"].startswith("/invoice/due_date: ")
    reasons = [c["reason"] for c in sb.admin.get("/_sandbox/calls").json()["calls"]]
    assert "/invoice/items/0/description: required" in reasons
    assert "/invoice/foo: unknown field" in reasons


def test_log_prints_a_redacted_line_per_call() -> None:
    log = io.StringIO()
    with running_sandbox(log=log) as sb, sb.client() as client:
        key = sb.api_key
        client.get("/taxes.json")
        client.post("/clients.json", json={"client": {"name": "a", "code": "c", "foo": 1}})
    lines = log.getvalue().splitlines()
    assert lines[0].startswith("GET /taxes.json?api_key=")
    assert " 200 " in lines[0]
    assert key not in log.getvalue()
    assert " 422 " in lines[1]
    assert "unknown field" in lines[1]


# ---------------------------------------------------------------- secrets off command lines


def _descendant_cmdlines(root: int) -> list[str]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == root:
            out.append(cmdline)
    return out


def test_subprocess_sandbox_gets_its_token_from_the_environment() -> None:
    with running_sandbox(in_process=False) as sb:
        lines = _descendant_cmdlines(os.getpid())
        assert any("invoicexpress_sandbox" in line for line in lines)
        assert not [line for line in lines if sb.admin_token in line or sb.api_key in line]
        assert sb.admin.get("/_sandbox/health").status_code == 200


def test_ixc_contract_passes_the_key_by_environment(tmp_path: Path) -> None:
    # `ixc contract` checks up front that --base-url accepts the key: a live sandbox, its key.
    with running_sandbox() as sb:
        _pytest_child_without_the_key(tmp_path, sb.base_url, sb.api_key)


def _pytest_child_without_the_key(tmp_path: Path, base_url: str, key: str) -> None:
    cmd = [
        sys.executable,
        "-m",
        "ixc.cli",
        "contract",
        "--base-url",
        base_url,
        "--api-key",
        key,
        "-n",
        "0",
        "--report-dir",
        str(tmp_path),
        "--junit",
        str(tmp_path / "j.xml"),
        "--record",
        str(tmp_path / "r.jsonl"),
        "-k",
        "nothing_at_all",
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    children: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while not children and proc.poll() is None and time.monotonic() < deadline:
            children = [c for c in _descendant_cmdlines(proc.pid) if "-m pytest" in c]
            time.sleep(0.05)
    finally:  # the child's command line is all this test needs: stop the run (our group only)
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    assert children, "never saw the pytest child"
    assert not [line for line in children if key in line]


def test_db_file_is_fsynced_on_every_commit(tmp_path: Path) -> None:
    sandbox = Sandbox(Options(db=str(tmp_path / "s.db"), admin_token="t"))
    with sandbox.store.read() as tx:
        level = tx._conn.execute("PRAGMA synchronous").fetchone()[0]
    assert level == 2  # FULL
    sandbox.store.close()


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
