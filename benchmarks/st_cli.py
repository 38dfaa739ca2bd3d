"""`python -m benchmarks schemathesis`: plain `schemathesis run` at its defaults on our spec.

What a user who feeds spec/invoicexpress.yaml to schemathesis waits for: every phase at the
tool's defaults (examples, coverage, fuzzing, stateful), against a fresh sandbox with its rate
limit off. The only setting given is the API key (a config file holding the auth alone, in a
temporary folder, so the repository's schemathesis.toml is not read; the key itself travels in
the environment). Reports the wall time, the time of each phase as schemathesis prints it,
how many links the stateful phase can follow, and how many cases ran and failed (each phase
stops an operation at its first failure, so a run with fewer failures sends more cases and
takes longer); writes reports/bench/schemathesis_cli.json and .md. The run is stopped at `--cap`
seconds (reported as not finished). Goal: under 3 minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from invoicexpress_core.spec import load_spec
from invoicexpress_sandbox.testing import running_sandbox

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 180.0
_PHASE = re.compile(r"\b(Examples|Coverage|Fuzzing|Stateful)\b[^(\n]*\(in ([\d.]+)\s*s\)")
_CASES = re.compile(r"^\s*(\d+) generated, (\d+) found")
_FAILURE_CODE = re.compile(r"^\s*\S+\s+(ST\d+) [^:\n]+: (\d+)\s*$")


def links_of_spec() -> int:
    """The OpenAPI links the stateful phase chains operations through."""
    spec = load_spec()
    return sum(
        len(spec.resolve(raw).get("links") or {}) for op in spec for raw in op.responses.values()
    )


def _cpu_seconds() -> tuple[float, float]:
    """User + system CPU of the waited-for children (schemathesis) and of this process (the
    in-process sandbox)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return children.ru_utime + children.ru_stime, own.ru_utime + own.ru_stime


def run(cap: float, workers: str) -> dict[str, Any]:
    exe = str(Path(sys.executable).with_name("schemathesis"))
    with tempfile.TemporaryDirectory(prefix="ixc-st-cli-") as tmp, running_sandbox() as sb:
        config = Path(tmp) / "auth.toml"
        config.write_text('[auth.openapi.apiKeyAuth]\napi_key = "${IXC_ST_API_KEY}"\n')
        env = dict(os.environ, IXC_ST_API_KEY=sb.api_key)
        cmd = [exe, "--config-file", str(config), "--no-color", "run",
               str(ROOT / "spec" / "invoicexpress.yaml"), "--url", sb.base_url,
               "--workers", workers]  # fmt: skip
        started, cpu_before = time.perf_counter(), _cpu_seconds()
        try:
            proc = subprocess.run(
                cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=cap, check=False
            )
            output, finished, code = proc.stdout + proc.stderr, True, proc.returncode
        except subprocess.TimeoutExpired as exc:
            output = (exc.stdout or b"").decode(errors="replace") if exc.stdout else ""
            finished, code = False, None
        wall = time.perf_counter() - started
        cpu_after = _cpu_seconds()
        tool_cpu, sandbox_cpu = cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]
    lines = output.splitlines()
    phases = {m[1].lower(): float(m[2]) for m in map(_PHASE.search, lines) if m}
    cases = next(((int(m[1]), int(m[2])) for m in map(_CASES.match, lines) if m), None)
    return {
        "wall_s": round(wall, 1),
        # CPU seconds compare across runs on a busy machine, where the wall time does not.
        "schemathesis_cpu_s": round(tool_cpu, 1),
        "sandbox_cpu_s": round(sandbox_cpu, 1),
        "finished": finished,
        "exit_code": code,
        "phases_s": phases,
        # An operation stops at its first failure, so the time depends on how many cases ran.
        "cases": cases[0] if cases else None,
        "failures": cases[1] if cases else None,
        "failure_codes": {m[1]: int(m[2]) for m in map(_FAILURE_CODE.match, lines) if m},
        "links": links_of_spec(),
        "goal_s": GOAL_S,
        "tail": output[-1200:],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks schemathesis", description=__doc__)
    parser.add_argument("--cap", type=float, default=900.0, help="stop the run after (900 s)")
    parser.add_argument("--workers", default="1", help="schemathesis --workers (its default: 1)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench")
    args = parser.parse_args(argv)
    print(f"plain schemathesis run on the spec (cap {args.cap:.0f} s) ...", flush=True)
    result = run(args.cap, args.workers)
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        **result,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "schemathesis_cli.json").write_text(json.dumps(report, indent=2) + "\n")
    phases = ", ".join(f"{k} {v:.0f} s" for k, v in result["phases_s"].items()) or "none printed"
    verdict = "finished" if result["finished"] else f"NOT finished in {args.cap:.0f} s"
    text = (
        "# Plain `schemathesis run` on the spec\n\n"
        f"{report['when']}, {report['cpus']} CPUs: {result['wall_s']} s wall "
        f"(CPU: schemathesis {result['schemathesis_cpu_s']} s, "
        f"sandbox {result['sandbox_cpu_s']} s), "
        f"{verdict} "
        f"(goal < {GOAL_S:.0f} s); phases: {phases}; {result['links']} links; "
        f"{result['cases']} cases, {result['failures']} failures {result['failure_codes']} "
        "(an operation stops at its first failure).\n"
    )
    (args.out / "schemathesis_cli.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
