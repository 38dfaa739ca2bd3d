"""The mutation catalogue's score: each sandbox fault through the whole `ixc contract --quick`
profile, beside plain `schemathesis run` (the CLI at its defaults, plus the spec's auth) on the
same spec and the same faults, in the same run.

    python tests/contract/detection.py [--max-time SECONDS] [--workers 2] [FAULT ...]
    python tests/contract/detection.py --live [--budgets 100,200,400,600] [--rate-limit N] [F ...]

A fault counts as caught when the run reports something the faithful run did not (for our
suites: any failure, the faithful run having none; for schemathesis: a kind of failure its
faithful run did not show; its randomness makes a few of those noise, so read the kinds).
Not a CI test (one full run per fault: long); `nox -s detection`. `--live`: the live profile
under request budgets against `ixc sandbox --live-like` (`detection_live.py`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

from invoicexpress_sandbox._faults import CATALOGUE

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # run as a script: the repository root holds tests/
from tests.contract import detection_live  # noqa: E402
from tests.contract.schemathesis_cli_compare import run as schemathesis_run  # noqa: E402


def ours(fault: str | None, workers: str, out: Path) -> dict[str, Any]:
    report = out / (fault or "faithful")
    cmd = [
        sys.executable, "-m", "ixc", "contract", "--quick", "-n", workers,
        "--report-dir", str(report), "--junit", str(report / "junit.xml"),
        "--record", str(report / "exchanges.jsonl"),
    ]  # fmt: skip
    if fault:
        cmd += ["--fault", fault]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    summary = json.loads((report / "summary.json").read_text())
    tests = sorted({it["test"] for items in summary["failures"].values() for it in items})
    return {"exit": proc.returncode, "failures": summary["failure_count"], "tests": tests}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("faults", nargs="*")
    parser.add_argument("--max-time", type=int, default=0, help="schemathesis cap (0: none)")
    parser.add_argument("--workers", default="2")
    parser.add_argument("--out", default="reports/detection")
    parser.add_argument("--live", action="store_true", help="the live profile under budgets")
    parser.add_argument(
        "--base-url-profile",
        action="store_true",
        help="with --live: the default profile through --base-url instead (a plain sandbox)",
    )
    parser.add_argument("--budgets", default=",".join(map(str, detection_live.BUDGETS)))
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=detection_live.MEASURE_RATE,
        help="--live: the sandbox's limit a minute while measuring (100: the live one)",
    )
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    faults = args.faults or sorted(CATALOGUE)
    unknown = sorted(set(faults) - set(CATALOGUE))
    if unknown:
        parser.error(f"unknown fault {', '.join(unknown)}; choose from {', '.join(CATALOGUE)}")
    if args.live:
        budgets = sorted(int(b) for b in args.budgets.split(","))
        return detection_live.main(
            faults, budgets, args.rate_limit, out, live=not args.base_url_profile
        )
    st_dir = out / "schemathesis"
    st_dir.mkdir(exist_ok=True)
    max_time = args.max_time or 0
    os.environ.setdefault("IXC_CONTRACT_RUN_ID", "detection")
    base_ours = ours(None, args.workers, out)
    base_st = schemathesis_run(None, max_time, st_dir)
    rows = []
    for fault in faults:
        mine = ours(fault, args.workers, out)
        theirs = schemathesis_run(fault, max_time, st_dir)
        kinds = cast(dict[str, str], theirs["failure_kinds"])
        faithful_kinds = cast(dict[str, str], base_st["failure_kinds"])
        # a kind of failure the faithful run did not show (its own noise aside)
        st_caught = theirs["exit"] != 0 and bool(set(kinds) - set(faithful_kinds))
        rows.append(
            {
                "fault": fault,
                "category": CATALOGUE[fault].category,
                "schema_valid": CATALOGUE[fault].schema_valid,
                "ours": mine["failures"] > 0,
                "ours_tests": mine["tests"][:5],
                "schemathesis": st_caught,
                "schemathesis_kinds": theirs["failure_kinds"],
            }
        )
        print(
            f"{fault:28} {CATALOGUE[fault].category:14} ours: "
            f"{'caught' if rows[-1]['ours'] else 'MISSED':7} schemathesis: "
            f"{'caught' if st_caught else 'missed'}",
            flush=True,
        )
    n = len(rows)
    mine_n = sum(r["ours"] for r in rows)
    st_n = sum(r["schemathesis"] for r in rows)
    valid = [r for r in rows if r["schema_valid"]]
    result = {
        "faults": n,
        "faithful": {"ours_failures": base_ours["failures"], "schemathesis": base_st},
        "ours": mine_n,
        "schemathesis": st_n,
        "schema_valid_faults": len(valid),
        "ours_on_schema_valid": sum(r["ours"] for r in valid),
        "schemathesis_on_schema_valid": sum(r["schemathesis"] for r in valid),
        "rows": rows,
    }
    (out / "detection.json").write_text(json.dumps(result, indent=2))
    print(
        f"catalogue score: contract suites {mine_n}/{n} caught "
        f"({result['ours_on_schema_valid']}/{len(valid)} schema-valid), faithful failures "
        f"{base_ours['failures']}; plain schemathesis {st_n}/{n} "
        f"({result['schemathesis_on_schema_valid']}/{len(valid)} schema-valid)"
    )
    return 0 if base_ours["failures"] == 0 and mine_n == n else 1


if __name__ == "__main__":
    raise SystemExit(main())
