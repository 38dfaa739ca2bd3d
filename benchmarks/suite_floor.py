"""`python -m benchmarks suite`: the contract suites' wall time against its floor.

Runs `ixc contract` (managed sandbox, its recording on) for `--quick` and for the full
profile, then replays each run's recording against fresh sandboxes with a plain httpx client:
once sequentially on one sandbox, once with one client and one sandbox per worker of the run
(a worker's requests are those that went to its sandbox's port), as the run split them. The
replay is the time the same requests cost the server; the ratio run / floor is what the suites
spend outside it (generation, checks, recording, reports, start-up). Writes
reports/bench/suite_floor.json and .md.

The replay sends what was recorded, in its order: recorded ids need not exist in a fresh
sandbox (those answers are 404s, as cheap as any), and the redacted key is the fresh
sandbox's key, so requests the suites sent with a wrong key are sent with the right one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from invoicexpress_core.exchange import REDACTED, Exchange, read_recording
from invoicexpress_sandbox.testing import running_sandbox

ROOT = Path(__file__).resolve().parents[1]
GOALS = {"quick": 4.0, "full": 6.0}  # issue 23: run / same-worker-count floor
_DROPPED_HEADERS = frozenset({"host", "content-length"})


def _request(ex: Exchange) -> tuple[str, str, dict[str, str], bytes]:
    """(method, path and query, headers, body) of a recorded request, key slot left redacted."""
    parts = urlsplit(ex.url)
    target = urlunsplit(("", "", parts.path, parts.query, ""))
    headers = {
        k: v
        for k, v in ex.request_headers.items()
        if k.lower() not in _DROPPED_HEADERS and v != REDACTED
    }
    body = ex.request_body
    if body is None:
        content = b""
    elif isinstance(body, str):
        content = body.encode("utf-8", "surrogatepass")
    else:
        content = json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return ex.method, target, headers, content


def _replay(shares: Iterable[list[tuple[str, str, dict[str, str], bytes]]]) -> float:
    """Wall seconds to replay every share at once, one thread each (sandbox start excluded:
    each thread starts its sandbox, then all send together)."""
    shares = list(shares)
    ready = threading.Barrier(len(shares) + 1)
    done: list[float] = []

    def worker(share: list[tuple[str, str, dict[str, str], bytes]]) -> None:
        with running_sandbox(in_process=False) as sb:
            key = sb.api_key
            with httpx.Client(base_url=sb.base_url, timeout=30) as http:
                http.get("/taxes.json", params={"api_key": key})
                ready.wait()
                for method, target, headers, content in share:
                    http.request(
                        method,
                        target.replace(f"api_key={REDACTED}", f"api_key={key}"),
                        headers=headers,
                        content=content,
                    )
                done.append(time.perf_counter())

    threads = [threading.Thread(target=worker, args=(share,)) for share in shares]
    for t in threads:
        t.start()
    ready.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    if len(done) != len(shares):
        raise RuntimeError("a replay thread failed; see its traceback above")
    return max(done) - started


def _run_suites(quick: bool, workers: int, out: Path) -> tuple[float, dict[str, Any]]:
    cmd = [sys.executable, "-m", "ixc", "contract", "-n", str(workers), "--report-dir", str(out)]
    if quick:
        cmd.append("--quick")
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0 or not (out / "summary.json").is_file():
        tail = (proc.stdout + proc.stderr)[-1500:]
        raise RuntimeError(f"ixc contract {'--quick ' if quick else ''}failed:\n{tail}")
    return wall, json.loads((out / "summary.json").read_text())


def measure(profile: str, workers: int, tmp: Path) -> dict[str, Any]:
    out = tmp / profile
    print(f"  {profile}: ixc contract -n {workers} ...", flush=True)
    wall, summary = _run_suites(profile == "quick", workers, out)
    exchanges = list(read_recording(out / "exchanges.jsonl"))
    by_port: dict[str, list[tuple[str, str, dict[str, str], bytes]]] = {}
    for ex in exchanges:
        by_port.setdefault(urlsplit(ex.url).netloc, []).append(_request(ex))
    everything = [_request(ex) for ex in exchanges]
    print(f"  {profile}: {wall:.1f} s, {len(exchanges)} requests; replaying ...", flush=True)
    sequential = _replay([everything])
    parallel = _replay(by_port.values())
    result = {
        "suite_wall_s": round(wall, 2),
        "requests": len(exchanges),
        "workers": workers,
        "sandboxes_in_run": len(by_port),
        "floor_sequential_s": round(sequential, 2),
        "floor_same_workers_s": round(parallel, 2),
        "ratio_to_sequential": round(wall / sequential, 2),
        "ratio_to_same_workers": round(wall / parallel, 2),
        "goal": GOALS[profile],
        "coverage": {
            k: summary[k]["percent"]
            for k in ("operations", "status_codes", "transitions", "error_messages")
            if isinstance(summary.get(k), dict) and "percent" in summary[k]
        },
    }
    print(
        f"  {profile}: floor {sequential:.1f} s sequential, {parallel:.1f} s on "
        f"{len(by_port)} sandboxes; run / floor {result['ratio_to_same_workers']}x "
        f"(goal <= {GOALS[profile]}x)",
        flush=True,
    )
    return result


def _markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Contract suites against their replay floor",
        "",
        f"{report['when']}, {report['cpus']} CPUs, `ixc contract -n {report['workers']}` "
        "(managed sandboxes), then its recording replayed with httpx against fresh sandboxes.",
        "",
        "| profile | run s | requests | floor s (sequential) | floor s (same workers) | "
        "run / floor | goal |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in report["profiles"].items():
        lines.append(
            f"| {name} | {r['suite_wall_s']} | {r['requests']} | {r['floor_sequential_s']} | "
            f"{r['floor_same_workers_s']} | {r['ratio_to_same_workers']} | <= {r['goal']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks suite", description=__doc__)
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers (2)")
    parser.add_argument(
        "--profile", choices=("quick", "full"), action="append", help="default: both"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error(f"--workers {args.workers}: give 1 or more")
    report: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "profiles": {},
    }
    with tempfile.TemporaryDirectory(prefix="ixc-suite-floor-") as tmp:
        for profile in args.profile or ("quick", "full"):
            report["profiles"][profile] = measure(profile, args.workers, Path(tmp))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "suite_floor.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "suite_floor.md").write_text(_markdown(report))
    print(_markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
