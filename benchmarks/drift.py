"""`python -m benchmarks drift`: a full-spec diff against the time to load the spec once.

oasdiff is not installable here (npm's `oasdiff` is a 0.0.1 security placeholder, PyPI has no
such package, and the Go module would have to be built from source), so the yardstick is the
parse every diff must pay anyway: `yaml.CSafeLoader` on `spec/invoicexpress.yaml`. Each pair is
timed `--repeat` times in this process and the median is reported; JSON + Markdown go to
reports/bench/drift.{json,md}.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import pickle
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "invoicexpress.yaml"
VENDOR = ROOT.parent / "shared" / "api-docs" / "official-openapi-bundle.yaml"  # CI: ../shared


def _median(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks drift", description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--vendor", type=Path, default=VENDOR, help="the vendor bundle, if any")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench")
    args = parser.parse_args(argv)
    from invoicexpress_drift import Report, corpus
    from invoicexpress_drift.inputs import read_document
    from invoicexpress_drift.render import to_markdown
    from invoicexpress_drift.spec_diff import diff_documents

    text = SPEC.read_text(encoding="utf-8")
    load = _median(lambda: yaml.load(text, Loader=yaml.CSafeLoader), args.repeat)
    twin = SPEC.with_suffix(".json")  # the core's JSON twin, when `ixc spec build` wrote it
    twin_load = (
        _median(lambda: json.loads(twin.read_bytes()), args.repeat) if twin.is_file() else None
    )
    frozen = pickle.dumps(yaml.load(text, Loader=yaml.CSafeLoader))
    base = pickle.loads(frozen)  # noqa: S301 (our own bytes)
    same = pickle.loads(frozen)  # noqa: S301
    pairs: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {"unchanged": (base, same)}
    for mid in (
        "api-key-query-to-header",
        "shared-date-pattern-narrowed",
        "response-field-removed",
    ):
        revised = pickle.loads(frozen)  # noqa: S301
        next(m for m in corpus.MUTATIONS if m.id == mid).apply(revised)
        pairs[mid] = (base, revised)
    if args.vendor.is_file():
        pairs["vendor-bundle-to-spec"] = (read_document(str(args.vendor)), base)
    rows: dict[str, dict[str, Any]] = {}
    for name, (old, new) in pairs.items():
        seconds = _median(functools.partial(diff_documents, old, new), args.repeat)
        findings, titles = diff_documents(old, new)
        report = Report("spec", "old", "new", findings, "-", titles)
        markdown = to_markdown(report, full_report="drift.json")
        rows[name] = {
            "diff_s": round(seconds, 4),
            "ratio_to_load": round(seconds / load, 2),
            "findings": len(findings),
            "markdown_chars": len(markdown),
            "markdown_bytes": len(markdown.encode("utf-8")),
        }
    # What `ixc drift spec spec/invoicexpress.yaml REVISED.yaml` pays: our spec (twin when
    # current), a revised YAML through libyaml, the diff; fresh parses every round (no cache).
    revised_text = yaml.dump(pairs["api-key-query-to-header"][1], Dumper=yaml.CSafeDumper)

    def read_both_and_diff() -> None:
        old = json.loads(twin.read_bytes())["document"] if twin.is_file() else None
        if old is None:
            old = yaml.load(text, Loader=yaml.CSafeLoader)
        diff_documents(old, yaml.load(revised_text, Loader=yaml.CSafeLoader))

    cli = _median(read_both_and_diff, args.repeat)
    report_data = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "repeat": args.repeat,
        "spec_bytes": len(text.encode("utf-8")),
        "load_once_s": round(load, 4),
        "twin_load_once_s": None if twin_load is None else round(twin_load, 4),
        "read_both_and_diff_s": round(cli, 4),
        "oasdiff": "not installable here (npm placeholder 0.0.1-security; no PyPI package)",
        "pairs": rows,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "drift.json").write_text(json.dumps(report_data, indent=2) + "\n")
    lines = [
        "# Drift benchmark: a full-spec diff against one load of the spec",
        "",
        f"Spec {report_data['spec_bytes']:,} bytes; load once (libyaml) "
        f"**{load * 1000:.0f} ms**"
        + (f" (its JSON twin: {twin_load * 1000:.0f} ms)" if twin_load is not None else "")
        + f"; read both files (twin when current) and diff **{cli * 1000:.0f} ms** "
        f"(median of {args.repeat}, {os.cpu_count()} CPUs).",
        "",
        "| Pair | Diff (ms) | Diff / load | Findings | Markdown (chars) |",
        "|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {row['diff_s'] * 1000:.0f} | {row['ratio_to_load']} | "
            f"{row['findings']} | {row['markdown_chars']:,} |"
        )
    markdown_report = "\n".join(lines) + "\n"
    (args.out / "drift.md").write_text(markdown_report)
    print(markdown_report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
