"""Server drift against the real sandbox: each fault is reported by the right rule, and the
faithful sandbox reports nothing beyond the committed baseline.

The exchanges are made here with httpx and recorded with `Exchange.from_httpx`, exactly as a
contract run records them; request bodies come from the spec's own `sandbox` examples.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from invoicexpress_core.exchange import Exchange
from invoicexpress_core.spec import Spec, load_spec
from invoicexpress_drift import load_baseline, server_drift

pytestmark = pytest.mark.slow

sandbox_testing = pytest.importorskip("invoicexpress_sandbox.testing")
sandbox_faults: dict[str, Any] = pytest.importorskip("invoicexpress_sandbox._faults").CATALOGUE

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "drift-baseline.json"
CREATES = ("createInvoice", "createInvoiceReceipt", "createQuote")

# The rule that must report each fault.
FAULT_RULES = {
    "rename_field": "undocumented-response-field",
    "wrong_type": "type-mismatch",
    "drop_required": "missing-required-field",
    "wrong_status": "undocumented-success-status",
    "allow_forbidden_transition": "state-transition-undocumented",
    "skip_auth": "security-not-enforced",
    "iso_dates": "date-format-mismatch",
    "enum_changed": "undocumented-enum-value",
    "wrong_content_type": "undocumented-content-type",
    "missing_content_type": "undocumented-content-type",
    "null_items": "unexpected-null",
    "not_found_as_422": "undocumented-status-code",
    "auth_as_403": "undocumented-status-code",
}
# Faults this recording cannot show drift for, and why. Every one is caught by a named contract
# test (tests/contract/test_proof_of_power.py).
NOT_DRIFT = {
    # Schema-valid faults: every field keeps its documented type and format; only behaviour
    # (arithmetic, persistence, filters, numbering...) is wrong.
    *(name for name, fault in sandbox_faults.items() if fault.schema_valid),
    # The recording sends no wrong key, no invalid body and does not reach the rate limit.
    "wrong_key_accepted",
    "validation_as_400",
    "retry_after_not_integer",
} - set(FAULT_RULES)


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Any]:
    with sandbox_testing.running_sandbox() as sb:
        yield sb


def _example(spec: Spec, operation_id: str) -> dict[str, Any] | None:
    op = spec.operations.get(operation_id)
    if op is None or "requestBody" not in op.raw:
        return None
    content = spec.resolve(op.raw["requestBody"])["content"]["application/json"]
    value = (content.get("examples") or {}).get("sandbox", {}).get("value")
    return value if isinstance(value, dict) else None


def _record(spec: Spec, sb: Any) -> list[Exchange]:
    """Lists, then create → get → finalize (twice) → cancel for three document types."""
    exchanges: list[Exchange] = []

    def keep(response: httpx.Response) -> httpx.Response:
        exchanges.append(Exchange.from_httpx(response, secrets=[sb.api_key]))
        return response

    with sb.client() as client:
        for op in spec:
            if op.method == "GET" and op.operation_id.startswith("list") and "{" not in op.path:
                keep(client.get(op.path))
        for n, operation_id in enumerate(CREATES):
            body = _example(spec, operation_id)
            if body is None:
                continue
            if "proprietary_uid" in body:
                body = {**body, "proprietary_uid": f"drift-{n}"}
            op = spec.operations[operation_id]
            created = keep(client.post(op.path, json=body))
            try:
                doc_id = next(iter(json.loads(created.text).values()))["id"]
            except (ValueError, KeyError, StopIteration, TypeError):
                continue  # a fault may hide the id; the lists and errors still get checked
            root = next(k for k in body if k != "proprietary_uid")
            base = op.path.removesuffix(".json")
            keep(client.get(f"{base}/{doc_id}.json"))
            for state in ("finalized", "finalized", "canceled"):
                event: dict[str, Any] = {"state": state}
                if state == "canceled":
                    event["message"] = "Emitido por engano"
                keep(client.put(f"{base}/{doc_id}/change-state.json", json={root: event}))
        keep(client.get("/invoices/999999.json"))
    with httpx.Client(base_url=sb.base_url, timeout=30) as anonymous:
        keep(anonymous.get("/invoices.json"))  # no api_key: must be refused
    return exchanges


def test_every_sandbox_fault_is_classified() -> None:
    assert set(FAULT_RULES) | NOT_DRIFT == set(sandbox_faults)
    assert not set(FAULT_RULES) & NOT_DRIFT


def test_faithful_sandbox_reports_nothing_beyond_the_baseline(spec: Spec, sandbox: Any) -> None:
    sandbox.reset()
    report = server_drift(
        spec, _record(spec, sandbox), source="sandbox", baseline=load_baseline(BASELINE)
    )
    assert [f.message for f in report.findings if not f.baselined] == []


@pytest.mark.parametrize("fault", sorted(FAULT_RULES))
def test_sandbox_fault_is_reported_by_its_rule(spec: Spec, sandbox: Any, fault: str) -> None:
    sandbox.reset()
    sandbox.set_faults(fault)
    try:
        exchanges = _record(spec, sandbox)
    finally:
        sandbox.set_faults()
    report = server_drift(spec, exchanges, source=fault, baseline=load_baseline(BASELINE))
    new = {f.rule for f in report.findings if not f.baselined}
    assert FAULT_RULES[fault] in new


def test_sandbox_recordings_never_carry_the_key(spec: Spec, sandbox: Any) -> None:
    sandbox.reset()
    text = "\n".join(ex.to_json() for ex in _record(spec, sandbox))
    assert sandbox.api_key not in text


def test_probe_stays_within_its_budget_and_records_no_key(spec: Spec, sandbox: Any) -> None:
    from invoicexpress_drift.probe import probe

    sandbox.reset()
    exchanges = probe(spec, sandbox.base_url, sandbox.api_key, max_requests=5)
    assert len(exchanges) == 5
    assert all(ex.method == "GET" for ex in exchanges)
    assert sandbox.api_key not in "\n".join(ex.to_json() for ex in exchanges)


def test_probe_follows_lists_to_documents(spec: Spec, sandbox: Any) -> None:
    from invoicexpress_drift.probe import probe

    sandbox.reset()
    with sandbox.client() as client:
        body = _example(spec, "createInvoice")
        assert body is not None
        client.post(spec.operations["createInvoice"].path, json=body).raise_for_status()
    exchanges = probe(spec, sandbox.base_url, sandbox.api_key, max_requests=200)
    fetched = {ex.operation_id for ex in exchanges}
    assert "getInvoice" in fetched
    assert server_drift(spec, exchanges, source="probe").findings == []


def test_cli_probe_against_the_sandbox(
    spec: Spec,
    sandbox: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ixc.cli import main

    sandbox.reset()
    monkeypatch.setenv("INVOICEXPRESS_API_KEY", sandbox.api_key)
    out, rec = tmp_path / "probe.md", tmp_path / "probe.jsonl"
    args = ["drift", "server", "--probe", "--base-url", sandbox.base_url, "--max-requests", "8"]
    code = main(
        [*args, "--record", str(rec), "--markdown", str(out), "--fail-on", "WARN", "--quiet"]
    )
    assert code == 0
    assert len(rec.read_text().splitlines()) == 8
    assert sandbox.api_key not in out.read_text() + rec.read_text()
    # Progress went to stderr, one plain line per request: no control codes off a terminal.
    err = capsys.readouterr().err
    assert err.count("ixc drift server --probe: ") == 9
    assert "\r" not in err
    assert "\x1b" not in err
    # An empty account is not a clean one: the report says what the probe could not check.
    report = out.read_text()
    assert "Probe coverage: " in report
    assert "came back empty" in report
    assert "the budget of 8 requests ran out" in report
    assert "write operation(s) never probed" in report


def test_one_renamed_field_is_one_row_per_rule(spec: Spec, sandbox: Any) -> None:
    """`rename_field` touches every document answer: the report folds it, and its examples
    are the offending values, never the whole object or its key list."""
    from invoicexpress_drift.render import rows, to_markdown

    sandbox.reset()
    sandbox.set_faults("rename_field")
    try:
        exchanges = _record(spec, sandbox)
    finally:
        sandbox.set_faults()
    report = server_drift(spec, exchanges, source="rename_field")
    findings = [f for f in report.findings if f.rule != "undocumented-operation"]
    grouped = rows(findings, "server")
    assert len(findings) > 2 * len(grouped)
    assert {r.head.rule for r in grouped} == {
        "missing-required-field",
        "undocumented-response-field",
    }
    # the fault renames two fields (client.id, sequence_number): a missing and an extra each
    assert len(grouped) == 4
    for f in findings:
        assert not isinstance(f.example, (dict, list))
    assert "operations</summary>" in to_markdown(report)


def test_a_probe_the_server_refused_entirely_is_a_failure_not_a_pass(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong key: every request answers 401; that is not "0 findings"."""
    from ixc.cli import main

    monkeypatch.setenv("INVOICEXPRESS_API_KEY", "not-the-key-4567")
    args = ["drift", "server", "--probe", "--base-url", sandbox.base_url, "--max-requests", "4"]
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    [line] = [ln for ln in err.splitlines() if ln.startswith("ixc: error: ")]
    assert "the server refused every request (401 on 4 of 4)" in line
    assert "not-the-key-4567" not in err
