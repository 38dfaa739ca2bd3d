"""Markdown (a pull-request comment), JSON (schema-described) and JUnit renderings of a report.

Every rendering ends with `redact_text`: findings are redacted when built, and this is the
second layer, so a secret that slipped into a message still never reaches a file.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from invoicexpress_core.exchange import redact_text
from invoicexpress_drift._model import Finding, Level, Report
from invoicexpress_drift.rules import SERVER_RULES, SPEC_RULES

SCHEMA_VERSION = 1
_ICON = {Level.ERR: "🔴 ERR", Level.WARN: "🟠 WARN", Level.INFO: "🔵 INFO"}


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _example(value: Any) -> str:
    """Strings as they are (easier to read), everything else, and the empty string, as JSON;
    nothing (a missing field) as a dash."""
    if value is None:
        return "—"
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


MARKDOWN_BUDGET = 60_000  # a GitHub comment holds 65,536 characters; keep a margin
_LISTED_OPERATIONS = 25
_LISTED_SYMBOLS = 120


@dataclass
class _Row:
    """Findings with one root cause: one row naming the cause, counting what it reaches."""

    findings: list[Finding]

    @property
    def head(self) -> Finding:
        return self.findings[0]

    @property
    def operations(self) -> list[str]:
        return sorted({f.operation for f in self.findings})

    @property
    def order(self) -> tuple[int, int, str, str]:
        return (-self.head.level, -len(self.operations), self.head.rule, self.head.message)


# Rules whose findings read best as one row with a count, each operation's own change listed.
_FOLDED = {"api-operation-id-changed": "operationIds changed (generated function names follow)"}


def _root(f: Finding, kind: str) -> tuple[str, ...]:
    """What makes findings one change: a shared component (spec) or one field or status seen
    across operations (server), else the finding itself."""
    if kind == "spec":
        if f.rule in _FOLDED:
            return (f.rule,)
        if f.cause:
            return (f.rule, f.cause, f.cause_message)
        return (f.rule, f.operation, f.pointer)
    if f.rule == "undocumented-operation":
        return (f.rule, f.operation)
    return (f.rule, _leaf(f.location) if f.location else f.pointer)


def _leaf(location: str) -> str:
    """The field name a location ends in: a server renaming `id` renames it at every depth."""
    return re.split(r"[.\[\]]+", location.strip(".[]"))[-1]


def _field(location: str) -> str:
    """A location without its root key: `invoice.client.id` and `credit_note.client.id` are
    one field of the shared document shape (`client.id`)."""
    _, dot, rest = location.partition(".")
    return rest if dot and rest else location


def rows(findings: Iterable[Finding], kind: str) -> list[_Row]:
    grouped: dict[tuple[str, ...], list[Finding]] = defaultdict(list)
    for f in findings:
        grouped[_root(f, kind)].append(f)
    return sorted((_Row(items) for items in grouped.values()), key=lambda r: r.order)


def _reach(row: _Row, titles: dict[str, str], fingerprints: bool) -> str:
    ops = row.operations

    folded = row.head.rule in _FOLDED

    def name(op: str) -> str:
        prints = sorted({f.fingerprint for f in row.findings if f.operation == op})
        tail = f" `{', '.join(prints)}`" if fingerprints else ""
        if folded:  # each operation's own change
            own = next(f.message for f in row.findings if f.operation == op)
            tail += f": {_md_cell(own)}"
        title = titles.get(op, op)
        if len(ops) > 1:  # in a list the operationId says enough
            found = re.search(r"\(([^()]+)\)$", title)
            title = found.group(1) if found else title
        return f"`{_md_cell(title)}`{tail}"

    if len(ops) == 1:
        return name(ops[0])
    listed = [name(op) for op in ops[:_LISTED_OPERATIONS]]
    if len(ops) > _LISTED_OPERATIONS:
        listed.append(f"… and {len(ops) - _LISTED_OPERATIONS} more (see the JSON)")
    return f"<details><summary>{len(ops)} operations</summary>{'<br>'.join(listed)}</details>"


def _row_md(row: _Row, report: Report) -> str:
    f = row.head
    if report.kind == "spec":
        change = f.cause_message if f.cause else f.message
        if f.rule in _FOLDED and len(row.operations) > 1:
            change = f"{len(row.operations)} {_FOLDED[f.rule]}"
        return (
            f"| {_ICON[f.level]} | `{f.rule}` | {_md_cell(change)} | "
            f"{_reach(row, report.operations, False)} |"
        )
    seen = sum(x.count for x in row.findings)
    where, message = f.location or "-", f.message
    if len(row.operations) > 1:
        places = sorted({_field(x.location) for x in row.findings if x.location})
        shown = ", ".join(places[:4]) + (f" and {len(places) - 4} more" if len(places) > 4 else "")
        where = f"{_leaf(f.location)} ({shown})" if len(places) > 1 else (places or [where])[0]
        if f.location and len({x.location for x in row.findings}) > 1:
            # the head's own path would be wrong for the other operations: name the field only
            message = message.replace(f.location, _leaf(f.location))
    return (
        f"| {_ICON[f.level]} | `{f.rule}` | {_md_cell(where)} | {seen}× | "
        f"{_md_cell(message)} | {_example(f.example)} | "
        f"{_reach(row, report.operations, True)} |"
    )


def to_markdown(
    report: Report,
    *,
    secrets: Iterable[str] = (),
    fail_on: Level | None = None,
    full_report: str | None = None,
    budget: int = MARKDOWN_BUDGET,
) -> str:
    """A pull-request comment: one row per cause, ordered by level then reach, never longer
    than `budget` characters; what does not fit is counted and pointed to (`full_report`)."""
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
    grouped = rows(new, report.kind)
    causes = f" from {len(grouped)} cause{'' if len(grouped) == 1 else 's'}" if new else ""
    lines.append(f"**{len(new)} {noun}**{causes} ({summary}){tail}.")
    if report.kind == "spec":
        breaking = sum(1 for f in new if f.breaking)
        lines.append(f"Breaking (ERR): **{breaking}**.")
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
    footer = _footer(report, accepted)
    if grouped:
        if report.kind == "spec":
            lines += ["| Level | Rule | Change | Operations |", "|---|---|---|---|"]
        else:
            lines += [
                "| Level | Rule | Where | Seen | Finding | Example | Operations |",
                "|---|---|---|---|---|---|---|",
            ]
        reserve = _size("\n".join(footer)) + 1_500  # the left-out note included
        room = budget - reserve - sum(_size(x) + 1 for x in lines)
        texts = [_row_md(row, report) for row in grouped]
        chosen = _fit(grouped, [_size(t) + 1 for t in texts], room)
        lines += [t for i, t in enumerate(texts) if i in chosen]
        lines.append("")
        left = [row for i, row in enumerate(grouped) if i not in chosen]
        if left:
            lines += [_left_out(left, len(grouped), full_report), ""]
    lines += footer
    return redact_text("\n".join(lines) + "\n", tuple(secrets))


WARN_SHARE = 0.3  # of the room left after one row per rule, kept from ERR rows for WARN rows


def _fit(grouped: list[_Row], sizes: list[int], room: int) -> set[int]:
    """Which rows fit in `room` bytes: first one row of every rule that fired (most severe
    rules first), then the other rows level by level, ERR rows leaving `WARN_SHARE` of what
    is left to WARN rows, so ERRs never hide every WARN."""
    chosen: set[int] = set()
    used = 0

    def take(indexes: list[int], limit: int) -> None:
        nonlocal used
        for i in indexes:
            if used + sizes[i] > limit:
                continue  # a shorter row further on may still fit
            chosen.add(i)
            used += sizes[i]

    firsts: dict[str, int] = {}
    for i, row in enumerate(grouped):
        firsts.setdefault(row.head.rule, i)
    take(sorted(firsts.values(), key=lambda i: -grouped[i].head.level), room)
    rest = [i for i in range(len(grouped)) if i not in chosen]
    errs = [i for i in rest if grouped[i].head.level is Level.ERR]
    warns = [i for i in rest if grouped[i].head.level is Level.WARN]
    infos = [i for i in rest if grouped[i].head.level is Level.INFO]
    spare = room - used
    take(errs, room - int(spare * WARN_SHARE) if warns else room)
    take(warns, room)
    take(errs, room)  # what WARN rows did not need
    take(infos, room)
    return chosen


def _left_out(left: list[_Row], total: int, full_report: str | None) -> str:
    """What the comment could not hold, by level and by rule, and where all of it is."""
    tally: dict[str, int] = defaultdict(int)
    by_rule: dict[str, int] = defaultdict(int)
    for row in left:
        tally[row.head.level.name] += 1
        by_rule[row.head.rule] += 1
    parts = ", ".join(f"{n} {lvl}" for lvl, n in sorted(tally.items(), key=_lvl))
    rules = sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))
    named = ", ".join(f"`{rule}` {n}" for rule, n in rules[:12])
    if len(rules) > 12:
        named += f" and {len(rules) - 12} more rules"
    where = f"`{full_report}`" if full_report else "`--json FILE` (or `--format json`)"
    return (
        f"> ✂️ {len(left)} of {total} rows left out to fit a comment ({parts}; by rule: "
        f"{named}); every change is in the full JSON report: {where}."
    )


def _size(text: str) -> int:
    """UTF-8 bytes: never fewer than characters, so a byte budget also holds for characters."""
    return len(text.encode("utf-8"))


def _lvl(item: tuple[str, int]) -> int:
    return -Level[item[0]]


def _footer(report: Report, accepted: int) -> list[str]:
    lines: list[str] = []
    if accepted:
        lines.append("<details><summary>Accepted in the baseline</summary>")
        lines.append("")
        listed = [f for f in report.findings if f.baselined]
        for f in listed[:100]:
            lines.append(
                f"- `{f.fingerprint}` `{f.rule}` {_md_cell(f.operation)}: {_md_cell(f.message)}"
            )
        if len(listed) > 100:
            lines.append(f"- … and {len(listed) - 100} more (see the JSON)")
        lines.append("")
        lines.append("</details>")
        lines.append("")
    if report.client_impact is not None:
        lines += _client_impact_md(report.client_impact)
    lines.append(f"<sub>ixc drift {report.kind} · generated {report.generated_at}</sub>")
    return lines


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
    listed = [(c, sym) for c in ("removed", "changed", "added") for sym in impact.get(c, [])]
    for change, sym in listed[:_LISTED_SYMBOLS]:
        lines.append(
            f"| {change} | {sym['kind']} | `{_md_cell(sym['name'])}` | "
            f"{_md_cell(str(sym.get('detail', ''))[:200])} |"
        )
    if len(listed) > _LISTED_SYMBOLS:
        lines.append(f"| … | | {len(listed) - _LISTED_SYMBOLS} more symbols | see the JSON |")
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
