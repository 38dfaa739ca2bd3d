"""`ixc contract`: run the contract suites (the `contract_tests` package) with pytest, in parallel.

Default target: a fresh sandbox per pytest-xdist worker. The exit code is pytest's: 0 when the
server honours the contract, non-zero otherwise. The suites run from wherever the package is
installed (a checkout or site-packages) with their own pytest.ini, so the user's project
configuration does not leak in; reports land under the user's working directory. The API key
travels in the environment, never on the pytest command line.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from ixc.usage import UsageError, require_extra


def suites_dir() -> Path:
    """The installed `contract_tests` package folder (found without importing it)."""
    spec = importlib.util.find_spec("contract_tests")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError(
            "the contract suites are not installed; pip install 'invoicexpress-contract[contract]'"
        )
    return Path(next(iter(spec.submodule_search_locations)))


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
    suites = suites_dir()
    out = [
        str(suites),
        "-c",
        str(suites / "pytest.ini"),
        "--rootdir",
        str(suites),
        "-p",
        "no:cacheprovider",
        "--junitxml",
        str(Path(args.junit).resolve()),
        "--record",
        str(Path(args.record).resolve()),
        "--report-dir",
        str(Path(args.report_dir).resolve()),
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

    require_extra("contract", "pytest", "xdist", "schemathesis", "starlette")
    env = dict(os.environ)
    if args.api_key:
        env["INVOICEXPRESS_API_KEY"] = args.api_key
    # A subprocess, not pytest.main: the suites need a fresh interpreter (assert rewriting,
    # xdist workers) whatever ixc imported before. It runs in the user's directory.
    code = subprocess.run(
        [sys.executable, "-m", "pytest", *pytest_args(args)], env=env, check=False
    ).returncode
    written = [
        f"{label} {path}"
        for label, path in (
            ("JUnit", Path(args.junit)),
            ("recording", Path(args.record)),
            ("summary", Path(args.report_dir) / "summary.md"),
        )
        if path.is_file()
    ]
    print(f"ixc contract: {', '.join(written) or 'no report was written'}", file=sys.stderr)
    return int(code)
