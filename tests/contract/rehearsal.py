"""A live rehearsal: the live profile (`ixc contract --live`) against `ixc sandbox --live-like`,
then the sandbox's own SQLite file read back to show what the run did to the account.

    python tests/contract/rehearsal.py [--workers 2] [--out reports/rehearsal] [--rate-limit N]

Shows, and exits 1 unless all hold: at most 600 requests; no 429 left unhandled; no record the
run did not create was changed; of what it created, nothing is left active but the marked
clients (the API cannot delete clients): drafts deleted, finals and receipts cancelled, items
and taxes deleted. Not a CI test (it paces at the live limit: minutes); `nox -s rehearsal`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
MAX_REQUESTS = 600
RATE_LIMIT = 100  # the live API's, which `--live-like` keeps by default
INACTIVE = {"deleted", "canceled"}


def snapshot(db: Path) -> dict[tuple[str, int], dict[str, Any]]:
    """Every client, document, item and tax record, by (kind, id)."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT kind, id, data FROM records WHERE kind IN "
            "('client', 'document', 'item', 'tax') ORDER BY kind, id"
        ).fetchall()
    return {(str(kind), int(rid)): json.loads(data) for kind, rid, data in rows}


def start_sandbox(
    *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str, str]:
    """`python -m invoicexpress_sandbox --port 0 ARGS` in its own process (with `env` added to
    ours); its base URL and demo key, read from what it prints."""
    extra = dict(env or {})
    paths = [str(REPO / "sandbox"), str(REPO / "toolkit"), extra.pop("PYTHONPATH", "")]
    full_env = {**os.environ, **extra, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    cmd = [sys.executable, "-m", "invoicexpress_sandbox", "--port", "0", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=full_env, cwd=REPO)
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(5)]
    text = "".join(lines)
    url = re.search(r"on (http://\S+)", text)
    key = re.search(r"API key:\s+(\S+)", text)
    if url is None or key is None:
        proc.terminate()
        raise SystemExit(f"the sandbox did not start:\n{text}")
    print(lines[-1].strip())
    return proc, url[1], key[1]


def measurement_pace(rate_limit: int, *, quiet: bool = False) -> dict[str, str]:
    """The environment that lets the live profile keep up with a sandbox limited above the live
    100 a minute (the suites' `PACE_ENV`, 90% of it, as they keep 90 of 100), said aloud; none
    at the live limit."""
    if rate_limit <= RATE_LIMIT:
        return {}
    pace = rate_limit * 9 // 10
    if not quiet:
        print(
            f"measurement pace: the sandbox allows {rate_limit} requests a minute and the "
            f"live profile keeps {pace} (live: {RATE_LIMIT} and 90); the requests sent are the "
            "same, only the waits between them shrink"
        )
    return {"IXC_CONTRACT_LIVE_PACE": str(pace)}


def judge(
    before: dict[tuple[str, int], dict[str, Any]],
    after: dict[tuple[str, int], dict[str, Any]],
    marker: str,
) -> list[str]:
    problems = []
    for key, record in before.items():
        now = after.get(key) or {}
        changed = sorted(
            k for k in {*record, *now} if not k.startswith("_") and record.get(k) != now.get(k)
        )  # "_" fields are the sandbox's own bookkeeping, not visible through the API
        if changed:
            problems.append(f"touched {key[0]} {key[1]} the run did not create: {changed}")
    for key, record in after.items():
        if key in before:
            continue
        kind, rid = key
        named = str(record.get("name", "")) + str(record.get("observations", ""))
        if kind == "client":
            if marker not in named:
                problems.append(f"left client {rid} without the run marker: {record.get('name')}")
        elif kind == "document":
            if record.get("status") not in INACTIVE:
                problems.append(
                    f"left {record.get('type')} {rid} {record.get('status')!r} "
                    f"({record.get('observations')!r})"
                )
        else:
            problems.append(f"left {kind} {rid} {record.get('name')!r}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", default="2")
    parser.add_argument("--out", default="reports/rehearsal")
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=RATE_LIMIT,
        help=f"the sandbox's limit a minute (default {RATE_LIMIT}, the live one); a higher one "
        "measures faster and sends the same requests",
    )
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    run_id = "rehearsal-" + os.urandom(2).hex()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "account.sqlite"
        proc, url, key = start_sandbox(
            "--live-like", "--db", str(db), "--rate-limit", str(args.rate_limit)
        )
        try:
            before = snapshot(db)
            cmd = [
                sys.executable, "-m", "ixc", "contract", "--live", "--base-url", url,
                "-n", args.workers, "--report-dir", str(out),
                "--junit", str(out / "junit.xml"), "--record", str(out / "exchanges.jsonl"),
            ]  # fmt: skip
            # the key travels in the environment: any local user can read a command line
            env = dict(
                os.environ,
                IXC_CONTRACT_RUN_ID=run_id,
                INVOICEXPRESS_API_KEY=key,
                **measurement_pace(args.rate_limit),
            )
            code = subprocess.run(cmd, cwd=REPO, env=env, check=False).returncode
        finally:
            proc.terminate()
            proc.communicate(timeout=30)
        after = snapshot(db)
    summary = json.loads((out / "summary.json").read_text())
    unhandled = {k: v for k, v in summary.get("findings", {}).items() if "unhandled 429" in k}
    problems = judge(before, after, f"ixc-contract-{run_id}")
    if summary["requests"] > MAX_REQUESTS:
        problems.append(f"{summary['requests']} requests > {MAX_REQUESTS}")
    problems += [f"{text} (x{n})" for text, n in unhandled.items()]
    created = len(set(after) - set(before))
    print(
        f"rehearsal: {summary['requests']} requests (<= {MAX_REQUESTS}), "
        f"{summary['throttled']} 429s waited out, {len(unhandled)} unhandled; "
        f"contract run exit {code}, {summary['failure_count']} failures; "
        f"{len(before)} records were there before, none may change; the run made {created}, "
        f"of which active afterwards: "
        f"{sum(1 for k in set(after) - set(before) if k[0] == 'client')} marked clients"
    )
    for problem in problems:
        print(f"  PROBLEM: {problem}")
    return 1 if problems or code != 0 else 0


if __name__ == "__main__":
    raise SystemExit(main())
