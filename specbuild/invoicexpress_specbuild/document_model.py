"""A document as the API returns it: the parts every document type shares, its properties
per family, the state-change body every type takes (receipts too), and an example body
consistent with the sandbox's arithmetic.

The payments, clients and documents areas all answer documents, so the model is shared. The
figures follow the vendor's own example (api-docs 004): one line of 24.3902 at 23 % IVA gives
24.39 + 5.61 = 30.
"""

from __future__ import annotations

from invoicexpress_specbuild.doctypes import MACHINES, DocType
from invoicexpress_specbuild.example_dates import dmy
from invoicexpress_specbuild.nodes import Node, array, enum, nullable_string, obj, ref, string

ADDRESS: Node = {
    "detail": "Rua Augusta 1",
    "city": "Lisboa",
    "postal_code": "1100-048",
    "country": "Portugal",
}


def parts() -> dict[str, Node]:
    """Schemas shared by every document type."""
    return {
        "DocumentClient": obj(
            {
                "id": ref("IdLike"),
                "name": string(),
                "code": nullable_string(),
                "country": nullable_string(),
                "email": nullable_string(),
                # undocumented, in recorded live responses (CHANGELOG, issue 17)
                **{f: nullable_string() for f in ("address", "postal_code", "phone", "fiscal_id")},
            },
            ["id", "name"],
            description="The client as a document embeds it. The vendor's examples show id, "
            "name, code, country and email; recorded live responses add address, postal code, "
            "phone and fiscal id.",
        ),
        "DocumentItemTax": obj(
            {
                "id": {"type": "integer", "description": "0 on a receipt's line (no tax)."},
                "name": nullable_string(),
                "value": {"oneOf": [ref("DecimalValue"), {"type": "null"}]},
            },
            description="The tax of a line. Drafts read back sometimes carry null name and "
            "value although the amounts are right (surface §6.2).",
        ),
        "DocumentItem": obj(
            {
                "name": string(),
                "description": nullable_string(),
                "unit_price": ref("DecimalValue"),
                "unit": nullable_string(),
                "quantity": ref("DecimalValue"),
                "tax": ref("DocumentItemTax"),
                "discount": ref("DecimalValue"),
                "subtotal": {"type": "number"},
                "tax_amount": {"type": "number"},
                "discount_amount": {"type": "number"},
                "total": {"type": "number"},
            },
            ["name", "unit_price", "quantity"],
            description="A line of a document. `unit_price` is tax-exclusive, up to 4 decimals.",
        ),
        "MbReference": obj(
            {"entity": string(), "reference": string(), "value": ref("DecimalValue")},
            description="Multibanco payment reference (Portuguese accounts with it enabled).",
        ),
        "GlobalDiscount": obj(
            {
                "value_type": {"type": "string", "enum": ["percentage", "absolute"]},
                "value": {"type": "number", "exclusiveMinimum": 0},
            },
            ["value_type", "value"],
            description="A discount on the whole document, as a percentage or an amount.",
        ),
        "Address": obj(
            {
                "detail": string(),
                "city": string(),
                "postal_code": string(),
                "country": string(),
                "email": nullable_string("Undocumented; production clients send it."),
            },
            ["detail", "city", "postal_code", "country"],
            description="A guide's loading or delivery address.",
        ),
    }


DOCUMENT_REQUIRED = (
    "id",
    "status",
    "archived",
    "type",
    "sequence_number",
    "date",
    "due_date",
    "sum",
    "discount",
    "before_taxes",
    "taxes",
    "total",
    "currency",
    "client",
    "items",
)


def document_properties(types: list[str], statuses: list[str], family: str) -> dict[str, Node]:
    props: dict[str, Node] = {
        "id": ref("IdLike"),
        "status": {"type": "string", "enum": statuses},
        "archived": {"type": "boolean"},
        "type": {"type": "string", "enum": types},
        "sequence_number": string("`number/serie`, e.g. `6/G`; drafts carry a placeholder."),
        "inverted_sequence_number": nullable_string("`serie/number`, e.g. `G/6`."),
        "atcud": {
            "type": ["string", "null"],
            "pattern": r"^(|N/D|N/A|[A-Za-z0-9]+-[0-9]+)$",
            "description": "`<validation code>-<number>` when the series is registered at the "
            "Tax Authority, `N/D` when it should be but is not, `N/A` when it need not be.",
        },
        "sequence_id": {"oneOf": [ref("IdLike"), {"type": "null"}]},
        "tax_exemption": nullable_string("IVA exemption code; may read back empty."),
        "date": ref("DateDMY"),
        "due_date": ref("DateDMY"),
        "reference": nullable_string(),
        "observations": nullable_string(),
        "retention": nullable_string("Withholding tax percentage, as a string."),
        "permalink": nullable_string("Public link to the document."),
        "saft_hash": nullable_string("Four characters of the SAF-T signature, to be printed."),
        "sum": {"type": "number", "description": "Sum of line subtotals before discounts."},
        "discount": {"type": "number", "description": "Total of line and global discounts."},
        "before_taxes": {"type": "number"},
        "taxes": {"type": "number"},
        "total": {"type": "number", "description": "`before_taxes + taxes`."},
        "currency": string("Currency display name, e.g. `Euro` (not an ISO code)."),
        "client": ref("DocumentClient"),
        "items": array(ref("DocumentItem")),
        "mb_reference": ref("MbReference"),
        "global_discount": ref("GlobalDiscount"),
    }
    if family in ("invoices", "any"):  # `any`: related documents mix every family
        props["owner_invoice_id"] = {
            "oneOf": [ref("IdLike"), {"type": "null"}],
            "description": "Source invoice of a credit/debit note.",
        }
    if family == "guides":
        props |= {
            "loaded_at": ref("DateTimeDMY"),
            "license_plate": nullable_string(),
            "address_from": ref("Address"),
            "address_to": ref("Address"),
            "at_doc_code_id": nullable_string("Code the Tax Authority gave the guide."),
            "load_site": nullable_string(),
            "delivery_site": nullable_string(),
        }
    if family == "purchase_orders":
        props |= {"loaded_at": ref("DateDMY"), "delivery_site": nullable_string()}
    return props


def document_schema(dt: DocType) -> Node:
    return obj(
        document_properties([dt.type_name], list(MACHINES[dt.segment].states), dt.family),
        DOCUMENT_REQUIRED,
        description=f"A {dt.title} as the API returns it.",
    )


def family_document_schema(family: str, types: list[str], statuses: list[str]) -> Node:
    return obj(
        document_properties(types, statuses, family),
        DOCUMENT_REQUIRED,
        description=f"A document of the {family} family as list endpoints return it.",
    )


def state_change_schema(dt: DocType) -> Node:
    machine = MACHINES[dt.segment]
    return obj(
        {
            "state": enum(
                machine.events + sorted(machine.aliases),
                "The event to apply (see `x-state-machine`).",
            ),
            "message": string("Why; required when canceling.", minLength=1),
        },
        ["state"],
        closed=True,
    )


def document_example(dt: DocType, *, status: str = "draft", doc_id: int = 1001) -> Node:
    """A document of type `dt`; `final` becomes the state finalising leads to for the type."""
    if status == "final" and "final" not in MACHINES[dt.segment].states:
        status = next(t.target for t in MACHINES[dt.segment].transitions if t.event == "finalized")
    final = status != "draft"
    body: Node = {
        "id": doc_id,
        "status": status,
        "archived": False,
        "type": dt.type_name,
        "sequence_number": "1/A" if final else "rascunho",
        "inverted_sequence_number": "A/1" if final else None,
        "atcud": "N/D" if final else None,
        "sequence_id": 1,
        "tax_exemption": None,
        "date": dmy(),
        "due_date": dmy(15),
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
            "loaded_at": dmy(1, "09:00:00"),
            "license_plate": "00-AA-00",
            "address_from": ADDRESS,
            "address_to": ADDRESS,
            "at_doc_code_id": None,
        }
    if dt.family == "purchase_orders":
        body |= {"loaded_at": dmy(1), "delivery_site": "Armazém"}
    if dt.segment in ("credit_notes", "debit_notes"):
        body["owner_invoice_id"] = 1000
    return body
