"""The document-type table and the state machines: the facts every document area shares.

Each fact carries its evidence: `api-docs NNN` for the vendor's captured pages, `bundle` for
its OpenAPI bundle, `surface §N` for ../shared/api-surface.md. Decisions on conflicting
sources are recorded in spec/CHANGELOG.md. The spec publishes the table as `x-document-types`
and each machine as `x-state-machine`, which the core reads for every consumer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from invoicexpress_specbuild.messages import ERRORS, say

# --- document types ---------------------------------------------------------------------------


def pascal(snake: str) -> str:
    """`credit_note` -> `CreditNote`: how schema and operation names spell a snake name."""
    return "".join(part.capitalize() for part in snake.split("_"))


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
        return pascal(self.key)

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
_INVOICE_STATES = ("draft", "final", "settled", "canceled", "deleted")
_INVOICE = Machine(_INVOICE_STATES, _INVOICE_BASE, evidence=_INVOICE_EVIDENCE)
_CORRECTING = Machine(  # credit and debit notes
    _INVOICE_STATES,
    (*_INVOICE_BASE, T("settled", "unsettled", "final")),
    evidence=_INVOICE_EVIDENCE + ": `unsettled` only for credit and debit notes",
)

MACHINES: dict[str, Machine] = {
    "invoices": _INVOICE,
    "simplified_invoices": _INVOICE,
    "vat_moss_invoices": Machine(
        _INVOICE_STATES, _INVOICE_BASE, evidence=_INVOICE_EVIDENCE + " (legacy type)"
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
    "credit_notes": _CORRECTING,
    "debit_notes": _CORRECTING,
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

INVALID_STATE_MESSAGE = say("invalid_state")  # api-docs 002, Change State
CANCEL_MESSAGE_REQUIRED = say("cancel_message_required")  # api-docs 002, Change State

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
MESSAGES_CHANGE_STATE = (INVALID_STATE_MESSAGE, CANCEL_MESSAGE_REQUIRED)
# Finalising numbers the document in its series; a document dated before the series' last
# final one is refused (surface §5.2, "data ... nao pode ser anterior"; `date_before_series`).
# Listed as its template, so drift matches any date and does not flag the refusal.
MESSAGE_DATE_BEFORE_SERIES = ERRORS["date_before_series"]


def change_state_messages(dt: DocType) -> tuple[str, ...]:
    """Every 422 a change of state of `dt` can answer: the machine's own refusals, and the
    series date rule where a transition leaves the draft (finalises)."""
    finalises = any(
        t.source == "draft" and t.target != "deleted" for t in MACHINES[dt.segment].transitions
    )
    return MESSAGES_CHANGE_STATE + ((MESSAGE_DATE_BEFORE_SERIES,) if finalises else ())


def state_machine_extension(dt: DocType) -> dict[str, Any]:
    """`x-state-machine` of a change-state operation: the machine of `dt` as data."""
    machine = MACHINES[dt.segment]
    transitions = []
    for t in machine.transitions:
        row: dict[str, Any] = {"from": t.source, "event": t.event, "to": t.target}
        if t.requires_message:
            row["requires"] = ["message"]
        transitions.append(row)
    sm: dict[str, Any] = {
        "document_type": dt.segment,
        "initial": machine.states[0],
        "states": list(machine.states),
        "transitions": transitions,
    }
    if machine.aliases:
        sm["aliases"] = dict(machine.aliases)
    sm["errors"] = {
        "invalid_transition": {"status": 422, "message": INVALID_STATE_MESSAGE},
        "message_required": {"status": 422, "message": CANCEL_MESSAGE_REQUIRED},
    }
    sm["evidence"] = machine.evidence
    return sm


def table() -> list[dict[str, Any]]:
    """`x-document-types`: the table, once, for every consumer (core.DocumentType)."""
    return [
        {
            "segment": dt.segment,
            "key": dt.key,
            "type": dt.type_name,
            "family": dt.family,
            "generic_key": dt.generic_key,
            "legacy": dt.legacy,
        }
        for dt in (*DOC_TYPES, RECEIPT)
    ]
