"""`index.html` of a contract run: one self-contained page (inline CSS, no scripts, nothing
fetched). The first screen holds the verdict, the causes (one line each, unfolding to the
message, one curl line and the test ids; the list scrolls in its own box, so however many
there are the matrix still starts on the first screen) and the coverage matrix: operations x
documented status codes. Then transitions per document family and documented 422 messages."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d232a}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.muted{color:#5b6670}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{border:1px solid #d5dbe1;border-radius:6px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:20px}.bad{color:#b3261e}.good{color:#1b7f3b}
table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #d5dbe1;padding:3px 7px}
th{background:#f3f5f7;text-align:left;font-weight:600}
td.c{text-align:center;min-width:30px}.y{background:#d8f3df}.n{background:#fadbd8}
.u{background:#fde7c7}.x{background:#fafbfc}
pre{background:#f6f8fa;border:1px solid #d5dbe1;padding:6px 8px;white-space:pre-wrap;
word-break:break-all;margin:4px 0 12px}
.matrix th.op{position:sticky;left:0;background:#fff;font-family:ui-monospace,monospace;
font-weight:400}.matrix thead th{position:sticky;top:0}
details{margin:2px 0}summary{cursor:pointer}li{margin:2px 0}code{font-size:13px}
.verdict{font-size:18px;margin:6px 0}.b{background:#e4e7eb}
.causes{max-height:30vh;overflow:auto;border:1px solid #d5dbe1;border-radius:6px;
padding:4px 10px;margin:8px 0}.causes summary{white-space:nowrap;overflow:hidden;
text-overflow:ellipsis}.cards{margin:8px 0}.card{padding:4px 10px}.card b{font-size:17px}
"""

LEGEND = (
    '<p class="muted"><span class="c y">&#10003;</span> exercised &nbsp; '
    '<span class="c n">&#10007;</span> documented, not exercised &nbsp; '
    '<span class="c u">!</span> answered but not documented &nbsp; '
    '<span class="c b">&ndash;</span> not measured: its test could not run (setup failed) '
    "&nbsp; blank: not documented</p>"
)


def render_html(s: dict[str, Any]) -> str:
    """The whole page from a summary built by `_summary.build_summary`."""
    failed = s["failure_count"]
    good = s["verdict"].startswith("PASSED") and not s["interrupted"]
    cards = []
    for key in ("operations", "status_codes", "transitions", "error_messages"):
        part = s[key]
        cls = "good" if part["exercised"] == part["total"] else "bad"
        cards.append(
            f'<div class="card">{key.replace("_", " ")}<b class="{cls}">'
            f"{part['exercised']}/{part['total']}</b>{part['percent']}%</div>"
        )
    body = [
        "<h1>Contract run</h1>",
        f'<p class="verdict {"good" if good else "bad"}"><b>{escape(s["verdict"])}</b></p>',
        _causes(s["causes"]),
        f'<p class="muted">{s["requests"]} requests; recording '
        f"<code>{escape(s['recording'])}</code></p>",
        f'<div class="cards">{"".join(cards)}</div>',
        _status_matrix(s["status_codes"]),
        _transitions(s["transitions"]),
        _messages(s["error_messages"]),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Contract run: {failed} failures</title><style>{CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def _causes(causes: list[dict[str, Any]]) -> str:
    if not causes:
        return ""
    out = [
        f'<h2>Causes ({len(causes)})</h2><p class="muted">Each curl line repeats a failing '
        "request (schemathesis, recorded responses) or the test's last request to the "
        "operation named; the API key is redacted (<code>$INVOICEXPRESS_API_KEY</code> or "
        '<code>[REDACTED]</code>: put yours there).</p><div class="causes">'
    ]
    for c in causes:
        status = f" {c['status']}" if c["status"] else ""
        what = (
            f"setup failed, {c['count']} test(s) could not run"
            if c["kind"] == "setup"
            else f"{c['count']} failure(s)"
        )
        tests = "".join(f"<li><code>{escape(t)}</code></li>" for t in c["tests"])
        ops = ", ".join(f"<code>{escape(o)}</code>" for o in c["operations"])
        out.append(
            f'<details><summary><b class="bad">{escape(c["family"])}{status}</b> {what}: '
            f"{escape(c['message'])}</summary><p>{escape(c['message'])}</p>"
            f"<p>Operations: {ops}</p>"
            + (f"<pre>{escape(c['curl'])}</pre>" if c.get("curl") else "")
            + f"<details><summary>{c['count']} test id(s)</summary><ul>{tests}</ul></details>"
            "</details>"
        )
    out.append("</div>")
    return "".join(out)


def _status_matrix(part: dict[str, Any]) -> str:
    documented: dict[str, list[int]] = part["documented"]
    seen: dict[str, list[int]] = part["per_operation"]
    blocked: dict[str, list[int]] = part.get("not_measured", {})
    codes = sorted(
        {c for cs in documented.values() for c in cs} | {c for cs in seen.values() for c in cs}
    )
    head = "".join(f"<th>{c}</th>" for c in codes)
    rows = []
    for op in sorted(documented):
        cells = []
        for c in codes:
            doc, got = c in documented[op], c in seen.get(op, [])
            if doc and got:
                cells.append('<td class="c y" title="exercised">&#10003;</td>')
            elif doc and c in blocked.get(op, []):
                cells.append('<td class="c b" title="not measured">&ndash;</td>')
            elif doc:
                cells.append('<td class="c n" title="not exercised">&#10007;</td>')
            elif got:
                cells.append('<td class="c u" title="not documented">!</td>')
            else:
                cells.append('<td class="c x"></td>')
        rows.append(f'<tr><th class="op">{escape(op)}</th>{"".join(cells)}</tr>')
    return (
        f"<h2>Status codes: operations x documented codes ({part['exercised']}/"
        f"{part['total']})</h2>{LEGEND}"
        f'<table class="matrix"><thead><tr><th>operation</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _coverage_rows(
    per_key: dict[str, int], missing: dict[str, list[str]], item: Callable[[str], str]
) -> str:
    """One row per key: exercised/total, and what was not exercised folded away."""
    rows = []
    for key, total in sorted(per_key.items()):
        lost = missing.get(key, [])
        cls = "y" if not lost else "n"
        detail = (
            "<details><summary>not exercised</summary><ul>"
            + "".join(f"<li>{item(x)}</li>" for x in lost)
            + "</ul></details>"
            if lost
            else ""
        )
        rows.append(
            f'<tr><th class="op">{escape(key)}</th><td class="c {cls}">'
            f"{total - len(lost)}/{total}</td><td>{detail}</td></tr>"
        )
    return "".join(rows)


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _transitions(part: dict[str, Any]) -> str:
    rows = _coverage_rows(
        part["per_family"], part["missing"], lambda t: f"<code>{escape(t)}</code>"
    )
    return (
        f"<h2>Transitions per family ({part['exercised']}/{part['total']}; "
        f"{part['forbidden_events_tried']} forbidden events tried)</h2>"
        "<table><thead><tr><th>family</th><th>exercised</th><th></th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _messages(part: dict[str, Any]) -> str:
    rows = _coverage_rows(part["per_operation"], part["missing"], escape)
    return (
        f"<h2>Documented 422 messages ({part['exercised']}/{part['total']})</h2>"
        "<table><thead><tr><th>operation</th><th>exercised</th><th></th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
