"""`python -m benchmarks`: sandbox vs a minimal Starlette baseline vs Prism, same run.

Measures requests/s and p50/p99 latency for GET a document and POST a create under 32
concurrent connections, one uvicorn worker each, and writes JSON + Markdown under
reports/bench/. Prism (`npx -y @stoplight/prism-cli@5 mock`) is measured when it starts.
`python -m benchmarks drift|suite|schemathesis ...` runs the spec-diff benchmark, the contract
suites against their replay floor, or plain `schemathesis run` on the spec instead.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from invoicexpress_sandbox import SYNC_MODES, Store
from invoicexpress_sandbox.testdata import date_in

from ._load import Result, run

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
CREATE_BODY = {
    "invoice": {
        "date": date_in(0),
        "due_date": date_in(15),
        "reference": "PO-42",
        "observations": "Obrigado.",
        "client": {
            "name": "Cliente Exemplo",
            "code": "C001",
            "email": "cliente@example.com",
            "country": "Portugal",
        },
        "items": [
            {
                "name": "Consultoria",
                "description": "Uma hora de consultoria",
                "unit_price": "24.3902",
                "quantity": "1",
                "unit": "hour",
                "tax": {"name": "IVA23"},
            }
        ],
    }
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _env() -> dict[str, str]:
    env = dict(os.environ)
    extra = [str(ROOT), str(ROOT / "sandbox"), str(ROOT / "toolkit")]
    env["PYTHONPATH"] = os.pathsep.join([*extra, env.get("PYTHONPATH", "")])
    return env


@contextmanager
def _process(
    cmd: list[str], health: str, *, timeout: float = 60, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server, wait until `health` answers below 500, stop it on exit."""
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env or _env(),
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace")[-800:] if proc.stderr else ""
                raise RuntimeError(f"{cmd[0]} exited: {err}")
            try:
                if httpx.get(health, timeout=2).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(cmd[:4])} did not answer {health}")
            time.sleep(0.2)
        yield proc
    finally:
        # The server runs in its own session: stop the whole group (npx leaves node behind).
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


@dataclass
class Target:
    """A running server and the URLs of the two measured requests."""

    label: str
    get_url: str
    post_url: str


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def _measure_all(
    targets: list[Target], args: argparse.Namespace
) -> dict[str, dict[str, list[Result]]]:
    """Interleave targets and repeat: every target sees the same machine noise. Every round is
    kept, in order: round i of one target pairs with round i of another."""
    body = json.dumps(CREATE_BODY).encode()
    runs: dict[tuple[str, str], list[Result]] = {}
    for t in targets:
        for url, method, payload in ((t.get_url, "GET", None), (t.post_url, "POST", body)):
            run(
                url, method=method, body=payload, connections=args.connections, duration=args.warmup
            )
    for round_no in range(args.repeat):
        for op, method, payload in (("get", "GET", None), ("create", "POST", body)):
            for t in targets:
                url = t.get_url if op == "get" else t.post_url
                r = run(
                    url,
                    method=method,
                    body=payload,
                    connections=args.connections,
                    duration=args.duration,
                )
                runs.setdefault((t.label, op), []).append(r)
                print(
                    f"  [{round_no + 1}/{args.repeat}] {t.label:9} {op:6} "
                    f"{r.requests_per_s:9.0f} req/s  p50 {r.p50_ms:7.2f} ms  "
                    f"p99 {r.p99_ms:7.2f} ms  errors {r.errors}",
                    flush=True,
                )
    out: dict[str, dict[str, list[Result]]] = {}
    for (label, op), results in runs.items():
        out.setdefault(label, {})[op] = results
    return out


def _medians(rounds: dict[str, list[Result]]) -> dict[str, Result]:
    """Each operation's median round."""
    return {
        op: sorted(results, key=lambda r: r.requests_per_s)[len(results) // 2]
        for op, results in rounds.items()
    }


def _paired(ours: list[Result], theirs: list[Result]) -> tuple[float | None, list[float]]:
    """Round-by-round ratios (each pair ran back to back, under the same noise) and their
    median: the figure the goal is judged on, its spread shown beside it."""
    pairs = (_ratio(a.requests_per_s, b.requests_per_s) for a, b in zip(ours, theirs, strict=True))
    ratios = sorted(r for r in pairs if r is not None)
    return (ratios[len(ratios) // 2] if ratios else None), ratios


@contextmanager
def _sandbox(doc_file: Path, label: str = "sandbox", *extra: str) -> Iterator[Target]:
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "invoicexpress_sandbox",
        "--port",
        str(port),
        "--rate-limit",
        "off",
        *extra,
    ]
    base = f"http://{HOST}:{port}"
    token = secrets.token_urlsafe(18)
    env = _env()
    env["IXC_SANDBOX_TOKEN"] = token  # through the environment, never the command line
    admin = {"X-Sandbox-Token": token}
    with _process(cmd, f"{base}/invoices.json", env=env):
        accounts = httpx.get(f"{base}/_sandbox/accounts", headers=admin).json()["accounts"]
        key = accounts[0]["api_key"]
        with httpx.Client(base_url=base, params={"api_key": key}) as api:
            doc = api.post("/invoices.json", json=CREATE_BODY).json()["invoice"]
            final = api.put(
                f"/invoices/{doc['id']}/change-state.json", json={"invoice": {"state": "finalized"}}
            )
            final.raise_for_status()
            raw = api.get(f"/invoices/{doc['id']}.json").content
        if label == "sandbox":
            doc_file.write_bytes(raw)
        print(f"  {label} up; its document is {len(raw)} bytes", flush=True)
        yield Target(
            label,
            f"{base}/invoices/{doc['id']}.json?api_key={key}",
            f"{base}/invoices.json?api_key={key}",
        )


@contextmanager
def _baseline(doc_file: Path) -> Iterator[Target]:
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "benchmarks.baseline:app",
        "--host",
        HOST,
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        "--lifespan",
        "off",
        "--loop",
        "asyncio",
    ]
    env = _env()
    env["BENCH_DOCUMENT"] = str(doc_file)
    base = f"http://{HOST}:{port}"
    with _process(cmd, f"{base}/invoices/1.json", env=env):
        print("  baseline up", flush=True)
        yield Target("baseline", f"{base}/invoices/1.json", f"{base}/invoices.json")


@contextmanager
def _prism(args: argparse.Namespace, notes: dict[str, str]) -> Iterator[Target | None]:
    if args.no_prism or not shutil.which("npx"):
        notes["prism"] = "skipped (--no-prism)" if args.no_prism else "npx not found"
        yield None
        return
    port = _free_port()
    cmd = [
        "npx",
        "-y",
        "@stoplight/prism-cli@5",
        "mock",
        "-h",
        HOST,
        "-p",
        str(port),
        str(ROOT / "spec" / "invoicexpress.yaml"),
    ]
    base = f"http://{HOST}:{port}"
    try:
        ctx = _process(
            cmd,
            f"{base}/invoices/1.json?api_key=x",
            timeout=args.prism_timeout,
            env=dict(os.environ),
        )
        ctx.__enter__()
    except (RuntimeError, OSError) as exc:
        notes["prism"] = f"did not start: {str(exc)[:300]}"
        yield None
        return
    try:
        print("  prism up", flush=True)
        yield Target(
            "prism", f"{base}/invoices/1.json?api_key=x", f"{base}/invoices.json?api_key=x"
        )
    finally:
        ctx.__exit__(None, None, None)


def _commits_per_s(db: Path, mode: str, seconds: float) -> float:
    """Single-row write transactions per second on a `--db` store in `mode` (no HTTP: the
    load generator shares the machine, so only this isolates what each fsync costs)."""
    store = Store(str(db), mode)
    row = {"name": "Cliente Exemplo", "code": "C001", "observations": "x" * 200}
    count, started = 0, time.perf_counter()
    try:
        while time.perf_counter() - started < seconds:
            with store.write() as tx:
                tx.put("client", tx.next_id("client"), "demo", row)
            count += 1
    finally:
        store.close()
    return count / (time.perf_counter() - started)


def _durability(tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    """synchronous=FULL vs NORMAL on the same disk, interleaved rounds, medians."""
    rates: dict[str, list[float]] = {m: [] for m in SYNC_MODES}
    for round_no in range(args.repeat):
        for mode in SYNC_MODES:
            rate = _commits_per_s(tmp / f"commits-{mode}.db", mode, args.duration / 2)
            rates[mode].append(rate)
            print(f"  [{round_no + 1}/{args.repeat}] store {mode:6} {rate:9.0f} commits/s")
    med = {m: sorted(r)[len(r) // 2] for m, r in rates.items()}
    return {
        "commits_per_s": {m: round(v, 1) for m, v in med.items()},
        "full_vs_normal": _ratio(med["full"], med["normal"]),
    }


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["drift"]:  # the spec-diff benchmark: benchmarks/drift.py
        from .drift import main as drift_main

        return drift_main(argv[1:])
    if argv[:1] == ["suite"]:  # the suites against their replay floor: benchmarks/suite_floor.py
        from .suite_floor import main as suite_main

        return suite_main(argv[1:])
    if argv[:1] == ["schemathesis"]:  # plain `schemathesis run` on the spec: benchmarks/st_cli.py
        from .st_cli import main as st_main

        return st_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--repeat", type=int, default=3, help="interleaved rounds; the median round is reported"
    )
    parser.add_argument("--no-prism", action="store_true")
    parser.add_argument(
        "--no-db", action="store_true", help="skip the --db synchronous=full vs normal pair"
    )
    parser.add_argument("--prism-timeout", type=float, default=180.0)
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench")
    args = parser.parse_args(argv)
    print(
        f"benchmarks: {args.connections} connections, {args.duration:.0f}s each, one worker",
        flush=True,
    )
    notes: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        doc_file = Path(tmp) / "document.json"
        targets = [
            stack.enter_context(_sandbox(doc_file)),
            stack.enter_context(_baseline(doc_file)),
        ]
        if not args.no_db:  # the cost of durability: the same sandbox on a file, both modes
            for mode in SYNC_MODES:
                db = str(Path(tmp) / f"{mode}.db")
                targets.append(
                    stack.enter_context(
                        _sandbox(doc_file, f"db_{mode}", "--db", db, "--db-sync", mode)
                    )
                )
        prism_target = stack.enter_context(_prism(args, notes))
        if prism_target is not None:
            targets.append(prism_target)
        rounds = _measure_all(targets, args)
        durability = None if args.no_db else _durability(Path(tmp), args)
    results = {label: _medians(ops) for label, ops in rounds.items()}
    sandbox, baseline = results["sandbox"], results["baseline"]
    prism: dict[str, Result] | str = results.get("prism") or notes.get("prism", "not run")
    report: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "connections": args.connections,
        "duration_s": args.duration,
        "repeat": args.repeat,
        "tool": sandbox["get"].tool,
        "cpus": os.cpu_count(),
        "results": {
            "sandbox": {k: asdict(v) for k, v in sandbox.items()},
            "baseline": {k: asdict(v) for k, v in baseline.items()},
            "prism": (
                {k: asdict(v) for k, v in prism.items()} if isinstance(prism, dict) else prism
            ),
            **{
                f"db_{m}": {k: asdict(v) for k, v in results[f"db_{m}"].items()}
                for m in SYNC_MODES
                if f"db_{m}" in results
            },
        },
        "ratios": {},
        "durability": durability,
    }
    pairs = {  # every ratio is judged the same way: paired rounds, their median and range
        "sandbox_vs_baseline": ("sandbox", "baseline"),
        "sandbox_vs_prism": ("sandbox", "prism"),
        "db_full_vs_normal": ("db_full", "db_normal"),
    }
    for op in ("get", "create"):
        ratios: dict[str, Any] = {}
        for name, (ours, theirs) in pairs.items():
            if ours in rounds and theirs in rounds:
                ratios[name], ratios[f"{name}_rounds"] = _paired(
                    rounds[ours][op], rounds[theirs][op]
                )
        report["ratios"][op] = ratios
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "results.md").write_text(_markdown(report))
    print(_markdown(report))
    return 0


def _with_range(ratios: dict[str, Any], name: str) -> str:
    """`0.579 (0.556-0.601)`: a ratio's median and the range of its rounds; `n/a` if not run."""
    if ratios.get(name) is None:
        return "n/a"
    each = ratios[f"{name}_rounds"]
    return f"{ratios[name]} ({each[0]}-{each[-1]})" if len(each) > 1 else str(ratios[name])


def _markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Sandbox benchmarks",
        "",
        f"{report['when']}, {report['tool']}, {report['connections']} connections, "
        f"{report['duration_s']:.0f} s per run, median of {report['repeat']} interleaved rounds "
        "(ratios: the median of the rounds' paired ratios, their range in brackets), "
        f"one uvicorn worker per server, {report['cpus']} CPUs (load generator on the same "
        "machine).",
        "",
        "| target | op | req/s | p50 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for target, ops in report["results"].items():
        if not isinstance(ops, dict):
            lines.append(f"| {target} | - | {ops} | | | |")
            continue
        for op, r in ops.items():
            lines.append(
                f"| {target} | {op} | {r['requests_per_s']:.0f} | {r['p50_ms']:.2f} | "
                f"{r['p99_ms']:.2f} | {r['errors']} |"
            )
    lines += [
        "",
        "| op | sandbox / baseline | sandbox / Prism | --db full / normal |",
        "|---|---:|---:|---:|",
    ]
    for op, ratios in report["ratios"].items():
        cells = [
            _with_range(ratios, k)
            for k in ("sandbox_vs_baseline", "sandbox_vs_prism", "db_full_vs_normal")
        ]
        lines.append(f"| {op} | {' | '.join(cells)} |")
    durability = report.get("durability")
    if durability:
        rates = durability["commits_per_s"]
        lines += [
            "",
            "| --db store commits/s | full | normal | full / normal |",
            "|---|---:|---:|---:|",
            f"| single-row write transactions | {rates['full']} | {rates['normal']} | "
            f"{durability['full_vs_normal']} |",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
