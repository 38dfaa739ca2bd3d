"""Where the suites point and what they leave behind.

Default target: a fresh sandbox on a free port, one per pytest-xdist worker. `--base-url` and
`--api-key` (or INVOICEXPRESS_BASE_URL / INVOICEXPRESS_API_KEY) point at any server; anything
that is not loopback is a real account and needs `--live`, which also turns on marking,
clean-up, pacing and the request budget.
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import sys
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from invoicexpress_core.exchange import LOOPBACK_HOSTS, Recorder
from invoicexpress_core.spec import Spec, load_spec
from ixc.cmd_contract import positive_int  # one rule for --max-requests, CLI and pytest alike

from . import _plan, _summary
from ._client import LIVE_KNOWN_BUGS, ContractClient, Target
from ._ledger import Ledger
from ._world import World

LIVE_PER_MINUTE = 90  # under the documented 100/min (api-surface §2), shared by all workers
# Measurement only (`nox -s detection -- --live`): the live profile's pace against a loopback
# server started with a higher limit (`ixc sandbox --live-like --rate-limit N`). The requests
# are the same; only the waits between them shrink. Ignored for any other host.
PACE_ENV = "IXC_CONTRACT_LIVE_PACE"
LIVE_BUDGET = 600
_SECRETS: list[str] = []
_CLIENTS: list[ContractClient] = []  # this process's client, once made: its pace is reported
QUICK_MINUTES = 4.0  # --quick against a server that paces it sends for this long
QUICK_BUDGET = int(QUICK_MINUTES * LIVE_PER_MINUTE)  # what those minutes allow at the API's pace
_LEDGER = Ledger()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("invoicexpress contract")
    group.addoption(
        "--base-url",
        default=os.environ.get("INVOICEXPRESS_BASE_URL"),
        help="server to check (default: a fresh sandbox per worker)",
    )
    group.addoption(
        "--api-key",
        default=os.environ.get("INVOICEXPRESS_API_KEY"),
        help="its API key (env INVOICEXPRESS_API_KEY)",
    )
    group.addoption(
        "--account-id",
        default=os.environ.get("INVOICEXPRESS_ACCOUNT_ID"),
        help="the account behind --api-key (account operations skip without it elsewhere)",
    )
    group.addoption(
        "--live", action="store_true", help="allow a real account: mark, clean up, pace, budget"
    )
    group.addoption(
        "--max-requests",
        type=positive_int,
        default=0,
        help="request budget for the whole run (live default 600)",
    )
    group.addoption(
        "--send-email", action="store_true", help="run the e-mail operations against a live account"
    )
    group.addoption(
        "--live-429", action="store_true", help="live: exhaust the rate limit on purpose to see 429"
    )
    group.addoption("--record", default=None, help="JSON Lines recording of every exchange")
    group.addoption(
        "--report-dir", default="reports/contract", help="where the summary (JSON + Markdown) goes"
    )
    group.addoption("--quick", action="store_true", help="the fast inner-loop profile")
    group.addoption(
        "--plan", action="store_true", help="print the plan of the run and send nothing"
    )
    group.addoption(
        "--sandbox-fault",
        action="append",
        default=[],
        help="switch a sandbox fault on (proof that the suites catch it)",
    )


def _workers(config: pytest.Config) -> int:
    workerinput = getattr(config, "workerinput", None)
    return int(workerinput.get("workercount", 1)) if workerinput else 1


def pytest_configure(config: pytest.Config) -> None:
    if getattr(config, "workerinput", None) is None:
        base_url = config.getoption("--base-url")
        parts = urlsplit(base_url or "")
        if base_url and (parts.scheme not in ("http", "https") or not parts.hostname):
            raise pytest.UsageError(
                f"--base-url {base_url} is not an http(s) URL; e.g. http://127.0.0.1:8765"
            )
        parts_dir = _summary.parts_dir(config)
        try:
            parts_dir.mkdir(parents=True, exist_ok=True)
            for old in parts_dir.glob("*"):
                old.unlink()
        except OSError as exc:
            raise pytest.UsageError(
                f"--report-dir {parts_dir.parent}: cannot write there ({exc.strerror}); "
                "give a writable folder"
            ) from None
        config.stash[_summary.RUN_ID] = os.environ.get("IXC_CONTRACT_RUN_ID") or (
            time.strftime("%Y%m%d%H%M%S") + "-" + secrets.token_hex(2)
        )
        os.environ["IXC_CONTRACT_RUN_ID"] = config.stash[_summary.RUN_ID]
    if not config.getoption("--plan"):
        _summary.configure(config, _LEDGER, known_secrets)


def pytest_unconfigure(config: pytest.Config) -> None:
    if getattr(config, "workerinput", None) is not None:
        atexit.register(_leave_without_teardown)


def _leave_without_teardown() -> None:
    """An xdist worker skips its interpreter's teardown: by then it has sent the run all it owes
    (reports, `workerfinished`) and closed its recording and ledger parts, and the teardown kept
    the whole run waiting 1.5-2.5 s after its last test."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


CLEANUP_TEST = "(clean-up)"
PLAN_MARGIN = 0.05  # the plan leaves this share of the budget for its estimates' errors
PLAN = pytest.StashKey[_plan.Plan]()


def _budget(config: pytest.Config) -> int:
    budget = int(config.getoption("--max-requests"))
    return budget or (LIVE_BUDGET if config.getoption("--live") else 0)


def _profile(config: pytest.Config) -> _plan.Profile:
    live = bool(config.getoption("--live"))
    return _plan.Profile(
        live=live,
        quick=bool(config.getoption("--quick")),
        send_email=bool(config.getoption("--send-email")) or not live,
        live_429=bool(config.getoption("--live-429")) or not live,
        budgeted=bool(_budget(config)),
        account_id=bool(config.getoption("--account-id")),
    )


def steps_of(config: pytest.Config, items: list[pytest.Item]) -> list[_plan.Step]:
    """These tests as the plan prices them in this run's profile (see `_plan`)."""
    tests = [
        (item.nodeid, getattr(item, "originalname", item.name), _params(item)) for item in items
    ]
    return _plan.steps_for(tests, load_spec(), _profile(config), LIVE_KNOWN_BUGS)


def plan_of(config: pytest.Config, steps: list[_plan.Step], budget: int = -1) -> _plan.Plan:
    """The plan of these steps within this run's budget, or the one given."""
    budget = int((_budget(config) if budget < 0 else budget) * (1 - PLAN_MARGIN))
    return _plan.make_plan(steps, budget, live=_profile(config).live)


def _params(item: pytest.Item) -> dict[str, Any]:
    callspec = getattr(item, "callspec", None)
    return dict(callspec.params) if callspec is not None else {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A budgeted run runs the plan: its tests, in its order (a transition walk in a row);
    `--quick` against a server we did not start runs everything, first the plan of what
    QUICK_MINUTES at the API's pace allow, so that a paced run that stops then
    (`ContractClient.quick_minutes`) has run what tells most. `--plan` prints it and stops."""
    show = bool(config.getoption("--plan"))
    budget = _budget(config)
    paced_quick = (
        bool(config.getoption("--quick") and config.getoption("--base-url")) and not budget
    )
    if not (budget or paced_quick or show):
        return
    steps = steps_of(config, items)
    plan = plan_of(config, steps, budget=QUICK_BUDGET if paced_quick else -1)
    config.stash[PLAN] = plan
    order = {nodeid: n for n, nodeid in enumerate(plan.nodeids())}
    if show:
        lines = _plan.render(plan, total_tests=len(items), live=_profile(config).live)
        if paced_quick:
            lines.insert(
                1,
                f"  --quick through --base-url: these run first, what {QUICK_MINUTES:.0f}"
                f" minutes at {LIVE_PER_MINUTE} requests a minute allow; the others follow, and"
                " skip once a server that answers 429 has had its minutes",
            )
        config.stash[PLAN_LINES] = lines
        items[:] = []
        return
    if paced_quick:  # every xdist worker computes the same order: they collect the same list
        rest = plan_of(config, steps, budget=0).nodeids()
        order = {nodeid: n for n, nodeid in enumerate(dict.fromkeys(plan.nodeids() + rest))}
        items.sort(key=lambda item: order.get(item.nodeid, len(order)))
        return
    if getattr(config, "workerinput", None) is None:
        path = _summary.parts_dir(config).parent / "plan.json"
        path.write_text(json.dumps(plan.as_json(), indent=1))
    left = [item for item in items if item.nodeid not in order]
    if left:
        config.hook.pytest_deselected(items=left)
    items[:] = sorted((i for i in items if i.nodeid in order), key=lambda i: order[i.nodeid])


PLAN_LINES = pytest.StashKey[list[str]]()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for line in config.stash.get(PLAN_LINES, []):
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec()


@pytest.fixture(scope="session")
def quick(pytestconfig: pytest.Config) -> bool:
    return bool(pytestconfig.getoption("--quick"))


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config) -> Iterator[Target]:
    """The server under test (one fresh sandbox per worker unless --base-url is given)."""
    base_url = pytestconfig.getoption("--base-url")
    api_key = pytestconfig.getoption("--api-key")
    live = bool(pytestconfig.getoption("--live"))
    run_id = os.environ.get("IXC_CONTRACT_RUN_ID", "local")
    budget = int(pytestconfig.getoption("--max-requests"))
    if base_url:
        if not api_key:
            pytest.exit("--base-url needs --api-key (or INVOICEXPRESS_API_KEY)", returncode=4)
        host = urlsplit(base_url).hostname or ""
        if host not in LOOPBACK_HOSTS and not live:
            pytest.exit(
                f"{host} is not a local server: pass --live to run against a real "
                "account (documents are marked and cleaned up)",
                returncode=4,
            )
        workers = _workers(pytestconfig)
        _SECRETS.append(api_key)
        yield Target(
            base_url=base_url.rstrip("/"),
            api_key=api_key,
            live=live,
            run_id=run_id,
            # live: the clean-up's share is kept as the run goes (`cleanup_reserve`)
            max_requests=_budget(pytestconfig) // workers,
            per_minute=(_live_pace(host) // workers) if live else 0,
            send_email=bool(pytestconfig.getoption("--send-email")) or not live,
            allow_429=bool(pytestconfig.getoption("--live-429")) or not live,
            account_id=str(pytestconfig.getoption("--account-id") or ""),
            workers=workers,
            worker=_summary.worker_id(pytestconfig),
        )
        return
    try:
        from invoicexpress_sandbox.testing import running_sandbox
    except ImportError as exc:  # pragma: no cover - the sandbox ships with this repository
        pytest.exit(
            f"cannot start the sandbox ({exc}); install the project or pass --base-url/--api-key",
            returncode=4,
        )
    faults = list(pytestconfig.getoption("--sandbox-fault"))
    with running_sandbox(faults=faults) as sb:
        _SECRETS.append(sb.api_key)
        yield Target(
            base_url=sb.base_url,
            api_key=sb.api_key,
            account_name=sb.account_name,
            sandbox=sb,
            run_id=run_id,
            max_requests=budget // _workers(pytestconfig),
            send_email=True,
            allow_429=True,
            workers=_workers(pytestconfig),
            worker=_summary.worker_id(pytestconfig),
        )


def _live_pace(host: str) -> int:
    """The live profile's requests a minute: LIVE_PER_MINUTE, or PACE_ENV's against loopback."""
    given = os.environ.get(PACE_ENV, "")
    if host in LOOPBACK_HOSTS and given.isdigit() and int(given) > 0:
        return int(given)
    return LIVE_PER_MINUTE


@pytest.fixture(scope="session")
def api(target: Target, spec: Spec, pytestconfig: pytest.Config) -> Iterator[ContractClient]:
    worker = _summary.worker_id(pytestconfig)
    recorder = Recorder(_summary.parts_dir(pytestconfig) / f"recording-{worker}.jsonl")
    client = ContractClient(target, spec, _LEDGER, recorder, budget=target.max_requests)
    client.target_secrets = _SECRETS  # keys of extra sandbox accounts join the redaction list
    if pytestconfig.getoption("--quick") and not target.is_sandbox:
        client.quick_minutes = QUICK_MINUTES
    _CLIENTS.append(client)
    client.read_clock()
    yield client
    client.close()


@pytest.fixture(scope="session")
def world(api: ContractClient, pytestconfig: pytest.Config) -> Iterator[World]:
    w = World(api)
    yield w
    if api.target.live:
        api.budget = 0  # the clean-up always runs; the tests left it its reserve
        api.current_test = CLEANUP_TEST  # its requests are its own in the recording
        w.cleanup()


@pytest.fixture(autouse=True)
def _current_test(request: pytest.FixtureRequest) -> None:
    """Tag exchanges with the test that made them; reset the per-test operation list."""
    if "api" in request.fixturenames:
        client: ContractClient = request.getfixturevalue("api")
        client.current_test = request.node.nodeid
        client.touched = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    """Each report carries this process's pace (requests sent, 429s waited out, the rate it
    keeps), which `ixc contract`'s progress line turns into the rate seen and the time left."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.when == "teardown" and _CLIENTS:
        client = _CLIENTS[-1]
        pace = {
            "worker": _summary.worker_id(item.config),
            "sent": _LEDGER.requests,
            "throttled": client.pacer.throttled,
            "per_minute": client.pacer.per_minute,
            "stopping": client.paced_out(),
        }
        plan = item.config.stash.get(PLAN, None)
        if plan is not None and _budget(item.config):  # the run follows it: its count tells
            pace["planned"] = plan.requests + plan.cleanup
        report.user_properties.append(("pace", pace))


@pytest.fixture
def sandbox_only(target: Target) -> Any:
    """The running sandbox's handles; skips against any other server."""
    if not target.is_sandbox:
        pytest.skip("needs the sandbox's admin routes")
    return target.sandbox


def known_secrets() -> list[str]:
    return list(_SECRETS)
