"""The curated facts about InvoiceXpress v2 that the spec is built from.

Each fact carries its evidence in a comment: `api-docs NNN` for the vendor's captured pages,
`bundle` for its OpenAPI bundle, `surface §N` for ../shared/api-surface.md. Decisions on
conflicting sources are recorded in spec/CHANGELOG.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ixc.specbuild.messages import ERRORS, say

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
