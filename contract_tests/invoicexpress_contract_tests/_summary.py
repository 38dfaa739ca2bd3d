"""End of run: merge the workers' ledgers and recordings, re-validate every recorded response,
and write the coverage summary (JSON + Markdown + HTML) that says exactly what was not exercised.

Failures are reported by cause: those of one operation family (`create` of the guides, say)
with the same status and the same error message (ids and numbers taken out) are one entry with
a count, their test ids and one curl line. A test stopped by a failed setup (a create it needed,
`SetupFailed`, or a fixture) did not run: its setup is one cause, and what the test would have
exercised is "not measured", not "missing". An interrupted run writes its report for what ran.

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

from invoicexpress_core.errors import parse_error_body
from invoicexpress_core.exchange import (
    REDACTED,
    Exchange,
    merge_recordings,
    read_recording,
    redact_text,
)
from invoicexpress_core.spec import Spec, load_spec

from ._client import SetupFailed
from ._drift import drift_of_recording
from ._html import render_html
from ._ledger import (
    Ledger,
    documented_messages,
    documented_statuses,
    documented_transitions,
)

RUN_ID = pytest.StashKey[str]()
#: per operation, its failures: `test`, `message`, `curl`, and `setup` when a setup failed
Failures = dict[str, list[dict[str, str]]]
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
        self.failures: Failures = defaultdict(list)
        self.worker = getattr(config, "workerinput", None) is not None
        self.summary: dict[str, Any] | None = None

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
            stopped = call.excinfo.value if call.excinfo is not None else None
            if isinstance(stopped, SetupFailed):
                ops = [stopped.operation_id]
            report.user_properties.append(("operation", ops[0] if ops else "(run)"))
            if report.when == "setup" or isinstance(stopped, SetupFailed):
                report.user_properties.append(("setup", "1"))
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
        item = {"test": report.nodeid, "message": first[:500], "curl": curl}
        if dict(report.user_properties).get("setup"):
            item["setup"] = "1"
        self.failures[str(op)].append(item)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        parts = parts_dir(self.config)
        self.ledger.write(parts / f"ledger-{worker_id(self.config)}.json")
        if self.worker or exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
            return  # nothing ran: no report claims otherwise
        merged = Ledger()
        for path in sorted(parts.glob("ledger-*.json")):
            merged.merge(Ledger.read(path))
        record = Path(
            self.config.getoption("--record")
            or Path(self.config.getoption("--report-dir")) / "exchanges.jsonl"
        )
        merge_recordings(sorted(parts.glob("recording-*.jsonl")), record)
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
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
        summary = build_summary(merged, self.failures, record, interrupted=interrupted)
        write_summary(summary, Path(self.config.getoption("--report-dir")))
        self.summary = summary
        if (recorded or drifted or summary["refused"]) and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """Last on the console: coverage, then the verdict and the causes."""
        if self.summary is not None:
            terminalreporter.write_sep("=", "contract summary")
            terminalreporter.write_line(render_text(self.summary))


def add_curl_lines(failures: Failures, record: Path) -> None:
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
            err = next(spec.errors_at(pointer, ex.response_body), None)
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


_STATUS_RES = (
    re.compile(r"-> (\d{3})\b"),
    re.compile(r"\b(?:status|got|answered|gave|recorded|Received:?)\s+(\d{3})\b", re.IGNORECASE),
)
_EXCEPTION_RE = re.compile(r"^(?:[\w.]+\.)?\w*(?:Error|Exception|Violation|Failed): ")


def status_of(message: str) -> int | None:
    """The HTTP status a failure message names (a described response, "got 422", ...)."""
    for pattern in _STATUS_RES:
        found = pattern.search(message)
        if found:
            return int(found.group(1))
    return None


def headline(message: str) -> str:
    """A failure message as a reader wants it: no `E` or exception-class prefix; a described
    response (`POST url -> 422 {body}`) as its status and the API's own error messages."""
    text = _EXCEPTION_RE.sub("", message.removeprefix("E ").strip())
    described = re.search(r"(\[[a-zA-Z]+\] )?(?:setup failed: )?\S+ \S+ -> (\d{3}) (.*)$", text)
    if described:
        try:
            texts = [m.text for m in parse_error_body(json.loads(described.group(3)))]
        except ValueError:
            texts = []
        if texts:
            prefix = text[: described.start()] + (described.group(1) or "")
            setup = "setup failed: " if "setup failed: " in text else ""
            return f"{prefix}{setup}{described.group(2)} {'; '.join(texts)}"
    return text


def cause_key(message: str) -> str:
    """What makes two failure messages the same cause: the headline with operation ids, URLs,
    numbers and ids (also hexadecimal run ids) taken out."""
    text = re.sub(r"\[[a-z][A-Za-z]+\]", "[op]", headline(message).replace("setup failed: ", ""))
    text = re.sub(r"\b(GET|PUT|POST|DELETE|PATCH) \S+", r"\1 <url>", text)
    text = re.sub(r"https?://\S+", "<url>", text)
    text = re.sub(r"[0-9a-f]*\d[0-9a-f]*", "N", text)
    return " ".join(text.split())[:300]


def family_of(spec: Spec, operation_id: str) -> str:
    """`createShipping` -> `create guides`: the verb, then the spec's family (else its tag)."""
    op = spec.operations.get(operation_id)
    verb = re.match(r"[a-z]+", operation_id)
    if op is None or verb is None:
        return operation_id
    return f"{verb.group()} {op.family or op.tag}"


def build_causes(spec: Spec, failures: Failures) -> list[dict[str, Any]]:
    """Failures grouped by cause: kind (setup or contract), operation family, status and
    message; setup causes first, then the largest."""
    causes: dict[tuple[str, str, int | None, str], dict[str, Any]] = {}
    for op, items in failures.items():
        for it in items:
            kind = "setup" if it.get("setup") else "contract"
            status = status_of(it["message"])
            key = (kind, family_of(spec, op), status, cause_key(it["message"]))
            cause = causes.setdefault(
                key,
                {
                    "kind": kind,
                    "family": key[1],
                    "status": status,
                    "message": headline(it["message"])[:500],
                    "operations": [],
                    "tests": [],
                    "curl": "",
                },
            )
            if op not in cause["operations"]:
                cause["operations"].append(op)
            cause["tests"].append(it["test"])
            cause["curl"] = cause["curl"] or it.get("curl", "")
    out = sorted(causes.values(), key=lambda c: (c["kind"] != "setup", -len(c["tests"])))
    for cause in out:
        cause["count"] = len(cause["tests"])
        cause["operations"].sort()
    return out


_GIVES_RE = re.compile(r"_gives?_(\d{3})(?:_|$)")


def not_measured(spec: Spec, blocked: list[str]) -> set[tuple[str, int]]:
    """The (operation, status) pairs that tests which could not run would have exercised, read
    from the suites' naming: a status in the test's name (`..._gives_429...`) or a documented
    success (`..._success`), on the operation in its parameters, else on every operation that
    documents that status."""
    statuses = documented_statuses(spec)
    out: set[tuple[str, int]] = set()
    for nodeid in blocked:
        name, _, params = nodeid.split("::")[-1].partition("[")
        ops = [o for o in re.findall(r"[a-z][A-Za-z]+", params) if o in statuses]
        gives = _GIVES_RE.search(name)
        for op in ops or list(statuses):
            if gives:
                codes = [int(gives.group(1))]
            elif "success" in name and ops:
                codes = [c for c in statuses[op] if 200 <= c < 300]
            else:
                codes = []
            out |= {(op, c) for c in codes if c in statuses[op]}
    return out


def build_summary(
    led: Ledger, failures: Failures, record: Path, *, interrupted: bool = False
) -> dict[str, Any]:
    spec = load_spec()
    statuses = documented_statuses(spec)
    transitions = documented_transitions(spec)
    messages = documented_messages(spec)
    causes = build_causes(spec, failures)
    blocked_tests = [t for c in causes if c["kind"] == "setup" for t in c["tests"]]
    unmeasured = not_measured(spec, blocked_tests)
    seen_ops = {op for op, _ in led.statuses}
    seen_pairs = set(led.statuses)
    missing_ops = sorted(set(statuses) - seen_ops)
    missing_status = {
        op: [c for c in codes if (op, c) not in seen_pairs | unmeasured]
        for op, codes in statuses.items()
    }
    missing_status = {k: v for k, v in missing_status.items() if v}
    blocked_status: dict[str, list[int]] = defaultdict(list)
    for op, code in sorted(unmeasured - seen_pairs):
        blocked_status[op].append(code)
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
    miss_b = sum(len(v) for v in blocked_status.values())
    miss_t = sum(len(v) for v in missing_trans.values())
    miss_m = sum(len(v) for v in missing_msgs.values())
    # Contract failures one by one (the same lists as before, for tools that read them); a
    # setup failure once, however many tests it stopped.
    listed: Failures = defaultdict(list)
    for op, items in failures.items():
        listed[op] += [it for it in items if not it.get("setup")]
    for cause in causes:
        if cause["kind"] == "setup":
            listed[cause["operations"][0]].append(
                {
                    "test": f"(setup: {cause['count']} test(s) could not run)",
                    "message": cause["message"],
                    "curl": cause["curl"],
                }
            )
    listed = {k: v for k, v in sorted(listed.items()) if v}
    refused = bool(led.statuses) and all(st in (401, 403) for _, st in led.statuses)
    failure_count = sum(len(v) for v in listed.values())
    return {
        "verdict": verdict(failure_count, len(causes), len(blocked_tests), interrupted, refused),
        "interrupted": interrupted,
        "refused": refused,
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
            "exercised": total_status - miss_s - miss_b,
            "percent": pct(total_status - miss_s - miss_b, total_status),
            "missing": missing_status,
            "not_measured": dict(blocked_status),
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
        "causes": causes,
        "blocked_tests": len(blocked_tests),
        "failures": listed,
        "failure_count": failure_count,
    }


def verdict(failures: int, causes: int, blocked: int, interrupted: bool, refused: bool) -> str:
    """One sentence: what the run found, said first everywhere."""
    if refused:
        head = "FAILED: the server refused every request (401/403): check the API key"
    elif failures:
        head = f"FAILED: {failures} failure(s) from {causes} cause(s)"
        if blocked:
            head += f"; {blocked} test(s) could not run because a setup failed"
    else:
        head = "PASSED: the server honours the contract"
    if interrupted:
        head += " (INTERRUPTED: only what ran before the stop is reported)"
    return head


def _cause_title(c: dict[str, Any]) -> str:
    status = f" {c['status']}" if c["status"] else ""
    if c["kind"] == "setup":
        return f"setup failed ({c['family']}{status}): {c['count']} test(s) could not run"
    return f"{c['family']}{status}: {c['count']} failure(s)"


def render_text(s: dict[str, Any]) -> str:
    """The console's end: coverage, then the verdict and the causes (the report files keep
    every test id and curl line)."""
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
            for op, what in list(items)[:5]:
                lines.append(f"  missing {op}: {str(what)[:150]}")
            if len(missing) > 5:
                lines.append(f"  ... {len(missing) - 5} more in summary.md")
        blocked = part.get("not_measured")
        if blocked:
            n = sum(len(v) for v in blocked.values())
            lines.append(f"  not measured (their tests could not run): {n}")
    lines.append(s["verdict"])
    for c in s["causes"][:TEXT_CAUSES_SHOWN]:
        lines.append(f"  {_cause_title(c)}")
        lines.append(f"    {c['message'][:300]}")
    if len(s["causes"]) > TEXT_CAUSES_SHOWN:
        lines.append(f"  ... {len(s['causes']) - TEXT_CAUSES_SHOWN} more causes in summary.md")
    return "\n".join(lines)


# summary.md is read in a pull request or a CI page: it stays short (under 30 KB) whatever
# failed; summary.json and index.html list everything.
TEXT_CAUSES_SHOWN = 20  # on the console
MD_CAUSES_SHOWN = 12  # in full (message, curl, tests); then one line each
MD_CAUSE_LINES = 30  # one-line causes after those
MD_TESTS_SHOWN = 50  # test ids per cause
MD_MISSING_SHOWN = 20  # lines per "missing" section


def render_markdown(s: dict[str, Any]) -> str:
    out = [
        "# Contract run summary",
        "",
        f"**{s['verdict']}**",
        "",
        f"Requests: {s['requests']} (429s waited out: {s['throttled']}). "
        f"Recording: `{s['recording']}`.",
        "",
        *[f"- Finding (not a failure): {text} (x{n})" for text, n in s["findings"].items()],
        "",
        f"## Causes ({len(s['causes'])}; {s['failure_count']} failures, "
        f"{s['blocked_tests']} tests could not run)",
        "",
    ]
    for c in s["causes"][:MD_CAUSES_SHOWN]:
        ops = ", ".join(f"`{o}`" for o in c["operations"][:12])
        more = f" and {len(c['operations']) - 12} more" if len(c["operations"]) > 12 else ""
        out += [f"### {_cause_title(c)}", "", c["message"][:300], "", f"Operations: {ops}{more}."]
        if c["curl"]:
            out += ["", f"`{c['curl']}`"]
        shown = c["tests"][:MD_TESTS_SHOWN]
        hidden = len(c["tests"]) - len(shown)
        out += [
            "",
            f"<details><summary>{c['count']} test(s)</summary>",
            "",
            *[f"- `{t}`" for t in shown],
            *([f"- ... {hidden} more in summary.json"] if hidden else []),
            "",
            "</details>",
            "",
        ]
    rest = s["causes"][MD_CAUSES_SHOWN:]
    out += [f"- {_cause_title(c)}: {c['message'][:160]}" for c in rest[:MD_CAUSE_LINES]]
    if len(rest) > MD_CAUSE_LINES:
        out.append(f"- ... {len(rest) - MD_CAUSE_LINES} more causes in summary.json")
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
    blocked = s["status_codes"].get("not_measured")
    if blocked:
        out += ["", "## Status codes not measured (their tests could not run)", ""]
        out += [f"- `{op}` {codes}" for op, codes in blocked.items()]
    for key in ("operations", "status_codes", "transitions", "error_messages"):
        missing = s[key]["missing"]
        if missing:
            out += ["", f"## Missing {key.replace('_', ' ')}", ""]
            items = missing.items() if isinstance(missing, dict) else [(m, "") for m in missing]
            lines = [f"- `{op}` {str(what)[:120]}" for op, what in items]
            out += lines[:MD_MISSING_SHOWN]
            if len(lines) > MD_MISSING_SHOWN:
                out.append(f"- ... {len(lines) - MD_MISSING_SHOWN} more in summary.json")
    return "\n".join(out) + "\n"


def write_summary(s: dict[str, Any], report_dir: Path) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "summary.json").write_text(
        json.dumps(s, indent=2, sort_keys=True), encoding="utf-8"
    )
    (report_dir / "summary.md").write_text(render_markdown(s), encoding="utf-8")
    (report_dir / "index.html").write_text(render_html(s), encoding="utf-8")
