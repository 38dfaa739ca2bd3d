"""End of run: merge the workers' ledgers and recordings, re-validate every recorded response,
and write the coverage summary (JSON + Markdown) that says exactly what was not exercised.

Reports are redacted here too (failure text and captured output), so a key never reaches the
JUnit file even when a server echoes it back.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

from invoicexpress_core.exchange import REDACTED, Exchange, read_recording, redact_text
from invoicexpress_core.spec import load_spec

from ._drift import drift_of_recording
from ._html import render_html
from ._ledger import (
    Ledger,
    documented_messages,
    documented_statuses,
    documented_transitions,
)

RUN_ID = pytest.StashKey[str]()
_OP_RE = re.compile(r"\[([a-z][A-Za-z]+)\]")


def worker_id(config: pytest.Config) -> str:
    workerinput = getattr(config, "workerinput", None)
    return str(workerinput["workerid"]) if workerinput else "main"


def parts_dir(config: pytest.Config) -> Path:
    """Where each worker leaves its ledger and recording for the main process to merge."""
    return Path(config.getoption("--report-dir")) / ".parts"


def configure(config: pytest.Config, ledger: Ledger, secrets: Callable[[], list[str]]) -> None:
    """Register the summary plugin; the conftest hands over its ledger and secret list, so this
    module never imports the conftest (no cycle)."""
    config.pluginmanager.register(_Plugin(config, ledger, secrets), "ixc-contract-summary")


class _Plugin:
    def __init__(
        self, config: pytest.Config, ledger: Ledger, secrets: Callable[[], list[str]]
    ) -> None:
        self.config = config
        self.ledger = ledger
        self._secrets = secrets
        self.failures: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.worker = getattr(config, "workerinput", None) is not None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[Any]
    ) -> Generator[None, Any, None]:
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        secrets = self._secrets()
        if report.failed and report.longrepr is not None:
            text = redact_text(str(report.longrepr), secrets)
            report.longrepr = text
            known = load_spec().operations
            ops = [op for op in _OP_RE.findall(text) if op in known]
            client = item.funcargs.get("api") if hasattr(item, "funcargs") else None
            if not ops and client is not None and client.touched:
                ops = [client.touched[-1]]
            if not ops:
                ops = _ops_from_curl(text)
            if not ops:
                param = getattr(item, "callspec", None)
                ops = [
                    str(v)
                    for v in (param.params.values() if param else [])
                    if isinstance(v, str) and v[:1].islower()
                ][:1]
            report.user_properties.append(("operation", ops[0] if ops else "(run)"))
        report.sections = [(k, redact_text(v, secrets)) for k, v in report.sections]

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not report.failed:
            return
        op = dict(report.user_properties).get("operation", "(run)")
        text = str(report.longrepr)
        lines = [ln.strip(" |") for ln in text.splitlines()]
        first = next((ln for ln in lines if ln.startswith("E ")), None) or next(
            (ln for ln in lines if _OP_RE.search(ln) or re.search(r"ST\d{3}|Received:", ln)),
            lines[-1] if lines else "",
        )
        curl = next((ln.strip() for ln in lines if ln.strip().startswith("curl ")), "")
        self.failures[str(op)].append({"test": report.nodeid, "message": first[:500], "curl": curl})

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        parts = parts_dir(self.config)
        self.ledger.write(parts / f"ledger-{worker_id(self.config)}.json")
        if self.worker:
            return
        merged = Ledger()
        for path in sorted(parts.glob("ledger-*.json")):
            merged.merge(Ledger.read(path))
        record = Path(
            self.config.getoption("--record")
            or Path(self.config.getoption("--report-dir")) / "exchanges.jsonl"
        )
        record.parent.mkdir(parents=True, exist_ok=True)
        with record.open("w", encoding="utf-8") as out:
            for path in sorted(parts.glob("recording-*.jsonl")):
                out.write(path.read_text(encoding="utf-8"))
        recorded = revalidate(record)
        for op, message, curl in recorded:
            self.failures[op].append(
                {"test": "(recording re-validation)", "message": message, "curl": curl}
            )
        drifted, notes = drift_of_recording(record, self._secrets())
        for op, message in drifted:
            self.failures[op].append({"test": "(server drift)", "message": message})
        merged.findings.update(notes)
        add_curl_lines(self.failures, record)
        summary = build_summary(merged, self.failures, record)
        write_summary(summary, Path(self.config.getoption("--report-dir")))
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_sep("=", "contract summary")
            reporter.write_line(render_text(summary))
        if (recorded or drifted) and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def add_curl_lines(failures: dict[str, list[dict[str, str]]], record: Path) -> None:
    """A failure without a curl line of its own gets one: the last exchange its test made with
    the operation the failure names (else its last exchange). The recording is redacted; the
    line reads the key from $INVOICEXPRESS_API_KEY."""
    wanted = {f["test"] for items in failures.values() for f in items if not f.get("curl")}
    if not wanted or not record.exists():
        return
    last: dict[tuple[str, str], Exchange] = {}
    for ex in read_recording(record):
        test = str(ex.meta.get("test", ""))
        if test in wanted:
            last[(test, "")] = ex
            last[(test, ex.operation_id or "")] = ex
    for op, items in failures.items():
        for f in items:
            found = last.get((f["test"], op)) or last.get((f["test"], ""))
            if not f.get("curl") and found is not None:
                f["curl"] = curl_line(found)


def curl_line(ex: Exchange) -> str:
    """A shell command that sends the recorded request again."""
    url = ex.url.replace(f"api_key={REDACTED}", "api_key=${INVOICEXPRESS_API_KEY}")
    parts = ["curl", "-X", ex.method, f'"{url}"']
    if ex.request_body is not None:
        body = json.dumps(ex.request_body, ensure_ascii=False, separators=(",", ":"))
        quoted = "'" + body.replace("'", "'\\''") + "'"
        parts += ["-H", "'Content-Type: application/json'", "-d", quoted]
    return " ".join(parts)


_CURL_RE = re.compile(r"curl -X (\w+)\b[^\n]*?'https?://[^/']+([^?']*)")


def _ops_from_curl(text: str) -> list[str]:
    """Schemathesis failures carry a `curl` line; its method and path name the operation."""
    spec = load_spec()
    out = []
    for method, path in _CURL_RE.findall(text):
        op = spec.find(method, path)
        if op is not None:
            out.append(op.operation_id)
    return out


def revalidate(record: Path) -> list[tuple[str, str, str]]:
    """Every recorded response against its documented schema (the compiled validators are the
    spec's cached ones, so each schema is compiled once per run); each finding carries the curl
    line of its first exchange."""
    spec = load_spec()
    out: list[tuple[str, str, str]] = []
    seen: set[tuple[str, int, str]] = set()
    for ex in read_recording(record):
        op = spec.operations.get(ex.operation_id or "") or spec.find(ex.method, ex.path)
        if op is None:
            continue
        if str(ex.status) not in op.responses:
            msg = f"[{op.operation_id}] status {ex.status} is not documented"
        elif (
            ex.response_body is not None
            and ex.content_type
            and (pointer := spec.response_schema_pointer(op, ex.status, ex.content_type))
        ):
            err = next(iter(spec.validator_at(pointer).iter_errors(ex.response_body)), None)
            if err is None:
                continue
            msg = (
                f"[{op.operation_id}] recorded {ex.status} response breaks its schema at "
                f"{err.json_path}: {err.message[:200]}"
            )
        else:
            continue
        key = (op.operation_id, ex.status, msg)
        if key not in seen:
            seen.add(key)
            out.append((op.operation_id, msg, curl_line(ex)))
    return out


def build_summary(
    led: Ledger, failures: dict[str, list[dict[str, str]]], record: Path
) -> dict[str, Any]:
    spec = load_spec()
    statuses = documented_statuses(spec)
    transitions = documented_transitions(spec)
    messages = documented_messages(spec)
    seen_ops = {op for op, _ in led.statuses}
    seen_pairs = set(led.statuses)
    missing_ops = sorted(set(statuses) - seen_ops)
    missing_status = {
        op: [c for c in codes if (op, c) not in seen_pairs] for op, codes in statuses.items()
    }
    missing_status = {k: v for k, v in missing_status.items() if v}
    total_status = sum(len(v) for v in statuses.values())
    done_trans = {(dt, f, e) for dt, f, e, _ in led.transitions}
    missing_trans = {
        dt: [f"{f} --{e}--> {t}" for f, e, t in ts if (dt, f, e) not in done_trans]
        for dt, ts in transitions.items()
    }
    missing_trans = {k: v for k, v in missing_trans.items() if v}
    total_trans = sum(len(v) for v in transitions.values())
    seen_msgs = set(led.messages)
    missing_msgs = {op: [m for m in ms if (op, m) not in seen_msgs] for op, ms in messages.items()}
    missing_msgs = {k: v for k, v in missing_msgs.items() if v}
    total_msgs = sum(len(v) for v in messages.values())

    def pct(done: int, total: int) -> float:
        return round(100.0 * done / total, 1) if total else 100.0

    miss_s = sum(len(v) for v in missing_status.values())
    miss_t = sum(len(v) for v in missing_trans.values())
    miss_m = sum(len(v) for v in missing_msgs.values())
    return {
        "requests": led.requests,
        "throttled": led.throttled,
        "findings": dict(sorted(led.findings.items())),
        "recording": str(record),
        "operations": {
            "total": len(statuses),
            "exercised": len(statuses) - len(missing_ops),
            "percent": pct(len(statuses) - len(missing_ops), len(statuses)),
            "missing": missing_ops,
        },
        "status_codes": {
            "total": total_status,
            "exercised": total_status - miss_s,
            "percent": pct(total_status - miss_s, total_status),
            "missing": missing_status,
            "per_operation": {
                op: sorted({s for (o, s) in seen_pairs if o == op}) for op in statuses
            },
            "documented": statuses,
        },
        "transitions": {
            "total": total_trans,
            "exercised": total_trans - miss_t,
            "percent": pct(total_trans - miss_t, total_trans),
            "forbidden_events_tried": sum(1 for _ in led.forbidden),
            "missing": missing_trans,
            "per_family": {dt: len(ts) for dt, ts in transitions.items()},
        },
        "error_messages": {
            "total": total_msgs,
            "exercised": total_msgs - miss_m,
            "percent": pct(total_msgs - miss_m, total_msgs),
            "missing": missing_msgs,
            "per_operation": {op: len(ms) for op, ms in messages.items()},
        },
        "failures": dict(sorted(failures.items())),
        "failure_count": sum(len(v) for v in failures.values()),
    }


def render_text(s: dict[str, Any]) -> str:
    lines = [
        f"requests: {s['requests']} (429s waited out: {s['throttled']})  "
        f"recording: {s['recording']}"
    ]
    lines += [f"finding: {text} (x{n})" for text, n in s["findings"].items()]
    for key in ("operations", "status_codes", "transitions", "error_messages"):
        part = s[key]
        lines.append(
            f"{key.replace('_', ' ')}: {part['exercised']}/{part['total']} ({part['percent']}%)"
        )
        missing = part["missing"]
        if missing:
            items = missing.items() if isinstance(missing, dict) else [("", missing)]
            for op, what in list(items)[:15]:
                lines.append(f"  missing {op}: {str(what)[:150]}")
            if len(missing) > 15:
                lines.append(f"  ... {len(missing) - 15} more in summary.md")
    lines.append(f"failures: {s['failure_count']}")
    for op, items in s["failures"].items():
        lines.append(f"  {op}: {len(items)}")
        for it in items[:3]:
            lines.append(f"    {it['test']}: {it['message'][:200]}")
    return "\n".join(lines)


def render_markdown(s: dict[str, Any]) -> str:
    out = [
        "# Contract run summary",
        "",
        f"Requests: {s['requests']} (429s waited out: {s['throttled']}). "
        f"Recording: `{s['recording']}`.",
        "",
        *[f"- Finding (not a failure): {text} (x{n})" for text, n in s["findings"].items()],
        "",
        f"## Failures by operation ({s['failure_count']})",
        "",
    ]
    for op, items in s["failures"].items():
        out.append(f"### `{op}` ({len(items)})")
        for it in items:
            out.append(f"- `{it['test']}`: {it['message']}")
            if it.get("curl"):
                out.append(f"  `{it['curl']}`")
    out += [
        "",
        "## Coverage",
        "",
        "| measure | exercised | total | % |",
        "|---|---|---|---|",
    ]
    for key in ("operations", "status_codes", "transitions", "error_messages"):
        p = s[key]
        out.append(
            f"| {key.replace('_', ' ')} | {p['exercised']} | {p['total']} | {p['percent']} |"
        )
    for key in ("operations", "status_codes", "transitions", "error_messages"):
        missing = s[key]["missing"]
        if missing:
            out += ["", f"## Missing {key.replace('_', ' ')}", ""]
            items = missing.items() if isinstance(missing, dict) else [(m, "") for m in missing]
            out += [f"- `{op}` {what}" for op, what in items]
    return "\n".join(out) + "\n"


def write_summary(s: dict[str, Any], report_dir: Path) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "summary.json").write_text(
        json.dumps(s, indent=2, sort_keys=True), encoding="utf-8"
    )
    (report_dir / "summary.md").write_text(render_markdown(s), encoding="utf-8")
    (report_dir / "index.html").write_text(render_html(s), encoding="utf-8")
