"""Each spec-drift rule has a before/after pair: a pair of files in tests/drift/specs (as
oasdiff does), or a mutation of the real spec in tests/drift/mutations.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from invoicexpress_drift import SPEC_RULES, Level, spec_drift
from invoicexpress_drift.corpus import MUTATIONS
from invoicexpress_drift.inputs import read_document
from invoicexpress_drift.spec_diff import diff_documents

SPECS = Path(__file__).resolve().parent / "specs"


# Changes a pair may legitimately raise besides its own rule (none may appear unexplained).
COMPANIONS = {
    "response-media-type-removed": {"response-media-type-added"},
    # dd/mm/yyyy -> yyyy-mm-dd: each pattern refuses the other's values
    "request-constraint-tightened": {"request-constraint-relaxed"},
    "response-constraint-relaxed": {"response-constraint-tightened"},
    "request-parameter-type-changed": {"request-constraint-tightened"},  # and a format
}
PAIRED = sorted({p.name.rsplit("_", 1)[0] for p in SPECS.glob("*.yaml")})


def _pair(rule: str) -> tuple[Path, Path]:
    return SPECS / f"{rule}_base.yaml", SPECS / f"{rule}_revision.yaml"


@pytest.mark.parametrize("rule", PAIRED)
def test_rule_is_raised_by_its_pair_with_its_level(rule: str) -> None:
    base, revision = _pair(rule)
    report = spec_drift(str(base), str(revision))
    raised = {f.rule for f in report.findings}
    assert rule in raised
    assert raised <= {rule} | COMPANIONS.get(rule, set())
    assert {f.level for f in report.findings if f.rule == rule} == {SPEC_RULES[rule].level}


@pytest.mark.parametrize("rule", PAIRED)
def test_pair_compared_with_itself_raises_nothing(rule: str) -> None:
    base, revision = _pair(rule)
    assert spec_drift(str(base), str(base)).findings == []
    assert spec_drift(str(revision), str(revision)).findings == []


def test_every_rule_has_a_before_after_pair() -> None:
    assert set(PAIRED) <= set(SPEC_RULES)
    mutated = {m.rule for m in MUTATIONS if m.rule}
    assert set(SPEC_RULES) - set(PAIRED) - mutated == set()


def test_removal_and_addition_are_judged_by_direction() -> None:
    """The same enum edit is breaking in a response and harmless in a request."""
    added_to_response = spec_drift(*map(str, _pair("response-property-enum-value-added")))
    added_to_request = spec_drift(*map(str, _pair("request-property-enum-value-added")))
    assert {f.level for f in added_to_response.findings} == {Level.ERR}
    assert {f.level for f in added_to_request.findings} == {Level.INFO}


def test_renamed_response_property_is_one_rename_not_remove_plus_add() -> None:
    report = spec_drift(*map(str, _pair("response-property-renamed")))
    messages = [f.message for f in report.findings]
    assert messages
    assert all("renamed to `currency_name`" in m for m in messages)


def test_fingerprint_ignores_message_and_survives_rewording(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, revision = _pair("response-property-removed")
    first = {f.fingerprint for f in spec_drift(str(base), str(revision)).findings}
    old, new = read_document(str(base)), read_document(str(revision))
    findings, _ = diff_documents(old, new)
    for f in findings:
        f.message = "reworded"
    assert {f.fingerprint for f in findings} == first
    assert len(first) == len(findings)


def test_refs_are_resolved_so_inlining_a_schema_changes_nothing() -> None:
    base = read_document(str(SPECS / "api-path-added_revision.yaml"))
    inlined = read_document(str(SPECS / "api-path-added_revision.yaml"))
    schemas = inlined["components"]["schemas"]
    ok = inlined["paths"]["/invoices/{document-id}.json"]["get"]["responses"]["200"]
    ok["content"]["application/json"]["schema"] = {
        "type": "object",
        "required": ["invoice"],
        "properties": {"invoice": schemas["Invoice"]},
    }
    findings, _ = diff_documents(base, inlined)
    assert findings == []


def test_operations_are_matched_across_templated_and_concrete_paths() -> None:
    """The vendor's `/{type}.json` and our concrete `/invoices.json` are one operation."""
    old = read_document(str(SPECS / "api-path-added_revision.yaml"))
    new = read_document(str(SPECS / "api-path-added_revision.yaml"))
    old["paths"]["/{invoices-type}/{document-id}.json"] = old["paths"].pop(
        "/invoices/{document-id}.json"
    )
    old["paths"]["/{invoices-type}/{document-id}.json"]["get"]["operationId"] = "getDoc"
    new["paths"]["/invoices/{document-id}.json"]["get"]["x-vendor-operation"] = "getDoc"
    findings, _ = diff_documents(old, new)
    assert [f.rule for f in findings] == ["api-operation-id-changed"]


def test_api_key_parameter_is_security_not_a_parameter() -> None:
    """The vendor lists `api_key` both as a parameter and as the scheme: one thing, not two."""
    old = read_document(str(SPECS / "api-path-added_revision.yaml"))
    new = read_document(str(SPECS / "api-path-added_revision.yaml"))
    old["paths"]["/invoices.json"]["get"]["parameters"].append(
        {"name": "api_key", "in": "query", "required": True, "schema": {"type": "string"}}
    )
    findings, _ = diff_documents(old, new)
    assert findings == []


def test_recursive_schemas_terminate() -> None:
    doc = read_document(str(SPECS / "api-path-added_revision.yaml"))
    item = doc["components"]["schemas"]["Item"]
    item["properties"]["children"] = {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Item"},
    }
    other = read_document(str(SPECS / "api-path-added_revision.yaml"))
    other["components"]["schemas"]["Item"] = item
    findings, _ = diff_documents(doc, other)
    assert findings == []


def test_templated_path_matches_only_values_its_enum_allows() -> None:
    """`/{invoices-type}.json` (enum: invoices) is `/invoices.json`, not `/purchase_orders.json`;
    the parameter the concrete path fills in is not reported as removed."""
    old = read_document(str(SPECS / "api-path-added_revision.yaml"))
    new = read_document(str(SPECS / "api-path-added_revision.yaml"))
    item = old["paths"].pop("/invoices.json")
    item["post"]["parameters"] = [
        {"name": "invoices-type", "in": "path", "required": True,
         "schema": {"type": "string", "enum": ["invoices"]}},
    ]  # fmt: skip
    del item["get"]
    old["paths"]["/{invoices-type}.json"] = item
    new["paths"]["/purchase_orders.json"] = {"post": dict(new["paths"]["/invoices.json"]["post"])}
    new["paths"]["/purchase_orders.json"]["post"]["operationId"] = "createPurchaseOrder"
    findings, _ = diff_documents(old, new)
    by_op = {(f.operation, f.rule) for f in findings}
    assert ("POST /purchase_orders.json", "api-path-added") in by_op
    assert not any(op == "POST /invoices.json" for op, _ in by_op)


def test_path_parameters_align_by_place_not_by_declaration_order() -> None:
    old = read_document(str(SPECS / "api-path-added_revision.yaml"))
    new = read_document(str(SPECS / "api-path-added_revision.yaml"))
    item = old["paths"].pop("/invoices/{document-id}.json")
    item["get"]["parameters"] = [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
        {"name": "type", "in": "path", "required": True, "schema": {"type": "string"}},
    ]
    old["paths"]["/{type}/{id}.json"] = item
    findings, _ = diff_documents(old, new)
    assert findings == []
