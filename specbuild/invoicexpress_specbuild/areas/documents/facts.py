"""The documents area's facts: exemption codes, the 422 catalogue, families' tags."""

from __future__ import annotations

from invoicexpress_specbuild.doctypes import DocType
from invoicexpress_specbuild.messages import ERRORS, say

# api-docs 002 appendix (M01-M16, M99) ∪ bundle info table (M19-M46); M00 = "no exemption",
# used by the vendor's examples for `tax_exemption_reason` (api-docs 004).
TAX_EXEMPTION_CODES = (
    *(f"M{n:02d}" for n in range(17)),
    *("M19", "M20", "M21", "M25", "M30", "M31", "M32", "M33"),
    *(f"M{n}" for n in range(40, 47)),
    "M99",
)

# The 422 catalogue of api-docs 002 for document writes and e-mails.
MESSAGE_SETTLED = say("document_settled")
MESSAGE_MB_REFERENCE = say("mb_reference_unavailable")
MESSAGES_DOCUMENT_WRITE = (
    say("items_not_array"),
    say("country_not_found", value="Germani"),
    say("retention_out_of_range"),
    say("invoice_items_invalid"),
    say("client_invalid"),
    say("due_date_before_date"),
    say("email_not_an_email_address"),
    say("not_a_number", what="Discount"),
    say("quantity_not_positive"),
    say("unit_price_must_be_number"),
    say("unit_not_accepted", value="kg"),
    MESSAGE_MB_REFERENCE,
    MESSAGE_SETTLED,
)
# Observed elsewhere (surface §4, §7), produced by the rules they name.
MESSAGES_DOCUMENT_OBSERVED = (
    say("at_least_one_item"),
    say("not_valid", what="Date"),
    say("element_missing", root="client"),
)
MESSAGE_OWNER_INVALID = say("invalid", what="Owner invoice")
MESSAGES_EMAIL = (
    say("email_content_type"),
    say("address_invalid", what="Email"),
    say("address_invalid", what="Cc"),
    say("address_invalid", what="Bcc"),
)
MESSAGE_PDF_INVALID_STATE = say("pdf_invalid_state")  # api-docs 002
MESSAGE_DUPLICATE_UID = ERRORS["duplicate_uid"]

FAMILY_TAG = {
    "invoices": "Invoices",
    "estimates": "Estimates",
    "guides": "Guides",
    "purchase_orders": "Purchase orders",
    "receipts": "Invoices",
}
# The family's singular noun: in the vendor's templated operations (`createInvoice`) and in
# the family's list schema (`InvoiceFamilyDocument`).
FAMILY_NOUN = {"invoices": "Invoice", "estimates": "Estimate", "guides": "Guide"}
CORRECTING = ("credit_notes", "debit_notes")  # they correct an existing invoice


def document_write_messages(dt: DocType, *, update: bool) -> tuple[str, ...]:
    """The 422 catalogue of api-docs 002, minus what the operation cannot trigger."""
    messages: tuple[str, ...] = MESSAGES_DOCUMENT_WRITE + MESSAGES_DOCUMENT_OBSERVED
    if not update:  # nothing is settled before it exists
        messages = tuple(m for m in messages if m != MESSAGE_SETTLED)
    if dt.family not in ("invoices", "estimates"):  # no `mb_reference` field
        messages = tuple(m for m in messages if m != MESSAGE_MB_REFERENCE)
    if dt.segment in CORRECTING:
        messages += (MESSAGE_OWNER_INVALID,)
    return messages
