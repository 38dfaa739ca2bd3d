"""One verdict per finding (level, JSON `breaking`, exit code, JUnit agree), messages a reader
can act on, and a pull-request comment that never hides a whole level."""

from __future__ import annotations

import json
import pickle
from xml.etree import ElementTree as ET

import pytest

from invoicexpress_drift import SERVER_RULES, SPEC_RULES, Finding, Level, Report
from invoicexpress_drift.corpus import EQUIVALENTS, MUTATIONS, NEAR_MISSES, Mutation
from invoicexpress_drift.render import rows, to_json_data, to_junit, to_markdown
from invoicexpress_drift.spec_diff import diff_documents

BY_ID = {m.id: m for m in [*MUTATIONS, *NEAR_MISSES, *EQUIVALENTS]}


def _report(frozen: bytes, mutation: Mutation) -> Report:
    base, revision = pickle.loads(frozen), pickle.loads(frozen)  # noqa: S301 (our own bytes)
    for doc in (base, revision) if mutation.base else ():
        assert mutation.base is not None
        mutation.base(doc)
    mutation.apply(revision)
    findings, titles = diff_documents(base, revision)
    return Report("spec", "base.yaml", "revision.yaml", findings, "2026-01-01T00:00:00Z", titles)


@pytest.mark.parametrize("kind", ["spec", "server"])
def test_every_rule_has_one_verdict_in_every_output(kind: str) -> None:
    """Over the whole rule table: the JSON flag, --fail-on ERR (the default), the JUnit
    failure and the Markdown count all read the level, and agree."""
    rules = SPEC_RULES if kind == "spec" else SERVER_RULES
    for rule in rules.values():
        finding = Finding(rule.id, rule.level, "getTax", "/x", "a change")
        report = Report(kind, "a", "b", [finding], "-", {})
        breaking = rule.level is Level.ERR
        assert finding.breaking is breaking, rule.id
        assert bool(report.failing(Level.ERR)) is breaking, rule.id
        if kind == "spec":
            (item,) = to_json_data(report)["changes"]
            assert item["breaking"] is breaking, rule.id
            assert item["level"] == rule.level.name, rule.id
            assert f"Breaking (ERR): **{int(breaking)}**" in to_markdown(report), rule.id
        junit = ET.fromstring(to_junit(report).split("\n", 1)[1])  # noqa: S314 (our own XML)
        assert (junit.find(".//failure") is not None) is breaking, rule.id


@pytest.mark.parametrize(
    ("mutation", "rule", "level"),
    [
        ("error-status-removed", "response-non-success-status-removed", Level.WARN),
        ("query-default-changed", "request-default-changed", Level.ERR),
        ("body-default-changed", "request-default-changed", Level.ERR),
        ("query-default-removed", "request-default-removed", Level.WARN),
    ],
)
def test_removed_error_status_and_defaults_have_their_decided_level(
    frozen: bytes, mutation: str, rule: str, level: Level
) -> None:
    report = _report(frozen, BY_ID[mutation])
    found = [f for f in report.findings if f.rule == rule]
    assert found
    assert {f.level for f in found} == {level}
    assert {to_json_data(report)["changes"][0]["breaking"]} == {level is Level.ERR}


def test_changed_default_names_the_parameter_and_both_values(frozen: bytes) -> None:
    report = _report(frozen, BY_ID["query-default-changed"])
    messages = {f.message for f in report.findings}
    assert messages == {"query parameter `page`: default changed from `1` to `2`"}
    assert {f.location for f in report.findings} == {"query parameter `page`"}


def test_count_bounds_read_as_added_and_removed(frozen: bytes) -> None:
    added = _report(frozen, BY_ID["query-maxlength-added"])
    assert {f.message for f in added.findings} == {
        "query parameter `text`: maxLength added: 20",
    }
    removed = Mutation(
        "x",
        False,
        "",
        lambda d: d["components"]["parameters"]["PerPage"]["schema"].pop("maximum"),
    )
    assert {f.message for f in _report(frozen, removed).findings} == {
        "query parameter `per_page`: maximum removed (was 100)"
    }


def test_replaced_security_scheme_is_one_row_saying_what_stopped_working(frozen: bytes) -> None:
    report = _report(frozen, BY_ID["api-key-replaced-by-bearer"])
    (row,) = rows(report.findings, "spec")
    assert row.head.rule == "security-scheme-replaced"
    assert len(row.operations) == len(report.operations)
    assert len(row.operations) > 100
    assert row.head.cause_message == (
        "`apiKeyAuth` (API key in query `api_key`) no longer accepted: "
        "calls need `bearerAuth` (HTTP bearer) instead"
    )
    text = to_markdown(report)
    assert text.count("no longer accepted") == 1
    assert f"<summary>{len(row.operations)} operations</summary>" in text


def _mixed(n_err: int, n_warn: int, n_renames: int) -> Report:
    """Many long ERR causes, some WARN causes, many operationId renames."""
    findings = [
        Finding(
            "response-property-removed",
            Level.ERR,
            f"GET /e{i}",
            f"/p{i}",
            "removed " + "x" * 400,
            cause=f"#/components/schemas/E{i}",
            cause_message=f"`E{i}.f` removed " + "y" * 400,
        )
        for i in range(n_err)
    ]
    findings += [
        Finding("request-parameter-removed", Level.WARN, f"GET /w{i}", "/q", f"w{i} removed")
        for i in range(n_warn)
    ]
    findings += [
        Finding(
            "api-operation-id-changed",
            Level.WARN,
            f"GET /r{i}",
            "/operationId",
            f"operationId changed from `old{i}` to `new{i}`",
        )
        for i in range(n_renames)
    ]
    findings += [Finding("api-path-added", Level.INFO, "GET /new", "", "path added")]
    titles = {f.operation: f"{f.operation} (op)" for f in findings}
    return Report("spec", "a", "b", findings, "-", titles)


def test_err_rows_never_hide_every_warn_row() -> None:
    report = _mixed(n_err=400, n_warn=40, n_renames=58)
    text = to_markdown(report, full_report="reports/drift.json")
    assert len(text.encode("utf-8")) < 60_000
    table = [ln for ln in text.splitlines() if ln.startswith("| 🟠 WARN | `request-param")]
    assert len(table) > 10  # a share of the comment is kept for WARN rows
    (renames,) = [ln for ln in text.splitlines() if "| 58 operationIds changed" in ln]
    assert "operationId changed from `old0` to `new0`" in renames
    assert "`api-path-added` | path added" in text  # every rule that fired has a row
    note = next(ln for ln in text.splitlines() if ln.startswith("> ✂️"))
    assert "ERR" in note
    assert "`response-property-removed`" in note
    assert "`reports/drift.json`" in note


def test_folded_renames_stay_one_row_per_rename_in_json() -> None:
    report = _mixed(n_err=0, n_warn=0, n_renames=5)
    changes = json.loads(json.dumps(to_json_data(report)))["changes"]
    assert sum(c["id"] == "api-operation-id-changed" for c in changes) == 5
    assert len(rows(report.findings, "spec")) == 2
