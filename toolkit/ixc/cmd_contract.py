"""`ixc contract`: run the contract suites (contract_tests/) with pytest, in parallel.

Default target: a fresh sandbox per pytest-xdist worker. The exit code is pytest's: 0 when the
server honours the contract, non-zero otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("contract", help="check a server against the spec (main job)")
    p.add_argument("--quick", action="store_true", help="fast inner-loop profile (< 60 s)")
    p.add_argument("--base-url", help="server to check (default: a fresh sandbox)")
    p.add_argument("--api-key", help="its API key (or INVOICEXPRESS_API_KEY)")
    p.add_argument(
        "--account-id", help="the account behind the key (account operations skip without it)"
    )
    p.add_argument("--live", action="store_true", help="allow a real account")
    p.add_argument("--max-requests", type=int, default=0, help="request budget")
    p.add_argument("--send-email", action="store_true", help="live: run e-mail operations")
    p.add_argument("--live-429", action="store_true", help="live: provoke 429 on purpose")
    p.add_argument("-n", "--workers", default="auto", help="pytest-xdist workers (auto)")
    p.add_argument("--junit", default="reports/contract/junit.xml", help="JUnit XML path")
    p.add_argument(
        "--record",
        default="reports/contract/exchanges.jsonl",
        help="recording of every exchange (JSON Lines, redacted)",
    )
    p.add_argument("--report-dir", default="reports/contract", help="summary directory")
    p.add_argument("--fault", action="append", default=[], help="sandbox fault to switch on")
    p.add_argument("-k", dest="keyword", help="only tests matching this pytest expression")
    p.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    p.set_defaults(func=run)


def pytest_args(args: argparse.Namespace) -> list[str]:
    """The pytest command line for these options (kept apart so it can be tested)."""
    out = [
        str(REPO / "contract_tests"),
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(REPO),
        "-o",
        "testpaths=contract_tests",
        "--junitxml",
        args.junit,
        "--record",
        args.record,
        "--report-dir",
        args.report_dir,
        "-q",
        "--tb=short",
    ]
    if args.workers not in ("0", "1"):
        out += ["-n", str(args.workers)]
    if args.quick:
        out.append("--quick")
    for flag in ("live", "send_email", "live_429"):
        if getattr(args, flag):
            out.append("--" + flag.replace("_", "-"))
    if args.base_url:
        out += ["--base-url", args.base_url]
    if args.api_key:
        out += ["--api-key", args.api_key]
    if args.account_id:
        out += ["--account-id", args.account_id]
    if args.max_requests:
        out += ["--max-requests", str(args.max_requests)]
    for fault in args.fault:
        out += ["--sandbox-fault", fault]
    if args.keyword:
        out += ["-k", args.keyword]
    return out + list(args.pytest_args)


def run(args: argparse.Namespace) -> int:
    import subprocess

    # A subprocess, not pytest.main: the suites need a fresh interpreter (assert rewriting,
    # xdist workers) whatever ixc imported before.
    code = subprocess.run(
        [sys.executable, "-m", "pytest", *pytest_args(args)], cwd=REPO, check=False
    ).returncode
    print(
        f"ixc contract: JUnit {args.junit}, recording {args.record}, summary "
        f"{args.report_dir}/summary.md",
        file=sys.stderr,
    )
    return int(code)
