"""Drift reports: spec versus spec (a changelog) and server versus spec (observed drift).

    spec_drift(OLD, NEW)        -> Report(kind="spec")    rules in .rules.SPEC_RULES
    server_drift(spec, records) -> Report(kind="server")  rules in .rules.SERVER_RULES

Both reports render through .render (Markdown, JSON, JUnit); every rendering passes through
invoicexpress_core.exchange's redaction.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from pathlib import Path

from invoicexpress_core.exchange import Exchange
from invoicexpress_core.spec import Spec
from invoicexpress_drift._model import Finding, Level, Report, fingerprint
from invoicexpress_drift.baseline import apply_baseline, load_baseline, write_baseline
from invoicexpress_drift.inputs import InputError, label, read_document
from invoicexpress_drift.rules import SERVER_RULES, SPEC_RULES, Rule

SCHEMAS = Path(__file__).resolve().parent / "schemas"

__all__ = [
    "SCHEMAS", "SERVER_RULES", "SPEC_RULES", "Finding", "InputError", "Level", "Report", "Rule",
    "apply_baseline", "fingerprint", "load_baseline", "server_drift", "spec_drift",
    "write_baseline",
]  # fmt: skip


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def spec_drift(
    old: str,
    new: str,
    *,
    client_impact: bool = False,
    on_step: Callable[[str], None] | None = None,
) -> Report:
    """The changelog from spec `old` to spec `new` (files or git `REF:path`)."""
    from invoicexpress_drift.spec_diff import diff_documents  # each report loads only its own half

    old_doc, new_doc = read_document(old), read_document(new)
    findings, titles = diff_documents(old_doc, new_doc)
    report = Report("spec", label(old), label(new), findings, _now(), titles)
    if client_impact:
        from invoicexpress_drift.client_impact import client_impact as impact

        report.client_impact = impact(old_doc, new_doc, on_step)
    return report


def server_drift(
    spec: Spec,
    exchanges: Iterable[Exchange],
    *,
    source: str,
    secrets: Iterable[str] = (),
    baseline: dict[str, dict[str, str]] | None = None,
) -> Report:
    """Observed-versus-documented findings for `exchanges`, marked against `baseline`."""
    from invoicexpress_drift.server import ServerDrift

    checker = ServerDrift(spec, secrets=secrets)
    checker.feed(exchanges)
    findings = checker.findings()
    if baseline:
        apply_baseline(findings, baseline)
    titles = {op.operation_id: f"{op.method} {op.path} ({op.operation_id})" for op in spec}
    used = {f.operation for f in findings}
    report = Report(
        "server",
        label(str(spec.path)),
        source,
        findings,
        _now(),
        {k: v for k, v in titles.items() if k in used},
    )
    report.notes.append(f"{checker.exchanges} exchanges checked.")
    return report
