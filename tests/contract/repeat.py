"""Same verdict every run: the full profile, N times, against one faithful sandbox it did not
start itself (`--base-url`), two workers, a different hypothesis seed each time.

A faithful server must pass every run; any failure is a flaky check or an undocumented answer
the suites met by chance (a NUL byte in a generated query string was one). Prints the tally and
each failing run's causes, and exits 1 when any run failed.

    python -m tests.contract.repeat [--runs 10] [--workers 2] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.contract.rehearsal import start_sandbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nox -s repeat --")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="the quick profile instead")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.workers < 1:
        parser.error("--runs and --workers must be at least 1")
    proc, url, key = start_sandbox("--rate-limit", "off")
    tally: list[tuple[int, int, str]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="ixc-repeat-") as tmp:
            for run in range(1, args.runs + 1):
                seed = random.randrange(2**31)
                reports = Path(tmp) / f"run-{run}"
                profile = ["--quick"] if args.quick else []
                cmd = [sys.executable, "-m", "ixc", "contract", "--base-url", url,
                       "-n", str(args.workers), "--report-dir", str(reports),
                       *profile, "--", f"--hypothesis-seed={seed}"]  # fmt: skip
                env = dict(os.environ, INVOICEXPRESS_API_KEY=key)
                done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
                causes = _causes(reports)
                tally.append((run, done.returncode, causes))
                verdict = "pass" if done.returncode == 0 else f"FAIL (exit {done.returncode})"
                print(f"run {run}/{args.runs} seed {seed}: {verdict}", flush=True)
                if done.returncode and not causes:
                    print(done.stdout[-3000:] + done.stderr[-2000:], flush=True)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    failed = [t for t in tally if t[1]]
    print(f"\n{len(tally) - len(failed)} of {len(tally)} runs passed")
    for run, code, causes in failed:
        print(f"run {run} (exit {code}):\n{causes}")
    return 1 if failed else 0


def _causes(reports: Path) -> str:
    """The failing run's causes, one line each, from its summary.json (empty when none)."""
    summary = reports / "summary.json"
    if not summary.is_file():
        return ""
    data = json.loads(summary.read_text())
    causes = data.get("causes") or []
    lines = [
        f"  {c['count']} x {c['family']} {c['status'] or ''}: {c['message'][:200]}" for c in causes
    ]
    if not lines:
        lines = [f"  {name}" for name in (data.get("failures") or {})]
    return "\n".join(lines[:20])


if __name__ == "__main__":
    raise SystemExit(main())
