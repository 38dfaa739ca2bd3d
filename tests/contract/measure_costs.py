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


def function_of(nodeid: str) -> str:
    return nodeid.split("::")[-1].split("[")[0]


def ran_tests(junit: Path) -> Counter[str]:
    """Tests that ran (not skipped) per test function; 0 for a function whose tests all
    skipped (they send nothing in that profile)."""
    out: Counter[str] = Counter()
    text = junit.read_text()
    case = r'<testcase [^>]*?\sname="([^"]*)"[^>]*?(/>|>(.*?)</testcase>)'
    for m in re.finditer(case, text, re.S):
        out[function_of(m.group(1))] += "<skipped" not in (m.group(3) or "")
    return out


ID_IN_PATH = re.compile(r"/(\d+)(?:\.json|/)")


def kind_of(operation_id: str) -> str:
    """Ids are per kind (an item may share a document's number)."""
    return next((k for k in ("Item", "Tax", "Client") if operation_id.endswith(k)), "Document")


def measure(report: Path) -> dict[str, dict[str, Any]]:
    ran = ran_tests(report / "junit.xml")
    ops: dict[str, Counter[str]] = defaultdict(Counter)
    made: Counter[str] = Counter()
    numbered: dict[int, str] = {}
    owner: dict[tuple[str, int], str] = {}  # what a test made: its clean-up is the test's
    cleanup: Counter[str] = Counter()
    for line in (report / "exchanges.jsonl").read_text().split("\n"):
        if not line:
            continue
        ex = json.loads(line)
        test = str(ex.get("meta", {}).get("test") or "")
        if test == "(clean-up)":
            found = ID_IN_PATH.search(ex["url"].split("?")[0])
            key = (kind_of(ex["operation_id"] or ""), int(found[1])) if found else ("", 0)
            cleanup[owner.get(key, "")] += 1
            continue
        if not test:
            continue
        fn = function_of(test)
        ops[fn][ex["operation_id"] or "(other)"] += 1
        body = ex.get("response_body")
        if ex["status"] == 201 and isinstance(body, dict):
            made[fn] += 1
            root = next(iter(body.values()), None)
            if isinstance(root, dict) and "id" in root:
                owner.setdefault((kind_of(ex["operation_id"] or ""), int(root["id"])), fn)
        if isinstance(body, dict) and len(body) == 1:
            (value,) = body.values()
            rows = value if ex["operation_id"] == "listRelatedDocuments" else [value]
            for row in rows if isinstance(rows, list) else []:
                if isinstance(row, dict) and row.get("atcud") and "id" in row:
                    numbered.setdefault(int(row["id"]), fn)
    finals = Counter(numbered.values())
    # what no test owns (the items documents' lines made, the item list) follows the documents
    shared = cleanup.pop("", 0) / max(1, sum(made.values()))
    out = {}
    for fn in sorted(set(ran) | set(ops)):
        n = max(1, ran[fn])
        out[fn] = {
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
        costs[profile] = measure(out / profile)
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
