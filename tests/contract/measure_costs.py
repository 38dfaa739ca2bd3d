"""Measure what each test sends, for the plan (`contract_tests/.../costs.json`).

    python tests/contract/measure_costs.py [--out reports/costs]

Two runs that take every test in the plan's order, in one process, with no budget to speak of:
the live profile against `ixc sandbox --live-like` (at a measurement pace: the same requests,
shorter waits), and the full profile against a fresh sandbox. From each recording, per test
function: the mean requests a test sends, by operation, the documents it makes and those it
numbers (an ATCUD in an answer about one of ours), per test that ran. The clean-up is left out
(the recording names it `(clean-up)`): the plan prices it apart. Writes the suites'
`costs.json`, which the plan reads (`_plan.measured_costs`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # run as a script: the repository root holds tests/
from tests.contract.rehearsal import measurement_pace, start_sandbox  # noqa: E402

TARGET = REPO / "contract_tests" / "invoicexpress_contract_tests" / "costs.json"
NO_BUDGET = "100000"
RATE = 6000


def run(profile: str, report: Path) -> None:
    cmd = [sys.executable, "-m", "ixc", "contract", "--max-requests", NO_BUDGET, "-n", "1",
           "--report-dir", str(report)]  # fmt: skip
    env = dict(os.environ, IXC_CONTRACT_RUN_ID=f"costs-{profile}")
    if profile == "full":
        subprocess.run(cmd, cwd=REPO, env=env, check=False, capture_output=True)
        return
    proc, url, key = start_sandbox("--live-like", "--rate-limit", str(RATE))
    try:
        env.update(INVOICEXPRESS_API_KEY=key, **measurement_pace(RATE, quiet=True))
        subprocess.run([*cmd, "--live", "--base-url", url], cwd=REPO, env=env, check=False,
                       capture_output=True)  # fmt: skip
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


MAX_VARIANTS = 20  # a function with more variants (one per operation) is measured as a whole


def function_of(nodeid: str) -> str:
    return nodeid.split("::")[-1].split("[")[0]


def keys_of(nodeid: str) -> tuple[str, ...]:
    """Its function, and the variant (`test_x[quotes]`) when it has one."""
    name = nodeid.split("::")[-1]
    return (function_of(nodeid), name) if "[" in name else (function_of(nodeid),)


def ran_tests(junit: Path) -> Counter[str]:
    """Tests that ran (not skipped) per test function; 0 for a function whose tests all
    skipped (they send nothing in that profile)."""
    out: Counter[str] = Counter()
    text = junit.read_text()
    case = r'<testcase [^>]*?\sname="([^"]*)"[^>]*?(/>|>(.*?)</testcase>)'
    for m in re.finditer(case, text, re.S):
        for key in keys_of(m.group(1)):
            out[key] += "<skipped" not in (m.group(3) or "")
    variants = Counter(function_of(k) for k in out if "[" in k)
    return Counter(
        {k: n for k, n in out.items() if "[" not in k or variants[function_of(k)] <= MAX_VARIANTS}
    )


ID_IN_PATH = re.compile(r"/(\d+)(?:\.json|/)")


def kind_of(operation_id: str) -> str:
    """Ids are per kind (an item may share a document's number)."""
    return next((k for k in ("Item", "Tax", "Client") if operation_id.endswith(k)), "Document")


def measure(report: Path) -> dict[str, dict[str, Any]]:
    ran = ran_tests(report / "junit.xml")
    ops: dict[str, Counter[str]] = defaultdict(Counter)
    made: Counter[str] = Counter()
    numbered: dict[int, tuple[str, ...]] = {}
    owner: dict[tuple[str, int], tuple[str, ...]] = {}  # what a test made: its clean-up too
    cleanup: Counter[str] = Counter()
    for line in (report / "exchanges.jsonl").read_text().split("\n"):
        if not line:
            continue
        ex = json.loads(line)
        test = str(ex.get("meta", {}).get("test") or "")
        if test == "(clean-up)":
            found = ID_IN_PATH.search(ex["url"].split("?")[0])
            key = (kind_of(ex["operation_id"] or ""), int(found[1])) if found else ("", 0)
            for fn in owner.get(key, ("",)):
                cleanup[fn] += 1
            continue
        if not test:
            continue
        keys = keys_of(test)
        body = ex.get("response_body")
        for fn in keys:
            ops[fn][ex["operation_id"] or "(other)"] += 1
        if ex["status"] == 201 and isinstance(body, dict):
            made.update(keys)
            root = next(iter(body.values()), None)
            if isinstance(root, dict) and "id" in root:
                owner.setdefault((kind_of(ex["operation_id"] or ""), int(root["id"])), keys)
        if isinstance(body, dict) and len(body) == 1:
            (value,) = body.values()
            rows = value if ex["operation_id"] == "listRelatedDocuments" else [value]
            for row in rows if isinstance(rows, list) else []:
                if isinstance(row, dict) and row.get("atcud") and "id" in row:
                    numbered.setdefault(int(row["id"]), keys)
    finals = Counter(k for keys in numbered.values() for k in keys)
    # what no test owns (the items documents' lines made, the item list) follows the documents
    whole = [k for k in made if "[" not in k]
    shared = cleanup.pop("", 0) / max(1, sum(made[k] for k in whole))
    out = {}
    for fn in sorted(ran):
        n = max(1, ran[fn])
        out[fn] = {
            "ran": ran[fn],  # 0: it skips in this profile, before sending anything
            "cleanup": round((cleanup[fn] + shared * made[fn]) / n, 2),
            "requests": round(sum(ops[fn].values()) / n, 2),
            "ops": {op: round(c / n, 2) for op, c in sorted(ops[fn].items())},
            "made": round(made[fn] / n, 2),
            "finalised": round(finals[fn] / n, 2),
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="reports/costs")
    parser.add_argument("--reuse", action="store_true", help="measure the runs already in --out")
    parser.add_argument("--profiles", default="live,full", help="those to measure again")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    costs = json.loads(TARGET.read_text()) if TARGET.exists() else {}
    costs.pop("about", None)
    for profile in args.profiles.split(","):
        if not (args.reuse and (out / profile / "summary.json").exists()):
            run(profile, out / profile)
        # A test the run did not take keeps what was known of it: the plan leaves out those
        # measured to skip (ran 0), so a run never sees them; dropping them made the next
        # plan take them again (a live update test that skips, in place of one that runs).
        known = {k: v for k, v in costs.get(profile, {}).items() if v.get("ran") == 0}
        costs[profile] = {**known, **measure(out / profile)}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, text=True,
                            capture_output=True, check=False).stdout.strip()  # fmt: skip
    about = (
        "Requests each test sends, by operation, and the documents it makes and numbers: "
        "means per test that ran, by profile. Measured, not written: python "
        f"tests/contract/measure_costs.py (at {commit})."
    )
    TARGET.write_text(json.dumps({"about": about, **costs}, indent=1, sort_keys=True) + "\n")
    print(
        f"wrote {TARGET.relative_to(REPO)}: {', '.join(f'{p} {len(c)}' for p, c in costs.items())}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
