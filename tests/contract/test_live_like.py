"""`ixc sandbox --live-like` behaves like a real account: no admin routes, data nobody in the
run made, live quirks on, and the live limit of 100 requests a minute."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.contract.rehearsal import snapshot, start_sandbox


def test_live_like_sandbox_is_a_stranger_account(tmp_path: Path) -> None:
    db = tmp_path / "account.sqlite"
    proc, url, key = start_sandbox("--live-like", "--db", str(db))
    try:
        with httpx.Client(base_url=url, params={"api_key": key}, timeout=30) as api:
            assert api.get("/_sandbox/health").status_code in (401, 404)  # none to reach
            clients = api.get("/clients.json").json()["clients"]
            assert len(clients) == 3
            invoices = api.get("/invoices.json").json()["pagination"]["total_entries"]
            assert invoices >= 3
            quirk = api.post("/taxes.json", json={"tax": {"name": "N", "value": 5, "region": "PT"}})
            assert quirk.status_code == 500  # tax_numeric_value_500
            statuses = [api.get("/taxes.json").status_code for _ in range(100)]
            assert statuses.count(429) >= 1
            limited = api.get("/taxes.json")
            assert limited.status_code == 429
            assert limited.headers["retry-after"].isdigit()
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    kinds = {kind for kind, _ in snapshot(db)}
    assert kinds >= {"client", "document", "item", "tax"}
