"""Markdown (a pull-request comment), JSON (schema-described) and JUnit renderings of a report.

Every rendering ends with `redact_text`: findings are redacted when built, and this is the
second layer, so a secret that slipped into a message still never reaches a file.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree as ET

from invoicexpress_core.exchange import redact_text
from ixc.drift._model import Finding, Level, Report
from ixc.drift.rules import SERVER_RULES, SPEC_RULES

SCHEMA_VERSION = 1
_ICON = {Level.ERR: "🔴 ERR", Level.WARN: "🟠 WARN", Level.INFO: "🔵 INFO"}


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _example(value: Any) -> str:
    """Strings as they are (easier to read), everything else, and the empty string, as JSON."""
    if isinstance(value, str) and value:
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return f"`{_md_cell(text)}`"


def _group(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[f.operation].append(f)
    return dict(sorted(groups.items()))


def to_markdown(
    report: Report, *, secrets: Iterable[str] = (), fail_on: Level | None = None
) -> str:
    counts = report.counts()
    title = "Spec changelog" if report.kind == "spec" else "Server drift"
    lines = [f"## {title}: `{report.base}` → `{report.revision}`", ""]
    if report.kind == "server":
        lines[0] = f"## {title}: `{report.revision}` observed against `{report.base}`"
    summary = ", ".join(f"{n} {lvl}" for lvl, n in counts.items())
    new = [f for f in report.findings if not f.baselined]
    accepted = len(report.findings) - len(new)
    noun = ("change" if report.kind == "spec" else "finding") + ("" if len(new) == 1 else "s")
    tail = f"; {accepted} accepted in the baseline" if accepted else ""
    lines.append(f"**{len(new)} {noun}** ({summary}){tail}.")
    if report.kind == "spec":
        breaking = sum(1 for f in new if f.breaking)
        lines.append(f"Breaking (ERR or WARN): **{breaking}**.")
    if fail_on is not None:
        failing = report.failing(fail_on)
        verdict = (
            f"❌ fails on {fail_on.name}" if failing else f"✅ passes --fail-on {fail_on.name}"
        )
        lines.append(f"Verdict: {verdict}.")
    lines.append("")
    for note in report.notes:
        lines.append(f"> {note}")
        lines.append("")
    if not new:
        lines.append("No changes." if report.kind == "spec" else "Nothing beyond the baseline.")
        lines.append("")
    else:
        lines += _by_rule(new, report.kind)
    for op, items in _group(new).items():
        lines.append(f"### {_md_cell(report.operations.get(op, op))}")
        lines.append("")
        if report.kind == "spec":
            lines.append("| Level | Rule | Where | Change | Fingerprint |")
            lines.append("|---|---|---|---|---|")
            for f in items:
                lines.append(
                    f"| {_ICON[f.level]} | `{f.rule}` | "
                    f"{_md_cell(f.location or f.pointer or '-')} | "
                    f"{_md_cell(f.message)} | `{f.fingerprint}` |"
                )
        else:
            lines.append("| Level | Rule | Where | Seen | Finding | Example | Fingerprint |")
            lines.append("|---|---|---|---|---|---|---|")
            for f in items:
                lines.append(
                    f"| {_ICON[f.level]} | `{f.rule}` | {_md_cell(f.location or '-')} | "
                    f"{f.count}× | "
                    f"{_md_cell(f.message)} | {_example(f.example)} | `{f.fingerprint}` |"
                )
        lines.append("")
    if accepted:
        lines.append("<details><summary>Accepted in the baseline</summary>")
        lines.append("")
        for f in report.findings:
            if f.baselined:
                lines.append(
                    f"- `{f.fingerprint}` `{f.rule}` {_md_cell(f.operation)}: {_md_cell(f.message)}"
                )
        lines.append("")
        lines.append("</details>")
        lines.append("")
    if report.client_impact is not None:
        lines += _client_impact_md(report.client_impact)
    lines.append(f"<sub>ixc drift {report.kind} · generated {report.generated_at}</sub>")
    return redact_text("\n".join(lines) + "\n", tuple(secrets))


def _by_rule(findings: list[Finding], kind: str) -> list[str]:
    """A rule-by-rule tally first: a long changelog is read by its shape before its rows."""
    rules = SPEC_RULES if kind == "spec" else SERVER_RULES
    tally: dict[str, int] = defaultdict(int)
    for f in findings:
        tally[f.rule] += 1
    order = sorted(tally, key=lambda r: (-rules[r].level, r))
    lines = ["| Level | Rule | Count | Why it has this level |", "|---|---|---|---|"]
    lines += [f"| {_ICON[rules[r].level]} | `{r}` | {tally[r]} | {rules[r].why} |" for r in order]
    return [*lines, ""]


def _client_impact_md(impact: dict[str, Any]) -> list[str]:
    lines = ["### Client impact (generated `invoicexpress_client`)", ""]
    if impact.get("error"):
        lines += [f"Could not regenerate the client: {impact['error']}", ""]
        return lines
    total = sum(len(impact.get(k, [])) for k in ("removed", "added", "changed"))
    if not total:
        lines += ["No public symbol changed.", ""]
        return lines
    lines.append("| Change | Kind | Symbol | Detail |")
    lines.append("|---|---|---|---|")
    for change in ("removed", "changed", "added"):
        for sym in impact.get(change, []):
            lines.append(
                f"| {change} | {sym['kind']} | `{_md_cell(sym['name'])}` | "
                f"{_md_cell(sym.get('detail', ''))} |"
            )
    lines.append("")
    return lines


def to_json_data(report: Report) -> dict[str, Any]:
    rules = SPEC_RULES if report.kind == "spec" else SERVER_RULES
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "kind": report.kind,
        "base": report.base,
        "revision": report.revision,
        "generated_at": report.generated_at,
        "summary": {**report.counts(), "baselined": sum(1 for f in report.findings if f.baselined)},
        "operations": dict(sorted(report.operations.items())),
    }
    items = []
    for f in report.findings:
        item = f.to_dict()
        item["why"] = rules[f.rule].why
        if report.kind == "server":
            item["count"] = f.count
            item["example"] = f.example
            item["baselined"] = f.baselined
        else:
            item["breaking"] = f.breaking
        items.append(item)
    data["changes" if report.kind == "spec" else "findings"] = items
    if report.kind == "spec":
        data["client_impact"] = report.client_impact
    return data


def to_json(report: Report, *, secrets: Iterable[str] = ()) -> str:
    text = json.dumps(to_json_data(report), ensure_ascii=False, indent=2, sort_keys=False)
    return redact_text(text + "\n", tuple(secrets))


def to_junit(
    report: Report, *, secrets: Iterable[str] = (), fail_on: Level | None = Level.ERR
) -> str:
    """One testcase per finding; a failure when it counts under `fail_on`, skipped if baselined."""
    suites = ET.Element("testsuites", name=f"ixc drift {report.kind}")
    for op, items in _group(report.findings).items():
        suite = ET.SubElement(
            suites, "testsuite", name=report.operations.get(op, op), tests=str(len(items))
        )
        failures = skipped = 0
        for f in items:
            case = ET.SubElement(
                suite, "testcase", classname=op, name=f"{f.rule} {f.location or f.pointer}".strip()
            )
            if f.baselined:
                ET.SubElement(case, "skipped", message=f"accepted in baseline ({f.fingerprint})")
                skipped += 1
            elif fail_on is not None and f.level >= fail_on:
                failure = ET.SubElement(
                    case, "failure", message=f"{f.level.name} {f.message}", type=f.rule
                )
                failure.text = json.dumps(
                    {
                        "fingerprint": f.fingerprint,
                        "pointer": f.pointer,
                        "count": f.count,
                        "example": f.example,
                    },
                    ensure_ascii=False,
                )
                failures += 1
            else:
                out = ET.SubElement(case, "system-out")
                out.text = f"{f.level.name} {f.message} ({f.fingerprint})"
        suite.set("failures", str(failures))
        suite.set("skipped", str(skipped))
    if not report.findings:
        suite = ET.SubElement(suites, "testsuite", name="drift", tests="1", failures="0")
        ET.SubElement(suite, "testcase", classname="drift", name="no findings")
    ET.indent(suites)
    text = ET.tostring(suites, encoding="unicode", xml_declaration=True)
    return redact_text(text + "\n", tuple(secrets))
