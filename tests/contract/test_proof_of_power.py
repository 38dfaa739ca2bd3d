"""The contract suites catch every fault of the sandbox's mutation catalogue by a named test,
the faithful sandbox passes the same selection (managed, and a separate one reached by URL), and
a planted API key never reaches the recording, summary or JUnit file.

Each case runs the real suites (a small selection, to keep CI fast) in a process of its own
(forked warm, see forked_pytest.py) against a sandbox with one fault switched on, then reads
the run's summary.json.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from invoicexpress_sandbox._faults import CATALOGUE
from ixc.cmd_contract import plugin_args
from tests.contract.forked_pytest import run_pytest

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "contract_tests" / "invoicexpress_contract_tests"
PLANTED = "sk_test_planted_key_123456"

# fault -> (pytest -k selection: the named test(s) that catch it, pattern its failure must show)
ROUND_TRIP = "test_document_round_trip_and_arithmetic and invoices"
GET_INVOICE = "test_operation_answers and getInvoice"
FILTERS = "test_list_filters_narrow_to_what_they_name"
PAGES = "test_pagination_consistent_with_filters"
NUMBERING = "test_numbering_is_gapless_and_dates_never_go_back"
PAYMENTS = "test_payments_settle_and_each_yields_a_receipt"
AUTH = "test_missing_and_wrong_key and listInvoices"
MESSAGE = "test_documented_422_message and createClient"
FINALIZE = "test_allowed_transition and invoices-draft-finalized"
UNION = "test_list_filters_with_several_values_select_the_union and "
CLIENT = "test_resource_round_trip_update_and_delete and Client"
CATCHERS: dict[str, tuple[str, str]] = {
    "rename_field": (GET_INVOICE, r"sequence_number"),
    "wrong_type": (GET_INVOICE, r"is not of type '(integer|number)'"),
    "drop_required": (GET_INVOICE, r"'id' is a required property"),
    "iso_dates": (GET_INVOICE, r"\$\.invoice\.(due_)?date"),
    "enum_changed": (GET_INVOICE, r"'(DRAFT|FINAL)'"),
    "null_items": (GET_INVOICE, r"\$\.invoice\.items"),
    "wrong_status": ("test_operation_answers and createInvoice", r"status 200 is not documented"),
    "not_found_as_422": (
        "test_unknown_ids_give_404 and getInvoice",
        r"status 422 is not documented",
    ),
    "validation_as_400": (MESSAGE, r"expected 422 .* -> 400 "),  # 400 is documented: any request
    "pdf_never_ready": ("test_operation_answers and generatePdf", r"still not ready"),
    "retry_after_not_integer": ("test_every_operation_gives_429", r"Retry-After 'soon'"),
    "wrong_content_type": (GET_INVOICE, r"content type 'text/html' is not documented"),
    "missing_content_type": (GET_INVOICE, r"content type 'missing' is not documented"),
    "skip_auth": (AUTH, r"no api_key expected 401"),
    "wrong_key_accepted": (AUTH, r"wrong api_key expected 401"),
    "auth_as_403": (AUTH, r"status 403 is not documented"),
    "allow_forbidden_transition": (
        "test_forbidden_events and invoices",
        r"forbidden event .* was not refused",
    ),
    "cancel_without_message": ("test_cancel_without_message and invoices", r"changeInvoiceState"),
    "final_shown_as_settled": (FINALIZE, r"should give status 'final', got 'settled'"),
    "totals_off_by_cent": (
        "test_totals_numbering_and_dates and invoices",
        r"total .* != before_taxes",
    ),
    "tax_at_default_rate": (ROUND_TRIP, r"tax_amount is .* tax 13"),
    "tax_before_discount": (ROUND_TRIP, r"tax_amount is .* 10(\.0*)?% off"),
    "tax_rounded_down": (ROUND_TRIP, r"tax_amount is"),
    "discount_ignored": (ROUND_TRIP, r"discount"),
    "global_discount_ignored": (ROUND_TRIP, r"expected .* global discount 12\.5 percentage"),
    "tax_before_global_discount": (ROUND_TRIP, r"tax_amount is .* global discount"),
    "retention_subtracted": (ROUND_TRIP, r"\] answer: total is .* from the items"),
    "numbering_gaps": (NUMBERING, r"not gapless"),
    "atcud_mismatch": (NUMBERING, r"atcud .* does not end with"),
    "inverted_number_wrong": (
        "test_totals_numbering_and_dates and invoices",
        r"inverted_sequence_number",
    ),
    "final_date_rewound": (NUMBERING, r"date .* after"),
    "update_ignored": ("test_update_is_visible_on_the_next_read and invoices", r"read back"),
    "resource_update_ignored": (
        "test_resource_round_trip_update_and_delete and Item",
        r"read back",
    ),
    "delete_ignored": ("test_resource_round_trip_update_and_delete and Tax", r"still answers 200"),
    "change_state_ignored": (FINALIZE, r"the next read says 'draft'"),
    "quantity_read_as_one": (ROUND_TRIP, r"quantity sent"),
    "price_rounded": (ROUND_TRIP, r"unit_price sent"),
    "client_email_dropped": ("test_resource_round_trip_update_and_delete and Client", r"email"),
    "due_date_is_date": (ROUND_TRIP, r"due_date sent"),
    "reference_dropped": (ROUND_TRIP, r"reference sent"),
    "retention_dropped": (ROUND_TRIP, r"retention sent '11\.5', read back '0\.0'"),
    "accents_stripped": (ROUND_TRIP, r"sent 'Ação.*', read back 'Acao"),
    "description_mojibake": (ROUND_TRIP, r"description sent 'Ação.*', read back 'AÃ§Ã£o"),
    "beyond_latin1_lost": (CLIENT, r"sent '.*€ Łódź Ő Ω.*', read back '.*\? \?ód\? \? \?"),
    "status_filter_ignored": (FILTERS, r"status"),
    "type_filter_ignored": (FILTERS, r"type"),
    "date_filter_ignored": (FILTERS, r"date"),
    "text_filter_ignored": (FILTERS, r"text"),
    "reference_filter_ignored": (FILTERS, r"reference"),
    "amount_filter_ignored": (FILTERS, r"total_before_taxes"),
    "filter_values_first_only": (UNION + "listInvoices", r"(status|type)\[\]=\w+&"),
    "client_filter_values_last_only": (UNION + "listClientInvoices", r"filter\.(status|by_type)="),
    "total_entries_off": (PAGES, r"total_entries"),
    "per_page_ignored": (PAGES, r"total_pages|rows"),
    "page_ignored": (PAGES, r"current_page"),
    "proprietary_uid_ignored": ("test_proprietary_uid_makes_a_create_idempotent", r"409"),
    "payment_does_not_settle": (PAYMENTS, r"paid in full"),
    "receipt_amount_wrong": (PAYMENTS, r"receipt's total"),
    "undocumented_field": (GET_INVOICE, r"undocumented-response-field.*internal_ref"),
    "message_reworded": (MESSAGE, r"does not carry the documented message"),
    "message_case_changed": (MESSAGE, r"does not carry the documented message"),
}
SCHEMA_BREAK = re.compile(
    r"schema violation|breaks its schema|(status|content type) .* is not documented"
)
FAITHFUL = " or ".join(sorted({f"({sel})" for sel, _ in CATCHERS.values()}))


def suite_files(selection: str) -> list[str]:
    """Only the modules defining the selected tests: collecting the others (schemathesis
    above all) would cost each of the many runs seconds."""
    names = re.findall(r"\b(test_\w+)", selection)
    found = {
        str(path)
        for path in SUITES.glob("test_*.py")
        for name in names
        if re.search(rf"^def {name}\w*\(", path.read_text(), re.M)
    }
    return sorted(found) or [str(SUITES)]


def run_suites(tmp: Path, selection: str, *extra: str) -> tuple[int, dict[str, Any], str]:
    env = dict(os.environ, IXC_CONTRACT_RUN_ID="proof", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    args = [
        *suite_files(selection),
        "-p",
        "no:cacheprovider",
        *plugin_args(),  # the plugins `ixc contract` loads, and no others
        "--rootdir",
        str(REPO),
        "-o",
        "testpaths=contract_tests/invoicexpress_contract_tests",
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
    output = tmp / "pytest.log"
    code = run_pytest(args, env=env, cwd=REPO, output=output, timeout=300)
    summary = json.loads((tmp / "summary.json").read_text())
    return code, summary, output.read_text(errors="replace")


def messages(summary: dict[str, Any]) -> str:
    return "\n".join(
        f"{op}: {it['message']}" for op, items in summary["failures"].items() for it in items
    )


def test_catalogue_is_large_varied_and_each_fault_has_a_catcher() -> None:
    assert set(CATCHERS) == set(CATALOGUE)
    assert len(CATALOGUE) >= 40
    valid = [n for n, f in CATALOGUE.items() if f.schema_valid]
    assert 2 * len(valid) >= len(CATALOGUE), f"only {len(valid)} keep responses schema-valid"
    assert {f.category for f in CATALOGUE.values()} >= {
        "schema", "status", "headers", "content-type", "auth", "state-machine", "arithmetic",
        "numbering", "persistence", "filters", "pagination", "idempotency", "undocumented",
        "wording",
    }  # fmt: skip


@pytest.mark.parametrize("fault", sorted(CATALOGUE))
def test_suites_catch_and_name_the_fault(tmp_path: Path, fault: str) -> None:
    selection, pattern = CATCHERS[fault]
    code, summary, output = run_suites(tmp_path, selection, "--sandbox-fault", fault)
    assert code != 0, f"{fault} went unnoticed:\n{output[-2000:]}"
    found = messages(summary)
    assert re.search(pattern, found), (
        f"{fault} failed the run but no message names it ({pattern}):\n{found}"
    )
    if CATALOGUE[fault].schema_valid:
        assert not SCHEMA_BREAK.search(found), f"{fault} is said to keep schemas, yet:\n{found}"


def test_faithful_sandbox_passes_every_catching_test(tmp_path: Path) -> None:
    code, summary, output = run_suites(tmp_path, FAITHFUL)
    assert code == 0, f"faithful sandbox failed:\n{messages(summary)}\n{output[-2000:]}"
    assert summary["failure_count"] == 0


def test_faithful_sandbox_by_url_passes_every_catching_test(tmp_path: Path) -> None:
    """A separately started sandbox (its own process), reached only by URL and key."""
    from invoicexpress_sandbox.testing import running_sandbox

    with running_sandbox(in_process=False) as sb:
        code, summary, output = run_suites(
            tmp_path, FAITHFUL, "--base-url", sb.base_url, "--api-key", sb.api_key
        )
    assert code == 0, f"faithful sandbox by URL failed:\n{messages(summary)}\n{output[-2000:]}"
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
