"""`detection.py --live`: the catalogue through the live profile under request budgets.

Each fault, at each budget: a fresh `ixc sandbox --live-like --fault F` (live forms, live quirks,
an account that already holds data) and `ixc contract --live --base-url ... --max-requests B`.
A fault counts as caught at B when that run reports a failure, the faithful run at B having
none. At the live limit (100 a minute) a catalogue takes hours, so by default the sandbox
allows `--rate-limit` requests a minute and the profile keeps 90% of it (the suites'
`IXC_CONTRACT_LIVE_PACE`, honoured against loopback only): the same requests, shorter waits.
The output says which pace was measured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from invoicexpress_sandbox._faults import CATALOGUE

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # run as a script: the repository root holds tests/
from tests.contract.rehearsal import measurement_pace, start_sandbox  # noqa: E402

BUDGETS = (100, 200, 400, 600)
MEASURE_RATE = 6000  # the sandbox's limit a minute while measuring (live: 100)


def live_run(
    fault: str | None, budget: int, rate_limit: int, out: Path, *, live: bool = True
) -> dict[str, Any]:
    """One budgeted run against a fresh sandbox with `fault` on: the live profile against a
    live-like one, or (`live=False`) the default profile through `--base-url` against a plain
    one."""
    report = out / f"{fault or 'faithful'}-{budget}"
    args = ["--live-like"] if live else []
    args += ["--rate-limit", str(rate_limit), *(["--fault", fault] if fault else [])]
    proc, url, key = start_sandbox(*args)
    try:
        cmd = [
            sys.executable, "-m", "ixc", "contract", *(["--live"] if live else []),
            "--base-url", url, "--max-requests", str(budget), "-n", "1",
            "--report-dir", str(report),
        ]  # fmt: skip
        env = dict(
            os.environ,
            IXC_CONTRACT_RUN_ID=f"detect-{budget}",
            INVOICEXPRESS_API_KEY=key,
            **measurement_pace(rate_limit, quiet=True),
        )
        subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    summary = json.loads((report / "summary.json").read_text())
    tests = sorted({it["test"] for items in summary["failures"].values() for it in items})
    return {
        "failures": summary["failure_count"],
        "requests": summary["requests"],
        "transitions": summary["transitions"]["exercised"],
        "tests": tests[:5],
    }


def baselines(out: Path) -> dict[str, dict[str, bool]]:
    """Fault -> the unbudgeted suites' and plain schemathesis' verdicts, from the last
    `detection.py` run without --live (empty when there is none)."""
    path = out / "detection.json"
    if not path.exists():
        return {}
    rows = json.loads(path.read_text()).get("rows", [])
    return {r["fault"]: {"ours": r["ours"], "schemathesis": r["schemathesis"]} for r in rows}


def main(
    faults: list[str], budgets: list[int], rate_limit: int, out: Path, *, live: bool = True
) -> int:
    live_dir = out / ("live" if live else "base-url")
    live_dir.mkdir(parents=True, exist_ok=True)
    measurement_pace(rate_limit)
    if not live:
        print("profile: the default one through --base-url (not --live), under each budget")
    faithful = {b: live_run(None, b, rate_limit, live_dir, live=live) for b in budgets}
    for b, run in faithful.items():
        print(
            f"faithful at {b}: {run['requests']} requests, {run['failures']} failures, "
            f"{run['transitions']} transitions",
            flush=True,
        )
    before = baselines(out)
    rows: list[dict[str, Any]] = []
    for fault in faults:
        runs = {b: live_run(fault, b, rate_limit, live_dir, live=live) for b in budgets}
        caught = {b: runs[b]["failures"] > 0 for b in budgets}
        base = before.get(fault, {})
        rows.append({"fault": fault, "caught": caught, "runs": runs, **base})
        marks = " ".join(f"{b}:{'caught' if caught[b] else 'MISSED'}" for b in budgets)
        print(f"{fault:28} {CATALOGUE[fault].category:14} {live_dir.name} {marks}", flush=True)
    n = len(rows)
    curve = {b: sum(r["caught"][b] for r in rows) for b in budgets}
    result = {"faults": n, "rate_limit": rate_limit, "faithful": faithful, "curve": curve,
              "rows": rows}  # fmt: skip
    (out / f"detection-{live_dir.name}.json").write_text(json.dumps(result, indent=2))
    profile = "live profile" if live else "default profile through --base-url"
    print(f"caught by budget ({profile}): " + ", ".join(f"{b}: {curve[b]}/{n}" for b in budgets))
    known = [r for r in rows if "ours" in r]
    if known:
        top = max(budgets)
        print(
            f"beside, on the {len(known)} faults the last unbudgeted run measured: budgeted "
            f"{top} {sum(r['caught'][top] for r in known)}, unbudgeted "
            f"{sum(r['ours'] for r in known)}, plain schemathesis "
            f"{sum(r['schemathesis'] for r in known)}"
        )
    else:
        print(
            "unbudgeted and plain schemathesis: not measured yet (run detection.py without --live)"
        )
    clean = all(run["failures"] == 0 for run in faithful.values())
    return 0 if clean and all(all(r["caught"].values()) for r in rows) else 1
