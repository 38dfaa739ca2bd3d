"""Issue 13, the admin side: admin routes need the token and loopback, a refused request says
why in `X-Sandbox-Reason` and the call log, and secrets stay off command lines."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from invoicexpress_sandbox import Options, Sandbox
from invoicexpress_sandbox.testdata import date_in, example, iso_date_in
from invoicexpress_sandbox.testing import RunningSandbox, running_sandbox

SPEC_INVOICE = example("createInvoice")
JSON = {"content-type": "application/json"}
POISON = '{"client":{"name":"Poison\\ud800","code":"P1"}}'  # what json.dumps sends


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
    # A page's request carries its Origin: refused before anything else (403). Without the
    # mark (a browser that sends none), the token and the JSON-only rule still hold.
    for marked, reset_status, planted_status in ((True, 403, 403), (False, 401, 415)):
        page = {"content-type": "text/plain"}
        if marked:
            page["Origin"] = "http://attacker.example"
        reset = httpx.post(f"{sb.base_url}/_sandbox/reset", headers=page, content="{}")
        assert reset.status_code == reset_status
        planted = httpx.post(
            f"{sb.base_url}/_sandbox/accounts",
            headers={**page, "X-Sandbox-Token": sb.admin_token},
            content='{"name":"evil","api_key":"evil-key"}',
        )
        assert planted.status_code == planted_status
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
    sandbox = Sandbox(Options(db=str(tmp_path / "s.db"), admin_token="t" * 16))
    with sandbox.store.read() as tx:
        level = tx._conn.execute("PRAGMA synchronous").fetchone()[0]
    assert level == 2  # FULL
    sandbox.store.close()
