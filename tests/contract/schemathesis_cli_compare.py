"""Run plain `schemathesis run` (the CLI, with schemathesis.toml) against the sandbox with each
fault switched on, and print which faults it flags: the baseline our suites are compared to.

    python tests/contract/schemathesis_cli_compare.py [--max-time 60 (0: none)] [FAULT ...]

Not a test (it is slow and its outcome is a finding, not a pass/fail contract); results are
quoted in the contract suites' notes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from invoicexpress_sandbox._faults import FAULTS
from invoicexpress_sandbox.testing import running_sandbox

REPO = Path(__file__).resolve().parents[2]


def run(fault: str | None, max_time: int, out: Path) -> dict[str, object]:
    with running_sandbox(faults=[fault] if fault else []) as sb:
        env = dict(os.environ, IXC_ST_BASE_URL=sb.base_url, IXC_ST_API_KEY=sb.api_key)
        cmd = [
            str(Path(sys.executable).with_name("schemathesis")),
            "run",
            str(REPO / "spec" / "invoicexpress.yaml"),
            "--url",
            sb.base_url,
            *(["--max-time", str(max_time)] if max_time else []),
            "--workers",
            "2",
            "--continue-on-failure",
            "--report",
            "junit",
            "--report-junit-path",
            str(out / f"{fault or 'faithful'}.xml"),
        ]
        proc = subprocess.run(
            cmd,
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=max_time * 4 + 120 if max_time else None,
        )
    text = proc.stdout.replace(sb.api_key, "[REDACTED]")
    (out / f"{fault or 'faithful'}.txt").write_text(text)
    kinds = dict(re.findall(r"❌ (ST\d{3} [^:\n]+): (\d+)", text))
    ops = sorted(set(re.findall(r"^_+ ((?:GET|POST|PUT|DELETE) \S+) _+$", text, re.M)))
    return {
        "fault": fault or "(none)",
        "exit": proc.returncode,
        "failure_kinds": kinds,
        "failing_operations": len(ops),
        "summary": [
            ln.strip("= ") for ln in text.splitlines() if re.search(r"\d+ (failures|passed)", ln)
        ][-1:],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("faults", nargs="*")
    parser.add_argument("--max-time", type=int, default=60)
    parser.add_argument("--out", default="reports/contract/schemathesis-cli")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = [run(f, args.max_time, out) for f in (args.faults or [None, *sorted(FAULTS)])]
    (out / "results.json").write_text(json.dumps(results, indent=2))
    for r in results:
        print(json.dumps(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
