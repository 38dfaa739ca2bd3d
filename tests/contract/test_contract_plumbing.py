"""The pieces around the suites: the command line `ixc contract` builds, the coverage
summary's "missing" lists, and how error bodies of every documented shape are read."""

from __future__ import annotations

import argparse
from pathlib import Path

from invoicexpress_contract_tests._client import Pacer, error_messages
from invoicexpress_contract_tests._ledger import Ledger, documented_statuses
from invoicexpress_contract_tests._summary import build_summary, render_markdown
from invoicexpress_contract_tests._world import World, fresh_nif
from invoicexpress_core.spec import load_spec
from ixc.cli import build_parser
from ixc.cmd_contract import pytest_args


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["contract", *argv])


def test_contract_command_runs_xdist_and_writes_junit_and_recording_by_default() -> None:
    out = pytest_args(_args())
    assert out[out.index("-n") + 1] == "auto"
    assert "--junitxml" in out
    assert "--record" in out


def test_contract_command_passes_live_options_through() -> None:
    out = pytest_args(
        _args(
            "--quick",
            "--live",
            "--base-url",
            "https://x.example",
            "--api-key",
            "k",
            "--max-requests",
            "50",
            "-n",
            "0",
        )
    )
    assert "--quick" in out
    assert "--live" in out
    assert "-n" not in out
    assert out[out.index("--max-requests") + 1] == "50"


def test_summary_names_exactly_what_was_not_exercised(tmp_path: Path) -> None:
    spec = load_spec()
    led = Ledger()
    for op, codes in documented_statuses(spec).items():
        for code in codes:
            if (op, code) != ("getInvoice", 404):
                led.statuses[(op, code)] += 1
    summary = build_summary(led, {}, tmp_path / "r.jsonl")
    assert summary["operations"]["percent"] == 100.0
    assert summary["status_codes"]["missing"] == {"getInvoice": [404]}
    assert "`getInvoice` [404]" in render_markdown(summary)


def test_server_fault_statuses_are_not_counted_as_documented() -> None:
    assert 500 not in documented_statuses(load_spec())["exportSaft"]


def test_error_messages_reads_every_documented_shape() -> None:
    assert error_messages({"errors": {"error": "Invalid state"}}) == ["Invalid state"]
    assert "Client not found" in error_messages({"errors": [{"error": "Client not found"}]})
    assert "Name can't be blank" in error_messages({"errors": ["Name can't be blank"]})
    assert "payment_mechanism is invalid" in error_messages(["payment_mechanism", "is invalid"])
    assert "Tax region is empty" in error_messages({"base": ["Tax region is empty"]})
    assert "Value can't be blank" in error_messages({"value": ["Value can't be blank"]})
    assert "The sequence is invalid." in error_messages(
        {"errors": {"code": "003", "message": "The sequence is invalid."}}
    )


def test_pacer_waits_out_429_as_told_else_backs_off_exponentially() -> None:
    pacer = Pacer()
    assert pacer.after(200, {}, 0) is None
    assert pacer.after(429, {"Retry-After": "3"}, 0) == 3.5
    assert [pacer.after(429, {}, n) for n in range(4)] == [1.0, 2.0, 4.0, 8.0]
    assert pacer.after(429, {}, 20) == 64.0  # capped


def test_pacer_follows_a_shown_limit_and_slows_to_what_got_through() -> None:
    shown = Pacer(workers=2)
    shown.after(200, {"X-RateLimit-Limit": "100"}, 0)
    assert shown.per_minute == 45  # 90% of the limit, shared by two workers
    learnt = Pacer()
    for _ in range(5):
        learnt.before()
    learnt.after(429, {"retry-after": ["1"]}, 0)  # schemathesis' header lists too
    assert learnt.per_minute == 4  # what the server let through in the last minute


def test_fresh_nif_carries_a_valid_check_digit() -> None:
    for _ in range(20):
        nif = [int(c) for c in fresh_nif()]
        rest = sum(d * (9 - i) for i, d in enumerate(nif[:8])) % 11
        assert nif[8] == (0 if rest < 2 else 11 - rest)


def test_taxes_the_suites_made_are_told_from_the_accounts() -> None:
    """The arithmetic tests price lines by the account's taxes, read once: a tax a suite made
    (any worker, any run, whole or cut to the 20 characters a tax name allows) is left out,
    since the test that made it deletes it while documents may still name it."""
    made = [
        f"ixc-contract-{run}-{worker}-tax-{n}"[-cut:]
        for run in ("20261207163646-e291", "local", "detect-600")
        for worker in ("main", "gw0", "gw13")
        for n in (1, 7, 1234)
        for cut in (20, 60)
    ]
    assert all(World.made_by_suites(name, "tax") for name in made)
    account = ["IVA23", "IVA13", "ISENTO", "Taxa reduzida", "IVA-tax-23", "gw1-tax-7a"]
    assert not any(World.made_by_suites(name, "tax") for name in account)
