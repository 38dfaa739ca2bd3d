"""Example bodies for every operation, consistent with the sandbox's arithmetic.

The figures follow the vendor's own example (api-docs 004): one line of 24.3902 at 23 % IVA
gives 24.39 + 5.61 = 30.
"""

from __future__ import annotations

from typing import Any

from ixc.specbuild.facts import MACHINES, DocType

Body = dict[str, Any]

CLIENT_INPUT: Body = {
    "name": "Cliente Exemplo",
    "code": "C001",
    "email": "cliente@example.com",
    "country": "Portugal",
    "fiscal_id": "999999990",
}
ITEM_INPUT: Body = {
    "name": "Consultoria",
    "description": "Uma hora de consultoria",
    "unit_price": "24.3902",
    "quantity": "1",
    "unit": "hour",
    "tax": {"name": "IVA23"},
}
ADDRESS: Body = {
    "detail": "Rua Augusta 1",
    "city": "Lisboa",
    "postal_code": "1100-048",
    "country": "Portugal",
}


def fields_example(dt: DocType) -> Body:
    body: Body = {
        "date": "03/12/2026",
        "due_date": "18/12/2026",
        "reference": "PO-42",
        "observations": "Obrigado.",
        "client": CLIENT_INPUT,
        "items": [ITEM_INPUT],
    }
    if dt.family == "guides":
        body |= {
            "loaded_at": "04/12/2026 09:00:00",
            "license_plate": "00-AA-00",
            "address_from": ADDRESS,
            "address_to": ADDRESS | {"city": "Porto", "postal_code": "4000-322"},
        }
    if dt.family == "purchase_orders":
        body |= {"loaded_at": "04/12/2026", "delivery_site": "Armazém"}
    if dt.segment in ("credit_notes", "debit_notes"):
        body["owner_invoice_id"] = 1001
    return body


def document_example(dt: DocType, *, status: str = "draft", doc_id: int = 1001) -> Body:
    """A document of type `dt`; `final` becomes the state finalising leads to for the type."""
    if status == "final" and "final" not in MACHINES[dt.segment].states:
        status = next(t.target for t in MACHINES[dt.segment].transitions if t.event == "finalized")
    final = status != "draft"
    body: Body = {
        "id": doc_id,
        "status": status,
        "archived": False,
        "type": dt.type_name,
        "sequence_number": "1/A" if final else "rascunho",
        "inverted_sequence_number": "A/1" if final else None,
        "atcud": "N/D" if final else None,
        "sequence_id": 1,
        "tax_exemption": None,
        "date": "03/12/2026",
        "due_date": "18/12/2026",
        "reference": "PO-42",
        "observations": "Obrigado.",
        "retention": "0.0",
        "permalink": f"http://127.0.0.1:8765/documents/{doc_id}-public",
        "saft_hash": "J4ay" if final else None,
        "sum": 24.39,
        "discount": 0,
        "before_taxes": 24.39,
        "taxes": 5.61,
        "total": 30,
        "currency": "Euro",
        "client": {
            "id": 1,
            "name": "Cliente Exemplo",
            "code": "C001",
            "country": "Portugal",
            "email": "cliente@example.com",
        },
        "items": [
            {
                "name": "Consultoria",
                "description": "Uma hora de consultoria",
                "unit_price": "24.3902",
                "unit": "hour",
                "quantity": "1.0",
                "tax": {"id": 1, "name": "IVA23", "value": 23.0},
                "discount": 0,
                "subtotal": 24.39,
                "tax_amount": 5.61,
                "discount_amount": 0,
                "total": 30,
            }
        ],
    }
    if dt.family == "guides":
        body |= {
            "loaded_at": "04/12/2026 09:00:00",
            "license_plate": "00-AA-00",
            "address_from": ADDRESS,
            "address_to": ADDRESS,
            "at_doc_code_id": None,
        }
    if dt.family == "purchase_orders":
        body |= {"loaded_at": "04/12/2026", "delivery_site": "Armazém"}
    if dt.segment in ("credit_notes", "debit_notes"):
        body["owner_invoice_id"] = 1000
    return body


PAGINATION: Body = {"total_entries": 1, "per_page": 10, "current_page": 1, "total_pages": 1}

CLIENT: Body = {
    "id": "1",
    "name": "Cliente Exemplo",
    "code": "C001",
    "email": "cliente@example.com",
    "language": "pt",
    "address": "Rua Augusta 1",
    "city": "Lisboa",
    "postal_code": "1100-048",
    "country": "Portugal",
    "fiscal_id": "999999990",
    "website": "",
    "phone": "",
    "fax": "",
    "preferred_contact": {"name": "", "email": "", "phone": ""},
    "observations": "",
    "send_options": "1",
    "open_account_link": "http://127.0.0.1:8765/clients/1-public",
    "payment_days": "0",
    "tax_exemption_code": "M00",
}
ITEM: Body = {
    "id": 1,
    "name": "Consultoria",
    "description": "Uma hora de consultoria",
    "unit_price": "24.3902",
    "unit": "hour",
    "tax": {"name": "IVA23", "value": "23.0", "comment": "tax value:23.0%"},
}
TAX: Body = {
    "id": 1,
    "name": "IVA23",
    "value": "23.0",
    "region": "PT",
    "code": "NOR",
    "default_tax": 1,
}
SEQUENCE_TYPES_EXAMPLE = ("invoice", "invoice_receipt", "credit_note")


def sequence_example(types: tuple[str, ...]) -> Body:
    body: Body = {"id": 1, "serie": "A", "default_sequence": 1}
    for t in types:
        body |= {
            f"current_{t}_number": 0,
            f"current_{t}_sequence_id": 1,
            f"current_{t}_validation_code": "N/D",
        }
    return body
