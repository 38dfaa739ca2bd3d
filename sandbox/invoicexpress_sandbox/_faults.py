"""Named switches: faults (a mutation catalogue of deliberate contract breaks) and known live
quirks.

Faults exist to prove that the contract suites catch a misbehaving server. Each breaks one
promise of the contract; all act at one seam of the request path (`_seam.FaultPlan`): on the
call as the faulty server reads it (key, query, body, state machine, whether the write is
kept) or on its answer (status, body, content type, error wording, headers); `_mutations`
says what each does. `schema_valid` faults keep every response valid against its schema: only
behaviour shows them. Quirks reproduce server bugs of the live API (api-surface §8) so users
can test their code against them. Both are off by default.
"""

from __future__ import annotations

from typing import NamedTuple


class Fault(NamedTuple):
    category: str
    description: str
    schema_valid: bool


CATALOGUE: dict[str, Fault] = {
    # schema
    "rename_field": Fault(
        "schema",
        "document responses carry `sequence_num` instead of `sequence_number` (other "
        "responses: `ident` instead of `id`)",
        False,
    ),
    "wrong_type": Fault(
        "schema", "`total` (or the first number field) is sent as a non-numeric string", False
    ),
    "drop_required": Fault(
        "schema", "the required `id` is missing from every response object", False
    ),
    "iso_dates": Fault(
        "schema", "document dates are sent as yyyy-mm-dd instead of dd/mm/yyyy", False
    ),
    "enum_changed": Fault("schema", "status values are sent in upper case (`FINAL`)", False),
    "null_items": Fault("schema", "documents carry `items: null`", False),
    # status codes
    "wrong_status": Fault(
        "status", "creates answer 200 instead of 201, and 200 answers to writes become 201", False
    ),
    "not_found_as_422": Fault("status", "unknown ids answer 422 instead of 404", False),
    "validation_as_400": Fault("status", "422 refusals answer 400 instead", False),
    "pdf_never_ready": Fault("status", "generatePdf answers 202 forever", True),
    # headers and content type
    "retry_after_not_integer": Fault("headers", "a 429 says `Retry-After: soon`", False),
    "wrong_content_type": Fault("content-type", "JSON responses are labelled text/html", False),
    "missing_content_type": Fault("content-type", "JSON responses carry no Content-Type", False),
    # auth
    "skip_auth": Fault(
        "auth", "a request without api_key is served as the demo account instead of 401", False
    ),
    "wrong_key_accepted": Fault("auth", "an unknown api_key is served as the demo account", False),
    "auth_as_403": Fault("auth", "a missing or wrong key answers 403 instead of 401", False),
    # state machine
    "allow_forbidden_transition": Fault(
        "state-machine", "change-state applies an event from any state", True
    ),
    "cancel_without_message": Fault(
        "state-machine", "a cancel without the required message is accepted", True
    ),
    "final_shown_as_settled": Fault(
        "state-machine", "final documents read as `settled` (finalised, never paid)", True
    ),
    # arithmetic
    "totals_off_by_cent": Fault(
        "arithmetic", "document `total` is one cent more than `before_taxes + taxes`", True
    ),
    "tax_at_default_rate": Fault(
        "arithmetic",
        "every line is taxed at 23% whatever its own tax; totals agree with the lines",
        True,
    ),
    "tax_before_discount": Fault(
        "arithmetic", "tax is computed on the line before its discount; totals agree", True
    ),
    "tax_rounded_down": Fault(
        "arithmetic", "line tax is truncated to the cent, not rounded; totals agree", True
    ),
    "discount_ignored": Fault(
        "arithmetic", "line discounts are dropped from every amount; totals agree", True
    ),
    "global_discount_ignored": Fault(
        "arithmetic", "the global discount is shown but lowers no amount; totals agree", True
    ),
    "tax_before_global_discount": Fault(
        "arithmetic",
        "tax is computed on the lines before the global discount; totals agree",
        True,
    ),
    "retention_subtracted": Fault(
        "arithmetic", "`total` is lowered by the retention (withholding) amount", True
    ),
    # numbering
    "numbering_gaps": Fault("numbering", "final numbers step by two (1, 3, 5...)", True),
    "atcud_mismatch": Fault("numbering", "the ATCUD ends with the next number", True),
    "inverted_number_wrong": Fault(
        "numbering", "`inverted_sequence_number` repeats `sequence_number`", True
    ),
    "final_date_rewound": Fault(
        "numbering", "even-numbered final documents read a day earlier than they were made", True
    ),
    # persistence
    "update_ignored": Fault("persistence", "document updates answer 200 and are not stored", True),
    "resource_update_ignored": Fault(
        "persistence", "client, item and tax updates answer 200 and are not stored", True
    ),
    "delete_ignored": Fault("persistence", "deletes answer 200 and are not stored", True),
    "change_state_ignored": Fault(
        "persistence", "change-state answers the new status and is not stored", True
    ),
    # round trips
    "quantity_read_as_one": Fault("round-trip", "item quantities are stored as 1", True),
    "price_rounded": Fault("round-trip", "unit prices are stored rounded to the cent", True),
    "client_email_dropped": Fault("round-trip", "client e-mails are not stored", True),
    "due_date_is_date": Fault("round-trip", "documents store `due_date` = `date`", True),
    "reference_dropped": Fault("round-trip", "document references are not stored", True),
    "retention_dropped": Fault("round-trip", "document retentions are not stored (read 0.0)", True),
    "accents_stripped": Fault(
        "round-trip", "stored text loses its accents and every other non-ASCII character", True
    ),
    "description_mojibake": Fault(
        "round-trip", "item descriptions are stored as UTF-8 bytes read as Latin-1", True
    ),
    "beyond_latin1_lost": Fault(
        "round-trip", "client text outside Latin-1 is stored as `?` (a Latin-1 column)", True
    ),
    # filters and pagination
    "status_filter_ignored": Fault("filters", "listInvoices ignores `status[]`", True),
    "type_filter_ignored": Fault("filters", "listInvoices ignores `type[]`", True),
    "date_filter_ignored": Fault("filters", "list operations ignore `date[from]`/`date[to]`", True),
    "text_filter_ignored": Fault("filters", "list operations ignore `text`", True),
    "reference_filter_ignored": Fault("filters", "list operations ignore `reference`", True),
    "amount_filter_ignored": Fault(
        "filters", "list operations ignore `total_before_taxes[from|to]`", True
    ),
    "filter_values_first_only": Fault(
        "filters", "array query filters (`status[]`, `type[]`) keep only their first value", True
    ),
    "client_filter_values_last_only": Fault(
        "filters", "listClientInvoices' filter arrays keep only their last value", True
    ),
    "total_entries_off": Fault("pagination", "`total_entries` counts one row too many", True),
    "per_page_ignored": Fault("pagination", "`per_page` is ignored (pages of 100)", True),
    "page_ignored": Fault("pagination", "`page` is ignored (always the first page)", True),
    # idempotency and payments
    "proprietary_uid_ignored": Fault(
        "idempotency", "a repeated `proprietary_uid` creates another document", True
    ),
    "payment_does_not_settle": Fault(
        "payments", "an invoice paid in full reads `final`, never `settled`", True
    ),
    "receipt_amount_wrong": Fault(
        "payments", "a receipt's amounts are the invoice's total, not the payment's", True
    ),
    # undocumented additions and wording
    "undocumented_field": Fault(
        "undocumented", "every response object carries an undocumented `internal_ref`", True
    ),
    "message_reworded": Fault("wording", "422 messages gain a trailing period", True),
    "message_case_changed": Fault("wording", "422 messages are sent in lower case", True),
}

FAULTS: dict[str, str] = {name: fault.description for name, fault in CATALOGUE.items()}

QUIRKS: dict[str, str] = {
    "guide_update_500": "PUT of a guide (shippings, transports, devolutions) answers 500",
    "treasury_delete_500": "DELETE of a treasury movement is applied, then answers 500 "
    "(a retry gets 404)",
    "tax_numeric_value_500": "creating or updating a tax with a JSON-number `value` answers 500",
    "live_forms": "answer in the forms recorded live where they differ from the documented "
    "ones (integer client ids, list-shaped 401/422, blank or HTML 404...; GET /_sandbox/forms)",
    "uid_replay": "a create reusing the `proprietary_uid` of a finished create answers 201 with "
    "that document instead of 409 (the other plausible reading of the docs)",
    # Documented behaviours where live evidence says otherwise (spec/CHANGELOG.md, issue 13):
    # the sandbox follows the evidence by default; these switch to the documentation.
    "exemption_required": "a 0 % line without `tax_exemption` answers 422 (as documented) "
    "instead of being stamped M99 (as observed live)",
    "bad_date_today": "a badly formatted document `date` becomes today's date (as documented) "
    "instead of 422 `Date is not valid`",
    "quote_dates_required": "estimates without `date` or `due_date` answer 422 (as the issue "
    "reads the docs) instead of defaulting to today",
}


def unknown(names: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    return sorted(n for n in names if n not in FAULTS and n not in QUIRKS)
