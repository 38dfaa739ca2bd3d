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
from urllib.parse import urlsplit

from invoicexpress_core.exchange import LOOPBACK_HOSTS
from ixc.usage import UsageError, require_extra

#: what the suites import when they run (the `[contract]` extra); `ixc --help` checks it
NEEDS = ("pytest", "xdist", "schemathesis", "starlette")


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
    p.add_argument("--junit", help="JUnit XML path (default: REPORT_DIR/junit.xml)")
    p.add_argument(
        "--record",
        help="recording of every exchange, JSON Lines, redacted (REPORT_DIR/exchanges.jsonl)",
    )
    p.add_argument(
        "--report-dir",
        default="reports/contract",
        help="summary.md, summary.json and index.html (default reports/contract)",
    )
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
        str(junit_path(args).resolve()),
        "--record",
        str(record_path(args).resolve()),
        "--report-dir",
        str(Path(args.report_dir).resolve()),
        "-q",
        "--tb=short",
        "-p",
        "ixc.contract_progress",  # suite-by-suite progress instead of dots, a table at the end
        "-o",
        "console_output_style=classic",
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


def check(args: argparse.Namespace) -> None:
    """Mistakes found before any test runs (each would otherwise fail every test)."""
    if args.fault:
        from invoicexpress_sandbox import FAULTS, QUIRKS

        if args.base_url:
            raise UsageError(
                "--fault switches a fault on in the bundled sandbox; drop --base-url to use it"
            )
        unknown = [name for name in args.fault if name not in FAULTS and name not in QUIRKS]
        if unknown:
            raise UsageError(
                f"unknown --fault {', '.join(unknown)}; choose from "
                f"{', '.join(sorted(FAULTS) + sorted(QUIRKS))}"
            )
    if args.workers != "auto" and not (args.workers.isdigit()):
        raise UsageError(f"-n {args.workers} is not a worker count; give a number or auto")
    if args.base_url:
        url = args.base_url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--base-url {url} is not an http(s) URL; e.g. http://127.0.0.1:8765")
        if parts.hostname not in LOOPBACK_HOSTS and not args.live:
            raise UsageError(
                f"{parts.hostname} is not a local server; add --live to run against a real "
                "account (documents are marked and cleaned up)"
            )
        key = args.api_key or os.environ.get("INVOICEXPRESS_API_KEY")
        if not key:
            raise UsageError("--base-url needs --api-key KEY (or INVOICEXPRESS_API_KEY)")
        check_server(url, key)


def check_server(url: str, key: str) -> None:
    """The server answers, and takes the key: a typo in either fails here in one line, not in
    every test. One listTaxes call (cheap, read-only, documented for every account)."""
    import httpx

    try:
        with httpx.Client(timeout=10) as http:
            answer = http.get(url.rstrip("/") + "/taxes.json", params={"api_key": key})
    except httpx.HTTPError as exc:
        raise UsageError(
            f"--base-url {url} is not reachable ({type(exc).__name__}); start the server "
            "(ixc sandbox) or fix the URL"
        ) from None
    if answer.status_code == 401:
        raise UsageError(
            f"{url} refused the API key (401 on GET /taxes.json); check --api-key or "
            "INVOICEXPRESS_API_KEY (ixc sandbox prints its key at start)"
        )


def junit_path(args: argparse.Namespace) -> Path:
    return Path(args.junit or Path(args.report_dir) / "junit.xml")


def record_path(args: argparse.Namespace) -> Path:
    return Path(args.record or Path(args.report_dir) / "exchanges.jsonl")


def child_env(args: argparse.Namespace) -> dict[str, str]:
    """The pytest child's environment: the API key travels here, never on its command line
    (any local user can read a process's arguments)."""
    env = dict(os.environ)
    if args.api_key:
        env["INVOICEXPRESS_API_KEY"] = args.api_key
    return env


def run(args: argparse.Namespace) -> int:
    import subprocess

    require_extra("contract", *NEEDS)
    check(args)
    # A subprocess, not pytest.main: the suites need a fresh interpreter (assert rewriting,
    # xdist workers) whatever ixc imported before. It runs in the user's directory.
    code = subprocess.run(
        [sys.executable, "-m", "pytest", *pytest_args(args)], env=child_env(args), check=False
    ).returncode
    report = Path(args.report_dir)
    written = [
        f"{label} {path}"
        for label, path in (
            ("report", report / "index.html"),
            ("summary", report / "summary.md"),
            ("JUnit", junit_path(args)),
            ("recording", record_path(args)),
        )
        if path.is_file()
    ]
    print(f"ixc contract: {', '.join(written) or 'no report was written'}", file=sys.stderr)
    return int(code)
