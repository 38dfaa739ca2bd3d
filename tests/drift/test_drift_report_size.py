"""One cause, one row; a comment that always fits (GitHub holds 65,536 characters per comment)."""

from __future__ import annotations

import pickle

from invoicexpress_drift import Finding, Level, Report
from invoicexpress_drift.corpus import MUTATIONS
from invoicexpress_drift.render import MARKDOWN_BUDGET, rows, to_markdown
from invoicexpress_drift.spec_diff import diff_documents


def _report(frozen: bytes, mutation_id: str) -> Report:
    base, revision = pickle.loads(frozen), pickle.loads(frozen)  # noqa: S301 (our own bytes)
    next(m for m in MUTATIONS if m.id == mutation_id).apply(revision)
    findings, titles = diff_documents(base, revision)
    return Report("spec", "base.yaml", "revision.yaml", findings, "2026-01-01T00:00:00Z", titles)


def test_api_key_moving_to_a_header_is_one_row(frozen: bytes) -> None:
    report = _report(frozen, "api-key-query-to-header")
    assert len(report.findings) > 100  # every operation is reached...
    (row,) = rows(report.findings, "spec")  # ...by one cause
    assert row.head.cause == "#/components/securitySchemes/apiKeyAuth"
    text = to_markdown(report)
    assert f"<summary>{len(report.findings)} operations</summary>" in text
    assert text.count("security-scheme-changed") == 2  # the tally and the one row
    assert len(text) < 5_000


def test_shared_date_pattern_is_judged_per_side_in_one_row_each(frozen: bytes) -> None:
    """`DateDMY` types query filters (requests) and document dates (responses)."""
    report = _report(frozen, "shared-date-pattern-narrowed")
    grouped = rows(report.findings, "spec")
    assert [(r.head.rule, r.head.level) for r in grouped] == [
        ("request-constraint-tightened", Level.ERR),
        ("response-constraint-tightened", Level.INFO),
    ]
    assert all(r.head.cause == "#/components/schemas/DateDMY" for r in grouped)
    assert len(grouped[1].operations) > len(grouped[0].operations) > 3  # ordered by level first


def _worst_case(n: int) -> Report:
    """Many causes, each reaching many operations, with long messages."""
    ops = [f"GET /a/very/long/path/number/{i}/{{document-id}}.json" for i in range(120)]
    findings = [
        Finding(
            rule="response-property-removed" if i % 3 else "request-constraint-tightened",
            level=Level.INFO if i % 2 else Level.ERR,
            operation=ops[(i * 7 + j) % len(ops)],
            pointer=f"/responses/200/x{i}",
            message=f"response 200 property `field_{i}` removed " + "x" * 200,
            cause=f"#/components/schemas/S{i}",
            cause_message=f"`S{i}.field` (responses) removed " + "y" * 300,
        )
        for i in range(n)
        for j in range(40)
    ]
    titles = {op: f"{op} (operation{i})" for i, op in enumerate(ops)}
    return Report("spec", "a.yaml", "b.yaml", findings, "2026-01-01T00:00:00Z", titles)


def test_markdown_stays_under_the_budget_and_says_what_it_left_out() -> None:
    report = _worst_case(1500)
    text = to_markdown(report, full_report="reports/drift.json")
    assert len(text.encode("utf-8")) < MARKDOWN_BUDGET
    assert "rows left out to fit a comment" in text
    assert "`reports/drift.json`" in text
    shown = text.count("| 🔴 ERR | `") + text.count("| 🔵 INFO | `")
    assert shown > 20
    # ERR rows come first: every row shown before the cut is ERR while ERR rows remain
    table = [line for line in text.splitlines() if line.startswith(("| 🔴", "| 🔵"))]
    levels = [line.startswith("| 🔴") for line in table if "operations</summary>" in line]
    assert levels == sorted(levels, reverse=True)


def test_small_report_is_whole() -> None:
    text = to_markdown(_worst_case(3))
    assert "left out" not in text
    assert text.count("<summary>40 operations</summary>") == 3


def test_server_drift_folds_one_renamed_field_across_operations() -> None:
    """The sandbox's `rename_field` fault shows up on every document operation: two rows."""
    findings = []
    for i in range(19):
        op = f"getDoc{i}"
        root = f"doc{i % 4}"
        findings.append(Finding("missing-required-field", Level.ERR, op,
                                f"/p{i}/properties/currency", "required field missing",
                                location=f"{root}.currency"))  # fmt: skip
        findings.append(Finding("undocumented-response-field", Level.WARN, op,
                                f"/p{i}/properties/currency_name", "field not documented",
                                location=f"{root}.currency_name", example="Euro"))  # fmt: skip
    report = Report("server", "spec.yaml", "run.jsonl", findings, "2026-01-01T00:00:00Z")
    assert len(rows(findings, "server")) == 2
    text = to_markdown(report)
    assert "<summary>19 operations</summary>" in text
    assert "`Euro`" in text  # the offending value, not the object around it


def test_a_row_over_several_operations_names_the_field_not_one_operations_path() -> None:
    findings = [
        Finding("missing-required-field", Level.ERR, op, f"/{root}/0/id",
                f"required field `{root}[].id` is missing", location=f"{root}[].id")
        for op, root in (("listSequences", "sequences"), ("listTaxes", "taxes"))
    ]  # fmt: skip
    report = Report("server", "spec.yaml", "run.jsonl", findings, "2026-01-01T00:00:00Z")
    [line] = [x for x in to_markdown(report).splitlines() if "is missing" in x]
    assert "required field `id` is missing" in line
    assert "sequences[]" not in line
    assert "taxes[]" not in line
    assert "listSequences" in line
    assert "listTaxes" in line
