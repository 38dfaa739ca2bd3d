"""Gapless numbering under concurrency, and state that survives a restart with --db."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from invoicexpress_sandbox.testdata import change_state, create_document
from invoicexpress_sandbox.testing import RunningSandbox, running_sandbox


def test_50_concurrent_finalisations_on_one_series_are_gapless(sb: RunningSandbox) -> None:
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
    with sb.client(limits=limits) as api:
        drafts = [create_document(api, "invoices")["id"] for _ in range(50)]

        def finalise(doc_id: int) -> str:
            r = change_state(api, "invoices", doc_id, "finalized", None)
            assert r.status_code == 200, r.text
            return str(r.json()["invoice"]["sequence_number"])

        with ThreadPoolExecutor(max_workers=50) as pool:
            numbers = list(pool.map(finalise, drafts))
        series = api.get("/sequences.json").json()["sequences"][0]
    assert sorted(int(n.split("/")[0]) for n in numbers) == list(range(1, 51))
    assert {n.split("/")[1] for n in numbers} == {series["serie"]}
    assert series["current_invoice_number"] == 50


def test_concurrent_creates_with_one_proprietary_uid_create_one_document(
    sb: RunningSandbox,
) -> None:
    from invoicexpress_sandbox._catalog import DOC_TYPES
    from invoicexpress_sandbox.testdata import document_fields

    body = {"invoice": document_fields(DOC_TYPES["invoices"]), "proprietary_uid": "order-42"}
    with sb.client(limits=httpx.Limits(max_connections=20)) as api:
        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(
                pool.map(lambda _: api.post("/invoices.json", json=body).status_code, range(20))
            )
        listed = api.get("/invoices.json").json()["pagination"]["total_entries"]
    assert sorted(statuses) == [201] + [409] * 19
    assert listed == 1


@pytest.mark.slow
def test_restart_with_db_keeps_documents_numbers_and_keys(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.sqlite"
    with running_sandbox(db=db, in_process=False) as first, first.client() as api:
        doc = create_document(api, "invoices")
        assert change_state(api, "invoices", doc["id"], "finalized", None).status_code == 200
        r = api.put(
            f"/invoices/{doc['id']}/email-document.json",
            json={"message": {"client": {"email": "cliente@example.com", "save": "1"}}},
        )
        assert r.status_code == 200
        other_key = first.admin.post("/_sandbox/accounts", json={"name": "outra"}).json()["api_key"]
    with running_sandbox(db=db, in_process=False) as second, second.client() as api:
        with second.client(params={"api_key": other_key}) as theirs:
            assert theirs.get("/invoices.json").status_code == 200  # a random key survived
        again = api.get(f"/invoices/{doc['id']}.json")
        assert again.status_code == 200
        assert again.json()["invoice"]["status"] == "final"
        assert again.json()["invoice"]["sequence_number"].startswith("1/")
        assert len(second.outbox()) == 1
        other = create_document(api, "invoices")
        final = change_state(api, "invoices", other["id"], "finalized", None).json()["invoice"]
        assert final["sequence_number"].startswith("2/")
        assert other["id"] > doc["id"]
