"""Reports by cause: failures of one operation family, status and message are one entry; a
failed setup is one cause, and what its tests would have exercised is "not measured", not
"missing". Built from synthetic ledgers shaped like the runs that showed the problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from invoicexpress_contract_tests._ledger import Ledger, documented_messages, documented_statuses
from invoicexpress_contract_tests._summary import (
    Failures,
    build_summary,
    cause_key,
    render_markdown,
    render_text,
)
from invoicexpress_core.spec import load_spec

BODY = json.dumps({"errors": [{"error": "Loaded at can't be in the past"}]})
GUIDES = ("createShipping", "createTransport", "createDevolution")


def _full_ledger(*, without: int | None = None) -> Ledger:
    """Every documented status and message exercised (but `without`, on every operation)."""
    spec = load_spec()
    led = Ledger(requests=5000)
    for op, codes in documented_statuses(spec).items():
        for code in codes:
            if code != without:
                led.statuses[(op, code)] += 1
    for op, messages in documented_messages(spec).items():
        for message in messages:
            led.messages[(op, message)] += 1
    return led


def _guide_failure(op: str, n: int, **extra: str) -> dict[str, str]:
    return {
        "test": f"contract_tests/test_behaviour.py::test_round_trip[{op}-{n}]",
        "message": f"E   AssertionError: [{op}] POST http://127.0.0.1:8765/{op}/{n}.json"
        f"?api_key=[REDACTED] -> 422 {BODY}",
        "curl": f'curl -X POST "http://127.0.0.1:8765/{op}/{n}.json" -d \'{{"n":{n}}}\'',
        **extra,
    }


def _hundred_of_one_cause() -> Failures:
    failures: Failures = {}
    for n in range(100):
        op = GUIDES[n % 3]
        failures.setdefault(op, []).append(_guide_failure(op, 1000 + n))
    return failures


def test_a_hundred_failures_of_one_cause_are_one_entry(tmp_path: Path) -> None:
    summary = build_summary(_full_ledger(), _hundred_of_one_cause(), tmp_path / "r.jsonl")
    [cause] = summary["causes"]
    assert cause["count"] == 100
    assert cause["family"] == "create guides"
    assert cause["status"] == 422
    assert cause["operations"] == sorted(GUIDES)
    assert cause["message"] == "[createShipping] 422 Loaded at can't be in the past"
    assert summary["failure_count"] == 100
    assert summary["verdict"] == "FAILED: 100 failure(s) from 1 cause(s)"

    md = render_markdown(summary)
    assert len(md.encode()) < 30_000
    assert md.count("curl -X") == 1  # one curl line for the cause
    assert "<details><summary>100 test(s)</summary>" in md
    assert md.index("## Causes") < md.index("## Coverage")
    assert "... 50 more in summary.json" in md


def test_summary_md_stays_short_even_when_nothing_else_was_covered(tmp_path: Path) -> None:
    """The same hundred failures on an empty ledger: every measure's "missing" list is full."""
    summary = build_summary(Ledger(), _hundred_of_one_cause(), tmp_path / "r.jsonl")
    assert len(render_markdown(summary).encode()) < 30_000


def test_status_and_message_and_family_split_causes(tmp_path: Path) -> None:
    failures = _hundred_of_one_cause()
    other = json.dumps({"errors": [{"error": "Date can't be blank"}]})
    failures["createShipping"].append(
        {
            **_guide_failure("createShipping", 7),
            "message": f"[createShipping] POST u -> 422 {other}",
        }
    )
    failures["createInvoice"] = [_guide_failure("createInvoice", 8)]  # another family
    failures["createTransport"].append(
        {**_guide_failure("createTransport", 9), "message": "[createTransport] POST u -> 500 {}"}
    )
    causes = build_summary(_full_ledger(), failures, tmp_path / "r.jsonl")["causes"]
    assert sorted((c["family"], c["status"], c["count"]) for c in causes) == [
        ("create guides", 422, 1),
        ("create guides", 422, 100),
        ("create guides", 500, 1),
        ("create invoices", 422, 1),
    ]


def test_ids_numbers_and_run_markers_do_not_split_a_cause() -> None:
    one = "[getInvoice] body.id 1234 != 1235 (ixc-contract-20261207101010-a3f9-w0-doc-17)"
    two = "[getCreditNote] body.id 88 != 89 (ixc-contract-20261208090909-0b1c-w1-doc-3)"
    assert cause_key(one) == cause_key(two)
    assert cause_key(one) != cause_key("[getInvoice] body.name 'x' != 'y'")


def _blocked_429_run() -> tuple[dict[str, Any], Failures]:
    failures: Failures = {
        "createDevolution": [
            {
                "test": "contract_tests/test_error_codes.py::"
                "test_every_operation_gives_429_past_the_rate_limit",
                "message": "E   invoicexpress_contract_tests._client.SetupFailed: "
                "[createDevolution] setup failed: "
                f"POST http://127.0.0.1:1/devolutions.json -> 422 {BODY}",
                "curl": "curl -X POST 'http://127.0.0.1:1/devolutions.json'",
                "setup": "1",
            },
            {
                "test": "contract_tests/test_behaviour.py::test_x[getDevolution]",
                "message": "E   invoicexpress_contract_tests._client.SetupFailed: "
                "[createDevolution] setup failed: "
                f"POST http://127.0.0.1:1/devolutions.json -> 422 {BODY}",
                "curl": "",
                "setup": "1",
            },
        ]
    }
    return build_summary(_full_ledger(without=429), failures, Path("r.jsonl")), failures


def test_a_failed_setup_is_one_cause_and_its_tests_are_not_charged_to_coverage() -> None:
    summary, _ = _blocked_429_run()
    [cause] = summary["causes"]
    assert cause["kind"] == "setup"
    assert cause["count"] == 2  # tests that could not run
    assert summary["failure_count"] == 1  # the setup, once
    [entry] = summary["failures"]["createDevolution"]
    assert entry["test"] == "(setup: 2 test(s) could not run)"
    codes = summary["status_codes"]
    assert codes["missing"] == {}  # the 429s were not measured, not missed
    with_429 = [op for op, cs in documented_statuses(load_spec()).items() if 429 in cs]
    assert sorted(codes["not_measured"]) == sorted(with_429)
    assert all(cs == [429] for cs in codes["not_measured"].values())
    assert "2 test(s) could not run because a setup failed" in summary["verdict"]


def test_a_missed_status_with_no_blocked_test_is_still_missing(tmp_path: Path) -> None:
    summary = build_summary(_full_ledger(without=429), {}, tmp_path / "r.jsonl")
    assert summary["status_codes"]["not_measured"] == {}
    assert summary["status_codes"]["missing"]["getInvoice"] == [429]


def test_the_console_ends_with_the_verdict_and_the_causes() -> None:
    summary, _ = _blocked_429_run()
    text = render_text(summary).splitlines()
    start = text.index(summary["verdict"])
    assert text[start + 1].strip() == "setup failed (create guides 422): 2 test(s) could not run"
    assert (
        text[start + 2].strip()
        == "[createDevolution] setup failed: 422 Loaded at can't be in the past"
    )
    assert len(text) == start + 3


def test_a_server_that_refused_everything_is_a_failure(tmp_path: Path) -> None:
    led = Ledger(requests=40)
    led.statuses[("listTaxes", 401)] += 30
    led.statuses[("getInvoice", 403)] += 10
    summary = build_summary(led, {}, tmp_path / "r.jsonl")
    assert summary["refused"] is True
    assert summary["verdict"].startswith("FAILED: the server refused every request (401/403)")


def test_an_interrupted_run_says_so(tmp_path: Path) -> None:
    summary = build_summary(_full_ledger(), {}, tmp_path / "r.jsonl", interrupted=True)
    assert "INTERRUPTED" in summary["verdict"]
    assert "INTERRUPTED" in render_markdown(summary)


def test_many_distinct_causes_keep_summary_md_and_the_console_short(tmp_path: Path) -> None:
    """A fault that breaks every field: hundreds of causes, each its own."""
    words = [a + b for a in "abcdefghijklmnopqrst" for b in "uvwxyzabcdefghi"]
    failures: Failures = {
        "getInvoice": [
            {
                "test": f"contract_tests/test_operations.py::test_x[getInvoice-{w}]",
                "message": f"[getInvoice] recorded 200 response breaks its schema at $.{w}: "
                "'x' is not of type 'integer' " + "detail " * 30,
                "curl": "curl -X GET 'http://127.0.0.1:1/invoices/1.json' " + "-H 'X: y' " * 20,
            }
            for w in words
        ]
    }
    summary = build_summary(Ledger(), failures, tmp_path / "r.jsonl")
    assert len(summary["causes"]) == len(words) == 300
    assert all(c["status"] == 200 for c in summary["causes"])
    assert len(render_markdown(summary).encode()) < 30_000
    text = render_text(summary).splitlines()
    assert text[-1] == "  ... 280 more causes in summary.md"
