"""The facts the rules use, read from the spec through the core (never typed here twice).

Document types come from `x-document-types`, the enums from `components/schemas`; only the
sandbox's own behaviour (which types take payments, which have no ATCUD) is stated here.
"""

from __future__ import annotations

import re
from typing import Any

from invoicexpress_core.spec import DocumentType, load_spec

DocType = DocumentType
_SPEC = load_spec()
_SCHEMAS: dict[str, Any] = _SPEC.document["components"]["schemas"]


def _property(schema: str, root: str, name: str) -> dict[str, Any]:
    return dict(_SCHEMAS[schema]["properties"][root]["properties"][name])


DOC_TYPES: dict[str, DocType] = dict(_SPEC.document_types)
BY_TYPE = {d.type: d for d in DOC_TYPES.values()}

# Per-type numbering shown by the sequences endpoints (`current_<type>_number`).
SEQUENCE_TYPES = tuple(
    m.group(1)
    for name in _SCHEMAS["Sequence"]["properties"]
    if (m := re.fullmatch(r"current_(\w+)_number", name))
)
COUNTRIES = frozenset(_SPEC.enums["Country"])
PAYMENT_MECHANISMS: tuple[str, ...] = _SPEC.enums["PaymentMechanism"]
UNITS: tuple[str, ...] = _SPEC.enums["Unit"]
LANGUAGES: tuple[str, ...] = _SPEC.enums["Language"]
EXEMPTION_CODES: tuple[str, ...] = _SPEC.enums["TaxExemptionCode"]
TAX_CODES = tuple(_property("TaxRequest", "tax", "code")["enum"])
TAX_REGION = re.compile(_property("TaxRequest", "tax", "region")["pattern"])

# Sandbox behaviour, stated once here:
# types whose ATCUD is "N/A" (not relevant to AT communication);
ATCUD_NOT_APPLICABLE = frozenset({"purchase_order"})
# documents that can take partial payments (receipts are issued against them).
PAYABLE = frozenset({"Invoice", "SimplifiedInvoice", "DebitNote", "VatMossInvoice"})
