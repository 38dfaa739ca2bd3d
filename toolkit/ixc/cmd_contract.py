"""`ixc contract`: run the suites (`invoicexpress_contract_tests`) with pytest, in parallel.

Default target: a fresh sandbox per pytest-xdist worker. The exit code is pytest's: 0 when the
server honours the contract, non-zero otherwise; 2 (one line) for a mistake found before or by
pytest: a target given by flags or by environment is checked the same way, and a selection
that matches no test is refused. The suites run from wherever the package is installed (a
checkout or site-packages) with their own pytest.ini, so the user's project configuration does
not leak in; reports land under the user's working directory, and only the files this run
wrote are named. The API key travels in the environment, never on the pytest command line.
Ctrl-C stops the run the way pytest stops: the report of what ran is still written.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from invoicexpress_core.exchange import LOOPBACK_HOSTS
from ixc.usage import UsageError, require_extra

#: what the suites import when they run (the `[contract]` extra); `ixc --help` checks it
NEEDS = ("pytest", "xdist", "schemathesis", "starlette")
BASE_URL_ENV = "INVOICEXPRESS_BASE_URL"
API_KEY_ENV = "INVOICEXPRESS_API_KEY"
#: The only pytest plugins the suites load (with PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 in the child):
#: a plugin installed in the user's environment does not change how they run, and pytest does
#: not assertion-rewrite every module of every plugin's distribution (schemathesis, hypothesis,
#: anyio...) at each start, which cost each process 3 s of CPU where bytecode is not cached
#: (PYTHONDONTWRITEBYTECODE, as in many container images).
SUITE_PLUGINS = ("xdist.plugin", "_hypothesis_pytestplugin")
NO_TESTS_COLLECTED = 5  # pytest.ExitCode values (pytest is imported only in the child)
PYTEST_USAGE_ERROR = 4


def positive_int(text: str) -> int:
    """argparse type: a request budget is a whole number of requests, at least one."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive integer; give e.g. 600")
    return value


def suites_dir() -> Path:
    """The installed suites package folder (found without importing it)."""
    spec = importlib.util.find_spec("invoicexpress_contract_tests")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError(
            "the contract suites are not installed; pip install 'invoicexpress-contract[contract]'"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("contract", help="check a server against the spec (main job)")
    p.add_argument("--quick", action="store_true", help="fast inner-loop profile (< 60 s)")
    p.add_argument(
        "--plan", action="store_true", help="print what the run would send, and send nothing"
    )
    p.add_argument("--base-url", help="server to check (default: a fresh sandbox)")
    p.add_argument("--api-key", help="its API key (or INVOICEXPRESS_API_KEY)")
    p.add_argument(
        "--account-id", help="the account behind the key (account operations skip without it)"
    )
    p.add_argument("--live", action="store_true", help="allow a real account")
    p.add_argument(
        "--max-requests", type=positive_int, default=None, help="request budget (N >= 1)"
    )
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
        *plugin_args(),
        "--junitxml",
        str(junit_path(args).resolve()),
        "--record",
        str(record_path(args).resolve()),
        "--report-dir",
        str(Path(args.report_dir).resolve()),
        "-q",
        # no traceback dump nor per-test lines after the run: the console ends with the suite
        # table and the causes; every detail is in the report files (JUnit keeps tracebacks)
        "--tb=no",
        "-rN",
        "-p",
        "ixc.contract_progress",  # suite-by-suite progress instead of dots, a table at the end
        "-o",
        "console_output_style=classic",
    ]
    # a budgeted run follows its plan in one process: the server's limit sets its pace, and
    # a transition walk stays on one document
    budgeted = args.live or args.max_requests is not None
    if args.workers not in ("0", "1") and not budgeted and not args.plan:
        out += ["-n", str(args.workers)]
    if args.quick:
        out.append("--quick")
    if args.plan:
        out.append("--plan")
    for flag in ("live", "send_email", "live_429"):
        if getattr(args, flag):
            out.append("--" + flag.replace("_", "-"))
    if base_url(args):
        out += ["--base-url", base_url(args)]
    if args.account_id:
        out += ["--account-id", args.account_id]
    if args.max_requests is not None:
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
    for option, path in (
        ("--report-dir", Path(args.report_dir)),
        ("--junit", junit_path(args)),
        ("--record", record_path(args)),
    ):
        writable(option, path, folder=option == "--report-dir")
    url = base_url(args)
    if url:
        given = "--base-url" if args.base_url else BASE_URL_ENV
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"{given} {url} is not an http(s) URL; e.g. http://127.0.0.1:8765")
        if parts.hostname not in LOOPBACK_HOSTS and not args.live:
            raise UsageError(
                f"{parts.hostname} is not a local server; add --live to run against a real "
                "account (documents are marked and cleaned up)"
            )
        key = args.api_key or os.environ.get(API_KEY_ENV)
        if not key:
            raise UsageError(f"{given} needs --api-key KEY (or {API_KEY_ENV})")
        if not args.plan:  # the plan sends nothing
            check_server(url, key, given)


def base_url(args: argparse.Namespace) -> str:
    """The server to check: --base-url, else INVOICEXPRESS_BASE_URL (empty: the sandbox)."""
    return str(args.base_url or os.environ.get(BASE_URL_ENV) or "")


def writable(option: str, path: Path, *, folder: bool) -> None:
    """`path` can be written (created with its parents) by this user, or a UsageError."""
    if folder and path.exists() and not path.is_dir():
        raise UsageError(f"{option} {path} is a file; give a folder")
    if not folder and path.is_dir():
        raise UsageError(f"{option} {path} is a directory; give a file path")
    existing = path if folder and path.is_dir() else path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(
            f"{option} {path}: cannot write there ({existing} is not a writable folder); "
            "give a writable path"
        )


def check_server(url: str, key: str, given: str = "--base-url") -> None:
    """The server answers, and takes the key: a typo in either fails here in one line, not in
    every test. One listTaxes call (cheap, read-only, documented for every account)."""
    import httpx

    try:
        with httpx.Client(timeout=10) as http:
            answer = http.get(url.rstrip("/") + "/taxes.json", params={"api_key": key})
    except httpx.HTTPError as exc:
        raise UsageError(
            f"{given} {url} is not reachable ({type(exc).__name__}); start the server "
            "(ixc sandbox) or fix the URL"
        ) from None
    if answer.status_code in (401, 403):
        raise UsageError(
            f"{url} refused the API key ({answer.status_code} on GET /taxes.json); check "
            f"--api-key or {API_KEY_ENV} (ixc sandbox prints its key at start)"
        )


def junit_path(args: argparse.Namespace) -> Path:
    return Path(args.junit or Path(args.report_dir) / "junit.xml")


def record_path(args: argparse.Namespace) -> Path:
    return Path(args.record or Path(args.report_dir) / "exchanges.jsonl")


def plugin_args() -> list[str]:
    """`-p` for each of SUITE_PLUGINS (the child's environment turns autoloading off)."""
    return [arg for name in SUITE_PLUGINS for arg in ("-p", name)]


def child_env(args: argparse.Namespace) -> dict[str, str]:
    """The pytest child's environment: the API key travels here, never on its command line
    (any local user can read a process's arguments); plugins load only as SUITE_PLUGINS says."""
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    if args.api_key:
        env["INVOICEXPRESS_API_KEY"] = args.api_key
    return env


def run(args: argparse.Namespace) -> int:
    require_extra("contract", *NEEDS)
    check(args)
    reports = report_paths(args)
    before = {path: _stamp(path) for _, path in reports}
    # A subprocess, not pytest.main: the suites need a fresh interpreter (assert rewriting,
    # xdist workers) whatever ixc imported before. It runs in the user's directory, in its own
    # process group: Ctrl-C reaches ixc alone, which passes one SIGINT to pytest and waits
    # while pytest writes the report of what ran (a second Ctrl-C stops it at once).
    child = subprocess.Popen(
        [sys.executable, "-m", "pytest", *pytest_args(args)], env=child_env(args), process_group=0
    )
    interrupted = False
    try:
        code = child.wait()
    except KeyboardInterrupt:
        interrupted = True
        child.send_signal(signal.SIGINT)
        try:
            child.wait()
        except KeyboardInterrupt:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            raise
    if args.plan and code == NO_TESTS_COLLECTED:
        return 0  # the plan was printed; no test was meant to run
    written = [f"{label} {path}" for label, path in reports if _stamp(path) != before[path]]
    if not interrupted and code == NO_TESTS_COLLECTED and args.keyword:
        raise UsageError(f"-k {args.keyword!r} selects no test; check the expression")
    print(f"ixc contract: {', '.join(written) or 'no report was written'}", file=sys.stderr)
    if interrupted:
        return 130  # as for any command stopped by Ctrl-C
    return 2 if code == PYTEST_USAGE_ERROR else int(code)


def report_paths(args: argparse.Namespace) -> list[tuple[str, Path]]:
    report = Path(args.report_dir)
    return [
        ("report", report / "index.html"),
        ("summary", report / "summary.md"),
        ("JUnit", junit_path(args)),
        ("recording", record_path(args)),
    ]


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells whether a run wrote `path`: its inode, size and modification time."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)
