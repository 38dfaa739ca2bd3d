"""The curated facts about InvoiceXpress v2 that the spec is built from.

Each fact carries its evidence in a comment: `api-docs NNN` for the vendor's captured pages,
`bundle` for its OpenAPI bundle, `surface §N` for ../shared/api-surface.md. Decisions on
conflicting sources are recorded in spec/CHANGELOG.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- document types ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DocType:
    """One InvoiceXpress document type and everything that varies with it."""

    segment: str  # path segment, e.g. "credit_notes"
    key: str  # singular root key, e.g. "credit_note"
    type_name: str  # value of `type` in bodies, e.g. "CreditNote"
    family: str  # invoices | estimates | guides | purchase_orders | receipts
    title: str  # human name
    legacy: bool = False  # absent from the current vendor bundle (surface §4, §9 #14)
    evidence: str = ""

    @property
    def pascal(self) -> str:
        return "".join(part.capitalize() for part in self.key.split("_"))

    @property
    def generic_key(self) -> str:
        return FAMILY_GENERIC_KEY[self.family]


FAMILY_GENERIC_KEY = {
    "invoices": "invoice",
    "estimates": "quote",
    "guides": "shipping",
    "purchase_orders": "purchase_order",
    "receipts": "receipt",
}

_LEGACY_LIST = "surface §4.2: legacy v2 pages list per-type paths; OCA and square-bit use them"

DOC_TYPES: tuple[DocType, ...] = (
    DocType("invoices", "invoice", "Invoice", "invoices", "invoice"),
    DocType("invoice_receipts", "invoice_receipt", "InvoiceReceipt", "invoices", "invoice-receipt"),
    DocType(
        "simplified_invoices",
        "simplified_invoice",
        "SimplifiedInvoice",
        "invoices",
        "simplified invoice (Portuguese accounts only)",
    ),
    DocType("credit_notes", "credit_note", "CreditNote", "invoices", "credit note"),
    DocType("debit_notes", "debit_note", "DebitNote", "invoices", "debit note"),
    DocType(
        "vat_moss_invoices",
        "vat_moss_invoice",
        "VatMossInvoice",
        "invoices",
        "VAT MOSS invoice",
        legacy=True,
        evidence="surface §3: legacy v2 pages and OCA l10n-portugal create `vat_moss_invoices`",
    ),
    DocType("quotes", "quote", "Quote", "estimates", "quote"),
    DocType("proformas", "proforma", "Proforma", "estimates", "proforma"),
    DocType("fees_notes", "fees_note", "FeesNote", "estimates", "fees note"),
    DocType("shippings", "shipping", "Shipping", "guides", "shipping guide"),
    DocType("transports", "transport", "Transport", "guides", "transport guide"),
    DocType("devolutions", "devolution", "Devolution", "guides", "devolution guide"),
    DocType(
        "purchase_orders",
        "purchase_order",
        "PurchaseOrder",
        "purchase_orders",
        "purchase order",
        legacy=True,
        evidence="surface §4.5: legacy v2 pages invoicexpress.com/api-v2/purchase-orders/*",
    ),
)
RECEIPT = DocType(
    "receipts",
    "receipt",
    "Receipt",
    "receipts",
    "receipt",
    evidence="bundle cancelReceipt; surface §4.2 (GET /receipts/{id}.json: square-bit sample)",
)
BY_SEGMENT = {dt.segment: dt for dt in (*DOC_TYPES, RECEIPT)}

# Per-type list paths that exist besides the family lists (surface §4.2, legacy).
PER_TYPE_LISTS = (
    "invoice_receipts",
    "simplified_invoices",
    "credit_notes",
    "debit_notes",
    "vat_moss_invoices",
    "receipts",
)

# Sequence fields exist for these types (bundle SequenceResponse).
SEQUENCE_TYPES = (
    "invoice",
    "invoice_receipt",
    "simplified_invoice",
    "credit_note",
    "debit_note",
    "receipt",
    "shipping",
    "transport",
    "devolution",
    "proforma",
    "quote",
    "fees_note",
    "vat_moss_invoice",
    "vat_moss_credit_note",
    "vat_moss_receipt",
)

# --- statuses and state machines --------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    source: str
    event: str
    target: str
    requires_message: bool = False


@dataclass(frozen=True)
class Machine:
    states: tuple[str, ...]
    transitions: tuple[Transition, ...]
    aliases: dict[str, str] = field(default_factory=dict)
    evidence: str = ""

    @property
    def events(self) -> list[str]:
        return sorted({t.event for t in self.transitions})


T = Transition
_INVOICE_BASE = (
    T("draft", "finalized", "final"),
    T("draft", "deleted", "deleted"),
    T("final", "canceled", "canceled", requires_message=True),
    T("final", "settled", "settled"),
)
_INVOICE_EVIDENCE = "bundle changeInvoiceState transition table; surface §5.2"

MACHINES: dict[str, Machine] = {
    "invoices": Machine(
        ("draft", "final", "settled", "canceled", "deleted"),
        _INVOICE_BASE,
        evidence=_INVOICE_EVIDENCE,
    ),
    "simplified_invoices": Machine(
        ("draft", "final", "settled", "canceled", "deleted"),
        _INVOICE_BASE,
        evidence=_INVOICE_EVIDENCE,
    ),
    "vat_moss_invoices": Machine(
        ("draft", "final", "settled", "canceled", "deleted"),
        _INVOICE_BASE,
        evidence=_INVOICE_EVIDENCE + " (legacy type)",
    ),
    "invoice_receipts": Machine(
        ("draft", "settled", "canceled", "deleted"),
        (
            T("draft", "finalized", "settled"),
            T("draft", "deleted", "deleted"),
            T("settled", "canceled", "canceled", requires_message=True),
        ),
        evidence=_INVOICE_EVIDENCE + ": finalising an invoice-receipt settles it",
    ),
    "credit_notes": Machine(
        ("draft", "final", "settled", "canceled", "deleted"),
        (*_INVOICE_BASE, T("settled", "unsettled", "final")),
        evidence=_INVOICE_EVIDENCE + ": `unsettled` only for credit and debit notes",
    ),
    "debit_notes": Machine(
        ("draft", "final", "settled", "canceled", "deleted"),
        (*_INVOICE_BASE, T("settled", "unsettled", "final")),
        evidence=_INVOICE_EVIDENCE + ": `unsettled` only for credit and debit notes",
    ),
}
_ESTIMATE = Machine(
    ("draft", "final", "accepted", "refused", "canceled", "deleted"),
    (
        T("draft", "finalized", "final"),
        T("draft", "deleted", "deleted"),
        T("final", "accept", "accepted"),
        T("final", "refuse", "refused"),
        T("final", "canceled", "canceled", requires_message=True),
        T("accepted", "refuse", "refused"),
        T("refused", "accept", "accepted"),
        T("accepted", "canceled", "canceled", requires_message=True),
        T("refused", "canceled", "canceled", requires_message=True),
    ),
    aliases={"accepted": "accept", "refused": "refuse"},
    evidence="api-docs 001 transition table (events accept/refuse); the bundle's enum says "
    "accepted/refused, accepted as aliases (surface §5.3, CHANGELOG decision 7)",
)
_GUIDE = Machine(
    ("draft", "final", "canceled", "deleted"),
    (
        T("draft", "finalized", "final"),
        T("draft", "deleted", "deleted"),
        T("final", "canceled", "canceled", requires_message=True),
    ),
    evidence="bundle changeGuideState; surface §5.4",
)
for _seg in ("quotes", "proformas", "fees_notes"):
    MACHINES[_seg] = _ESTIMATE
for _seg in ("shippings", "transports", "devolutions"):
    MACHINES[_seg] = _GUIDE
MACHINES["purchase_orders"] = Machine(
    ("draft", "final", "second_copy", "accepted", "refused", "completed", "canceled", "deleted"),
    (
        T("draft", "finalized", "final"),
        T("draft", "deleted", "deleted"),
        T("final", "second_copy", "second_copy"),
        T("final", "accepted", "accepted"),
        T("final", "refused", "refused"),
        T("final", "canceled", "canceled", requires_message=True),
        T("second_copy", "canceled", "canceled", requires_message=True),
        T("accepted", "refused", "refused"),
        T("accepted", "completed", "completed"),
        T("refused", "canceled", "canceled", requires_message=True),
        T("refused", "accepted", "accepted"),
    ),
    aliases={"rejected": "refused"},
    evidence="v1 purchase-order change-state table (surface §5.5); no v2 page found",
)
MACHINES["receipts"] = Machine(
    ("final", "canceled"),
    (T("final", "canceled", "canceled", requires_message=True),),
    evidence="bundle cancelReceipt: only `canceled`, message required (surface §5.6)",
)


# Status values a list filter takes (`sent` means final; surface §5.1).
LIST_STATUS_FILTER = {
    "invoices": ("draft", "sent", "settled", "canceled", "second_copy", "deleted"),
    "estimates": ("draft", "sent", "accepted", "refused", "canceled", "deleted"),
    "guides": ("draft", "sent", "canceled", "second_copy"),
    "purchase_orders": (
        "draft",
        "sent",
        "accepted",
        "refused",
        "completed",
        "canceled",
        "second_copy",
        "deleted",
    ),
    "receipts": ("sent", "canceled"),
}
LIST_TYPE_FILTER = {
    # bundle enum plus the types clients send (surface §4.9)
    "invoices": (
        "Invoice",
        "InvoiceReceipt",
        "SimplifiedInvoice",
        "CreditNote",
        "DebitNote",
        "Receipt",
        "CashInvoice",
        "VatMossInvoice",
        "VatMossReceipt",
        "VatMossCreditNote",
    ),
    "estimates": ("Quote", "Proforma", "FeesNote"),
    "guides": ("Shipping", "Transport", "Devolution"),
    "purchase_orders": ("PurchaseOrder",),
}

# --- enumerations -----------------------------------------------------------------------------

# api-docs 002 appendix (M01-M16, M99) ∪ bundle info table (M19-M46); M00 = "no exemption",
# used by the vendor's examples for `tax_exemption_reason` (api-docs 004).
TAX_EXEMPTION_CODES = (
    "M00",
    "M01",
    "M02",
    "M03",
    "M04",
    "M05",
    "M06",
    "M07",
    "M08",
    "M09",
    "M10",
    "M11",
    "M12",
    "M13",
    "M14",
    "M15",
    "M16",
    "M19",
    "M20",
    "M21",
    "M25",
    "M30",
    "M31",
    "M32",
    "M33",
    "M40",
    "M41",
    "M42",
    "M43",
    "M44",
    "M45",
    "M46",
    "M99",
)
PAYMENT_MECHANISMS = (
    "CC",
    "CD",
    "CH",
    "CO",
    "CS",
    "DE",
    "LC",
    "MB",
    "NU",
    "OU",
    "PR",
    "TB",
    "TR",
)  # api-docs 002 (the bundle's enum lists only TB, MB, CC)
TREASURY_PAYMENT_METHODS = (
    "CC",
    "CD",
    "CH",
    "CI",
    "CO",
    "CS",
    "DE",
    "LC",
    "MB",
    "NU",
    "OU",
    "PR",
    "TB",
    "TR",
)  # bundle createClientTreasuryMovement
UNITS = ("unit", "hour", "day", "month", "service", "other")  # square-bit Unit enum; api-docs 002
LANGUAGES = ("pt", "en", "es")
TAX_CODES = ("NOR", "INT", "RED", "OUT", "ISE")
TAX_REGIONS = ("PT", "PT-AC", "PT-MA", "Desconhecido")
AT_COMMUNICATION_TYPES = ("auto", "manual", "guides", "portal_at")

# --- error wording, once, by key (`x-error-catalogue`) ---------------------------------------
# Every message the API (and so the sandbox) gives, keyed, with `{name}` placeholders filled in
# by the caller (`core.Spec.message(key, **values)`). The sandbox answers a rule by its key; the
# per-operation `x-error-messages` lists below are built from these templates.
ERRORS: dict[str, str] = {
    # generic rule wordings (the Rails validation phrases InvoiceXpress uses)
    "blank": "{what} can't be blank",
    "not_found": "{what} not found",
    "invalid": "{what} is invalid",
    "not_valid": "{what} is not valid",
    "not_a_number": "{what} is not a number",
    "not_in_list": "{what} is not included in the list",
    "not_positive": "{what} must be greater than 0",
    "too_long": "{what} is too long (maximum is {limit} characters)",
    "taken": "{what} has already been taken",
    "unknown_field": "Unknown field: {fields}",
    "not_allowed_characters": "{what} contains characters that are not allowed",
    "validation_failed": "Validation failed: {detail}",
    # documents (api-docs 002 and surface §4, §7)
    "element_missing": "Elemento {root} não fornecido",
    "items_not_array": "Items element should be of type array",
    "at_least_one_item": "Document should have at least one item",
    "invoice_items_invalid": "Invoice items is invalid",
    "client_invalid": "Client is invalid",
    "country_not_found": "Country {value} was not found",
    "email_not_an_email_address": "Email must be an email address",
    "retention_out_of_range": "Retention must be a number between 0 and 99.99",
    "due_date_before_date": "Due date must be later than date",
    "quantity_not_positive": "Quantity must be a number greater than 0",
    "unit_price_must_be_number": "Unit price must be a number",
    "unit_not_accepted": "Unit {value} is not included in the list of accepted units",
    "mb_reference_unavailable": (
        "Option to generate MB reference is set but no payment provider is configurated"
    ),
    "document_settled": "Invoice has been settled so can't be changed anymore",
    "exemption_not_accepted": "Tax exemption should be one of: {codes}",
    "loaded_at_in_past": "Loaded at can't be in the past",
    "date_before_series": (
        "The date of the document can't be earlier than the date of the last finalized "
        "document of the series ({date})"
    ),
    "pdf_invalid_state": "The document-id provided is in an invalid state.",
    "duplicate_uid": "There's an ongoing document creation with the provided UID {uid}",
    # change state (api-docs 002, Change State)
    "invalid_state": "Invalid state",
    "cancel_message_required": "Cancel message can't be blank",
    # e-mail
    "email_content_type": "No content type or wrongly specified",
    "email_required": "Email is a required field",
    "address_invalid": "{what}: is an invalid email",
    # payments
    "payment_invalid_state": "The document is in an invalid state for payments",
    "amount_over_due": "Amount must be less than or equal to the amount due",
    "payment_mechanism_invalid": "payment_mechanism is invalid",
    # clients
    "client_contact_invalid": "Client contact is invalid",
    "contact_email_invalid": "Preferred contact: email must be an email",
    "send_options_out_of_range": "Send options must be within 1 and 3",
    # accounts
    "postal_code_format": "Postal Code must have the following format DDDD-DDD",
    "email_invalid": "Email is invalid",
    "vat_number_locked": "Vat Number can't be changed",
    "vat_number_taken": "Vat Number is already used in another account",
    "terms_not_accepted": "Terms and Conditions must be accepted",
    "invalid_api_key": "Invalid API key",
    # items and taxes
    "item_name_locked": "Name can't be changed because it is already associated with invoices",
    "tax_value_out_of_range": "Value must be a number between 0 and 99.99",
    "tax_region_empty": "Tax region is empty",
    "tax_region_invalid": "Tax region is not valid",
    # sequences
    "sequence_name_invalid": "The sequence name is invalid",
    "sequence_unregistered": "The sequence is invalid.",
    "at_credentials_invalid": "Invalid AT credentials.",
    # treasury
    "value_over_balance": "Value must be less than or equal to the remaining balance",
    # AT communication
    "at_subuser_size": "The field at_subuser has an incorrect size",
    "at_field_invalid": "The field {what} is invalid",
    "at_field_blank": "The field {what} can't be blank",
    # SAF-T
    "saft_trial": (
        "That option is not available during the trial period, it becomes so only after the "
        "first payment."
    ),
    "saft_no_documents": "There aren't any documents to export on the selected period.",
    "saft_company_incomplete": (
        "Warning! There is required information missing from Company information. Before you "
        "export the SAF-T PT, please go to Company information and fill out the missing fields."
    ),
    "saft_month_missing": "You need to send the month in the request body.",
}


def say(key: str, **values: object) -> str:
    """The wording of `ERRORS[key]` with its placeholders filled in."""
    return ERRORS[key].format(**values)


INVALID_STATE_MESSAGE = say("invalid_state")
CANCEL_MESSAGE_REQUIRED = say("cancel_message_required")

# --- the 422 catalogue (api-docs 002), by resource ----------------------------------------------
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
    say("mb_reference_unavailable"),
    say("document_settled"),
)
MESSAGES_EMAIL = (
    say("email_content_type"),
    say("address_invalid", what="Email"),
    say("address_invalid", what="Cc"),
    say("address_invalid", what="Bcc"),
)
MESSAGES_CHANGE_STATE = (INVALID_STATE_MESSAGE, CANCEL_MESSAGE_REQUIRED)
MESSAGES_CLIENTS = (
    say("taken", what="Name"),
    say("client_contact_invalid"),
    say("not_a_number", what="Send options"),
    say("send_options_out_of_range"),
    say("contact_email_invalid"),
    say("country_not_found", value="Germani"),
)
MESSAGES_ACCOUNTS = (
    say("postal_code_format"),
    say("email_invalid"),
    say("vat_number_locked"),
    say("vat_number_taken"),
    say("terms_not_accepted"),
)
MESSAGES_ITEMS = (
    say("taken", what="Name"),
    say("blank", what="Unit price"),
    say("not_a_number", what="Unit price"),
    say("unit_not_accepted", value="kg"),
)
MESSAGES_TAXES = (
    say("taken", what="Name"),
    say("blank", what="Value"),
    say("tax_value_out_of_range"),
    say("tax_region_empty"),
    say("tax_region_invalid"),
)
MESSAGES_SEQUENCES = (say("taken", what="Serie"), say("sequence_name_invalid"))
MESSAGES_SAFT = (
    say("saft_trial"),
    say("saft_no_documents"),
    say("saft_company_incomplete"),
    say("saft_month_missing"),
)
# Observed elsewhere (surface §4, §7), produced by the rules they name.
MESSAGES_DOCUMENT_OBSERVED = (
    say("at_least_one_item"),
    say("not_valid", what="Date"),
    say("element_missing", root="client"),
)
MESSAGE_PDF_INVALID_STATE = say("pdf_invalid_state")  # api-docs 002
MESSAGE_INVALID_API_KEY = say("invalid_api_key")  # surface §7
MESSAGE_DOCUMENT_NOT_FOUND = say("not_found", what="Document")  # surface §4.2
MESSAGE_DUPLICATE_UID = ERRORS["duplicate_uid"]

# Text limits on requests. The vendor documents none; every document ends up in the SAF-T (PT)
# file, whose XSD (Portaria 302/2016, SAF-T PT 1.04_01) caps these fields, so a longer value
# cannot be exported: CustomerID 30, CompanyName 100, AddressDetail 100, City 50,
# PostalCode 20, Telephone/Fax 20, Email 254, Website 60, ProductCode 60,
# ProductDescription 200, CustomerTaxID 30. Any other text field gets a stated limit: 255
# characters, or 5,000 for free text (observations, e-mail bodies, messages).
TEXT_LIMIT_EVIDENCE = "SAF-T PT 1.04_01 XSD field lengths; otherwise a stated sandbox limit"
TEXT_LIMITS = {
    "code": 30,
    "name": 100,
    "address": 100,
    "city": 50,
    "postal_code": 20,
    "phone": 20,
    "fax": 20,
    "email": 254,
    "website": 60,
    "fiscal_id": 30,
    "description": 200,
    "observations": 5000,
    "body": 5000,
    "message": 5000,
    "subject": 255,
    "cc": 1000,
    "bcc": 1000,
}
TEXT_LIMITS_BY_SCHEMA = {("DocumentItemInput", "name"): 60, ("ItemRequest", "name"): 60}
TEXT_LIMIT_DEFAULT = 255
