"""Where the suites point and what they leave behind.

Default target: a fresh sandbox on a free port, one per pytest-xdist worker. `--base-url` and
`--api-key` (or INVOICEXPRESS_BASE_URL / INVOICEXPRESS_API_KEY) point at any server; anything
that is not loopback is a real account and needs `--live`, which also turns on marking,
clean-up, pacing and the request budget.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from invoicexpress_core.exchange import LOOPBACK_HOSTS, Recorder
from invoicexpress_core.spec import Spec, load_spec

from . import _summary
from ._client import ContractClient, Target
from ._ledger import Ledger
from ._world import World

LIVE_PER_MINUTE = 90  # under the documented 100/min (api-surface §2), shared by all workers
LIVE_BUDGET = 600
_SECRETS: list[str] = []
_LEDGER = Ledger()


def _budget_option(text: str) -> int:
    """--max-requests: a whole number of requests, at least one (0 is the default: none)."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive integer; give e.g. 600")
    return value


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
        type=_budget_option,
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
    _summary.configure(config, _LEDGER, known_secrets)


# Under a request budget, what tells most goes first: every operation once, one test of each
# error family, every transition and the behavioural oracles; then everything else.
_FIRST = ("test_operation_answers_its_documented_success",)
_THEN = (
    "test_allowed_transition_gives_documented_status",
    "test_behaviour.py::",
    "test_lists.py::",
)
_ONE_EACH = (
    "test_missing_and_wrong_key_give_401",
    "test_unknown_ids_give_404",
    "test_documented_422_message",
    "test_malformed_request_gives_400",
    "test_body_not_json_content_type_gives_415",
    "test_duplicate_proprietary_uid_gives_409",
    "test_forbidden_events_give_documented_422",
    "test_totals_numbering_and_dates",
)
CLEANUP_SHARE = 3  # live: a third of the budget is kept for the clean-up


def _budget(config: pytest.Config) -> int:
    budget = int(config.getoption("--max-requests"))
    return budget or (LIVE_BUDGET if config.getoption("--live") else 0)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _budget(config):
        return
    seen: set[str] = set()

    def rank(item: pytest.Item) -> int:
        if any(key in item.nodeid for key in _FIRST):
            return 0
        name = getattr(item, "originalname", item.name)
        if name in _ONE_EACH and name not in seen:
            seen.add(name)
            return 1
        return 2 if any(key in item.nodeid for key in _THEN) else 3

    ranks = {id(item): rank(item) for item in items}
    items.sort(key=lambda item: ranks[id(item)])


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
            max_requests=_budget(pytestconfig)
            * (CLEANUP_SHARE - 1 if live else CLEANUP_SHARE)
            // CLEANUP_SHARE
            // workers,
            per_minute=(LIVE_PER_MINUTE // workers) if live else 0,
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


@pytest.fixture(scope="session")
def api(target: Target, spec: Spec, pytestconfig: pytest.Config) -> Iterator[ContractClient]:
    worker = _summary.worker_id(pytestconfig)
    recorder = Recorder(_summary.parts_dir(pytestconfig) / f"recording-{worker}.jsonl")
    client = ContractClient(target, spec, _LEDGER, recorder, budget=target.max_requests)
    client.target_secrets = _SECRETS  # keys of extra sandbox accounts join the redaction list
    client.read_clock()
    yield client
    client.close()


@pytest.fixture(scope="session")
def world(api: ContractClient, pytestconfig: pytest.Config) -> Iterator[World]:
    w = World(api)
    yield w
    if api.target.live:
        api.budget = 0  # the clean-up always runs; the tests left it its share
        w.cleanup()


@pytest.fixture(autouse=True)
def _current_test(request: pytest.FixtureRequest) -> None:
    """Tag exchanges with the test that made them; reset the per-test operation list."""
    if "api" in request.fixturenames:
        client: ContractClient = request.getfixturevalue("api")
        client.current_test = request.node.nodeid
        client.touched = []


@pytest.fixture
def sandbox_only(target: Target) -> Any:
    """The running sandbox's handles; skips against any other server."""
    if not target.is_sandbox:
        pytest.skip("needs the sandbox's admin routes")
    return target.sandbox


def known_secrets() -> list[str]:
    return list(_SECRETS)
