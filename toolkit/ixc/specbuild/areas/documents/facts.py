"""The documents area's facts: exemption codes, the 422 catalogue, families' tags."""

from __future__ import annotations

from ixc.specbuild.doctypes import DocType

# api-docs 002 appendix (M01-M16, M99) ∪ bundle info table (M19-M46); M00 = "no exemption",
# used by the vendor's examples for `tax_exemption_reason` (api-docs 004).
TAX_EXEMPTION_CODES = (
    *(f"M{n:02d}" for n in range(17)),
    *("M19", "M20", "M21", "M25", "M30", "M31", "M32", "M33"),
    *(f"M{n}" for n in range(40, 47)),
    "M99",
)

# The 422 catalogue of api-docs 002 for document writes and e-mails.
MESSAGE_SETTLED = "Invoice has been settled so can't be changed anymore"
MESSAGE_MB_REFERENCE = (
    "Option to generate MB reference is set but no payment provider is configurated"
)
MESSAGES_DOCUMENT_WRITE = (
    "Items element should be of type array",
    "Country Germani was not found",
    "Retention must be a number between 0 and 99.99",
    "Invoice items is invalid",
    "Client is invalid",
    "Due date must be later than date",
    "Email must be an email address",
    "Discount is not a number",
    "Quantity must be a number greater than 0",
    "Unit price must be a number",
    "Unit kg is not included in the list of accepted units",
    MESSAGE_MB_REFERENCE,
    MESSAGE_SETTLED,
)
# Observed elsewhere (surface §4, §7), produced by the rules they name.
MESSAGES_DOCUMENT_OBSERVED = (
    "Document should have at least one item",
    "Date is not valid",
    "Elemento client não fornecido",
)
MESSAGE_OWNER_INVALID = "Owner invoice is invalid"
MESSAGES_EMAIL = (
    "No content type or wrongly specified",
    "Email: is an invalid email",
    "Cc: is an invalid email",
    "Bcc: is an invalid email",
)
MESSAGE_PDF_INVALID_STATE = "The document-id provided is in an invalid state."  # api-docs 002
MESSAGE_DUPLICATE_UID = "There's an ongoing document creation with the provided UID {uid}"

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
