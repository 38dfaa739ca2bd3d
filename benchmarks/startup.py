"""`python -m benchmarks.startup`: start-up costs, as ratios to baselines measured in the same run.

- `import invoicexpress` CPU time against `import httpx` (issue 10 target: <= 1.5x);
- the sandbox's time from process start to its first HTTP answer, against a minimal Starlette
  app on the same uvicorn (target: <= 1 s absolute).

Runs alternate A B A B ... and the ratio is taken pair by pair, so a machine whose speed drifts
during the run moves both sides; the median pair is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
READY_TIMEOUT = 60.0


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_cpu(module: str) -> float:
    """CPU seconds of a fresh interpreter that imports `module` and exits."""
    before = _child_cpu()
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
    return _child_cpu() - before


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def ready_seconds(argv: list[str], path: str) -> float:
    """Wall seconds from starting `argv` (given a free port) to its first HTTP answer on `path`."""
    port = _free_port()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [a.replace("{port}", str(port)) for a in argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=1.0) as client:
            while time.perf_counter() - start < READY_TIMEOUT:
                try:
                    client.get(path)
                except httpx.TransportError:
                    time.sleep(0.005)
                    continue
                return time.perf_counter() - start
        raise RuntimeError(f"{argv[:4]} did not answer within {READY_TIMEOUT} s")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


SANDBOX = [sys.executable, "-m", "invoicexpress_sandbox", "--port", "{port}"]
BASELINE = [sys.executable, "-m", "uvicorn", "benchmarks.baseline:app", "--host", HOST,
            "--port", "{port}", "--log-level", "warning"]  # fmt: skip


def paired(a: Callable[[], float], b: Callable[[], float], runs: int) -> dict[str, float]:
    a(), b()  # warm-up: file-system caches, .pyc files
    pairs = [(a(), b()) for _ in range(runs)]
    return {
        "a_median": statistics.median(x for x, _ in pairs),
        "b_median": statistics.median(y for _, y in pairs),
        "ratio_median": statistics.median(x / y for x, y in pairs),
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup")
    parser.add_argument("--runs", type=int, default=7, help="pairs per measurement")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench" / "startup.json")
    args = parser.parse_args(argv)
    imports = paired(lambda: import_cpu("invoicexpress"), lambda: import_cpu("httpx"), args.runs)
    ready = paired(
        lambda: ready_seconds(SANDBOX, "/invoices.json"),
        lambda: ready_seconds(BASELINE, "/invoices/1.json"),
        args.runs,
    )
    report = {"import_invoicexpress_vs_httpx_cpu": imports, "sandbox_ready_vs_starlette": ready}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(
        f"import invoicexpress: {imports['a_median'] * 1000:.0f} ms CPU, "
        f"{imports['ratio_median']:.2f}x import httpx (target <= 1.5x)\n"
        f"sandbox ready: {ready['a_median'] * 1000:.0f} ms after start, "
        f"{ready['ratio_median']:.2f}x a minimal Starlette app "
        f"({ready['b_median'] * 1000:.0f} ms) (target <= 1000 ms)\n"
        f"written: {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
