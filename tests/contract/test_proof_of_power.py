"""The contract suites catch every sandbox fault and name it, the faithful sandbox passes the
same selection, and a planted API key never reaches the recording, summary or JUnit file.

Each case runs the real suites (a small selection, to keep CI fast) in a subprocess against a
sandbox with one fault switched on, then reads the run's summary.json.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
PLANTED = "sk_test_planted_key_123456"

# fault -> (pytest -k selection, pattern the failure messages must contain)
FAULTS: dict[str, tuple[str, str]] = {
    "rename_field": ("test_operation_answers and getInvoice", r"sequence_number"),
    "wrong_type": ("test_operation_answers and getInvoice", r"\$\.invoice\.total"),
    "drop_required": ("test_operation_answers and getInvoice", r"'id' is a required property"),
    "wrong_status": ("test_operation_answers and createInvoice", r"status 200 is not documented"),
    "allow_forbidden_transition": (
        "test_forbidden_events and invoices",
        r"forbidden event .* was not refused",
    ),
    "skip_auth": ("test_missing_and_wrong_key and listInvoices", r"expected 401"),
    "totals_off_by_cent": (
        "test_totals_numbering_and_dates and invoices",
        r"total .* != before_taxes",
    ),
    "iso_dates": ("test_operation_answers and getInvoice", r"\$\.invoice\.(due_)?date"),
    "enum_changed": ("test_operation_answers and getInvoice", r"'(DRAFT|FINAL)'"),
    "wrong_content_type": (
        "test_operation_answers and getInvoice",
        r"content type 'text/html' is not documented",
    ),
}
FAITHFUL = " or ".join(sorted({sel for sel, _ in FAULTS.values()}))


def run_suites(tmp: Path, selection: str, *extra: str) -> tuple[int, dict[str, Any], str]:
    env = dict(os.environ, IXC_CONTRACT_RUN_ID="proof")
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        str(REPO / "contract_tests"),
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(REPO),
        "-o",
        "testpaths=contract_tests",
        "-q",
        "--quick",
        "-k",
        selection,
        "--report-dir",
        str(tmp),
        "--record",
        str(tmp / "exchanges.jsonl"),
        "--junitxml",
        str(tmp / "junit.xml"),
        *extra,
    ]
    proc = subprocess.run(
        cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    summary = json.loads((tmp / "summary.json").read_text())
    return proc.returncode, summary, proc.stdout + proc.stderr


def messages(summary: dict[str, Any]) -> str:
    return "\n".join(
        f"{op}: {it['message']}" for op, items in summary["failures"].items() for it in items
    )


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_suites_catch_and_name_the_fault(tmp_path: Path, fault: str) -> None:
    selection, pattern = FAULTS[fault]
    code, summary, output = run_suites(tmp_path, selection, "--sandbox-fault", fault)
    assert code != 0, f"{fault} went unnoticed:\n{output[-2000:]}"
    assert re.search(pattern, messages(summary)), (
        f"{fault} failed the run but no message names it ({pattern}):\n{messages(summary)}"
    )


def test_faithful_sandbox_passes_the_same_selection(tmp_path: Path) -> None:
    code, summary, output = run_suites(tmp_path, FAITHFUL)
    assert code == 0, f"faithful sandbox failed:\n{messages(summary)}\n{output[-2000:]}"
    assert summary["failure_count"] == 0


def test_planted_api_key_reaches_no_output(tmp_path: Path) -> None:
    from invoicexpress_sandbox.testing import running_sandbox

    with running_sandbox() as sb:
        made = sb.admin.post("/_sandbox/accounts", json={"name": "planted", "api_key": PLANTED})
        assert made.status_code == 201, made.text
        _code, summary, output = run_suites(
            tmp_path,
            "test_operation_answers and (getInvoice or createAccount) or "
            "test_missing_and_wrong_key and listTaxes",
            "--base-url",
            sb.base_url,
            "--api-key",
            PLANTED,
            "-n",
            "0",
        )
    assert summary["requests"] > 0, output[-2000:]
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in written} >= {
        "exchanges.jsonl",
        "summary.json",
        "summary.md",
        "junit.xml",
    }
    leaks = [p.name for p in written if PLANTED in p.read_text(errors="replace")]
    assert not leaks, f"the planted key leaked into {leaks}"
    assert PLANTED not in output
